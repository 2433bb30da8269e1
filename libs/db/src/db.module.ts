import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { createDatabase, type DatabaseOptions } from './create-database';
import { Database } from './database';
import { applyMigrations } from './migrations.runner';

/**
 * The database the hot path's reloads read (keys, prices, catalogue, the change feed): the
 * region's replica when `readUrl` is set, else the primary itself (docs/architecture.md §5).
 */
export const READ_DATABASE = Symbol('ReadDatabase');

export interface DbModuleOptions extends DatabaseOptions {
  /** Apply pending migrations before anything can use the database (standalone mode). */
  migrate?: boolean;
  /** A read replica's postgresql:// URL (DATABASE_READ_URL); never written to, never migrated. */
  readUrl?: string;
}

@Injectable()
class DatabaseCloser implements OnApplicationShutdown {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(READ_DATABASE) private readonly read: Database,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.db.close(), this.read === this.db ? undefined : this.read.close()]);
  }
}

/**
 * Provides `Database` (the primary: inject it by its class) and `READ_DATABASE` to the whole
 * app, and closes them on shutdown.
 */
@Module({})
export class DbModule {
  static forRoot(options: DbModuleOptions = {}): DynamicModule {
    return {
      module: DbModule,
      global: true,
      providers: [
        { provide: Database, useFactory: () => openDatabase(options) },
        { provide: READ_DATABASE, inject: [Database], useFactory: (primary: Database) => openReadDatabase(primary, options.readUrl) },
        DatabaseCloser,
      ],
      exports: [Database, READ_DATABASE],
    };
  }
}

/**
 * The replica at `readUrl`, or `primary` when there is none. A replica is a second pool: it is
 * not migrated (the primary is, and replication carries the schema) and is never written to.
 */
export function openReadDatabase(primary: Database, readUrl: string | undefined): Promise<Database> {
  return readUrl ? createDatabase({ databaseUrl: readUrl }) : Promise.resolve(primary);
}

async function openDatabase(options: DbModuleOptions): Promise<Database> {
  const db = await createDatabase(options);
  if (!options.migrate) return db;
  try {
    await applyMigrations(db);
    return db;
  } catch (error) {
    // Nest never sees this instance, so nothing else would close it (and an open PGlite keeps
    // the process alive).
    await db.close();
    throw error;
  }
}
