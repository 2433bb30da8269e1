import { Database } from './database';
import { PrismaClient } from './generated/prisma/client';
import { openPglite } from './pglite.driver';
import { openPostgres } from './postgres.driver';

export interface DatabaseOptions {
  /** A postgresql:// URL; unset or empty selects embedded PGlite. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; default ./data/pglite. Ignored for Postgres. */
  dataDir?: string;
}

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/**
 * Opens Postgres (through @prisma/adapter-pg and a pg pool) when given a postgresql:// URL,
 * else PGlite persisted in dataDir, in a worker thread of its own (standalone mode,
 * docs/architecture.md §5). Does not migrate: see applyMigrations.
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
  return new Database(new PrismaClient({ adapter }), 'pglite', sessions);
}
