import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { createDatabase, type DatabaseOptions } from './create-database';
import { Database } from './database';
import { applyMigrations } from './migrations.runner';

export interface DbModuleOptions extends DatabaseOptions {
  /** Apply pending migrations before anything can use the database (standalone mode). */
  migrate?: boolean;
}

@Injectable()
class DatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly db: Database) {}

  onApplicationShutdown(): Promise<void> {
    return this.db.close();
  }
}

/** Provides `Database` (inject it by its class) to the whole app, and closes it on shutdown. */
@Module({})
export class DbModule {
  static forRoot(options: DbModuleOptions = {}): DynamicModule {
    return {
      module: DbModule,
      global: true,
      providers: [
        { provide: Database, useFactory: () => openDatabase(options) },
        DatabaseCloser,
      ],
      exports: [Database],
    };
  }
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
