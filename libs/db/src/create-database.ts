import { Database } from './database';
import { PrismaClient, type Prisma } from './generated/prisma/client';
import { openPglite } from './pglite.driver';
import { openPostgres } from './postgres.driver';

export interface DatabaseOptions {
  /** A postgresql:// URL; unset or empty selects embedded PGlite. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; default ./data/pglite. Ignored for Postgres. */
  dataDir?: string;
}

type AdapterFactory = NonNullable<Prisma.PrismaClientOptions['adapter']>;

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/**
 * Opens Postgres (through @prisma/adapter-pg and a pg pool) when given a postgresql:// URL,
 * else PGlite persisted in dataDir (standalone mode, DESIGN.md §5). Does not migrate: see
 * applyMigrations.
 */
export async function createDatabase(options: DatabaseOptions = {}): Promise<Database> {
  const { databaseUrl, dataDir } = options;
  if (databaseUrl) {
    if (!POSTGRES_URL.test(databaseUrl)) {
      throw new Error('DATABASE_URL must start with postgresql:// (leave it unset for embedded PGlite)');
    }
    const { adapter, sessions } = openPostgres(databaseUrl);
    return new Database(new PrismaClient({ adapter }), 'postgres', sessions);
  }
  const { adapter, sessions } = await openPglite(dataDir);
  // pglite-prisma-adapter 0.6.1 is typed against @prisma/driver-adapter-utils 6.10, whose query
  // argTypes were strings (6.19 made them objects). The adapter never reads argTypes, so only the
  // types disagree.
  return new Database(new PrismaClient({ adapter: adapter as unknown as AdapterFactory }), 'pglite', sessions);
}
