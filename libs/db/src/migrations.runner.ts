import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from './database';
import { findMigrationsDir } from './migrations-dir.locator';
import type { SqlSession } from './sql-session.types';

/**
 * The key Prisma's own schema engine passes to pg_advisory_lock: taking the same one makes this
 * runner and `prisma migrate deploy` wait for each other too.
 */
export const MIGRATION_LOCK_KEY = 72707369;

// Prisma's bookkeeping table, exactly as its schema engine creates it, so that
// `prisma migrate status` and `migrate deploy` read what this runner wrote (and vice versa).
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface ApplyMigrationsOptions {
  /** Default: findMigrationsDir(). */
  migrationsDir?: string;
}

export interface ApplyMigrationsResult {
  /** Names of the migrations this call applied, in order; empty when already up to date. */
  applied: string[];
}

interface MigrationFile {
  name: string;
  script: string;
  checksum: string;
}

interface MigrationRow {
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies each committed prisma/migrations/<name>/migration.sql not yet recorded in
 * _prisma_migrations, in name order, each in its own transaction together with its record.
 * On Postgres the whole run holds an advisory lock, so replicas starting together apply each
 * migration once. Much faster than spawning the Prisma CLI, and it also works on PGlite.
 */
export async function applyMigrations(
  db: Database,
  options: ApplyMigrationsOptions = {},
): Promise<ApplyMigrationsResult> {
  const migrations = await readMigrations(options.migrationsDir ?? findMigrationsDir());
  return db.withSession(async (session) => {
    const locked = db.kind === 'postgres';
    if (locked) await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await applyPending(session, migrations);
    } finally {
      if (locked) await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  });
}

async function applyPending(session: SqlSession, migrations: MigrationFile[]): Promise<ApplyMigrationsResult> {
  await session.exec(CREATE_MIGRATIONS_TABLE);
  const rows = await session.query<MigrationRow>(
    'SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"',
  );
  const done = new Set(rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => r.migration_name));
  const failed = rows.find((r) => !r.finished_at && !r.rolled_back_at);
  if (failed) {
    // Same rule as Prisma (P3009): a half-applied migration needs a human first.
    throw new Error(
      `migration ${failed.migration_name} failed earlier and is not resolved; ` +
        'fix the database, then run `prisma migrate resolve`',
    );
  }
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.name)) continue;
    await session
      .transaction(async (tx) => {
        const startedAt = new Date();
        await tx.exec(migration.script);
        await tx.query(
          `INSERT INTO "_prisma_migrations"
             (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, NULL, NULL, $4, 1)`,
          [randomUUID(), migration.checksum, migration.name, startedAt.toISOString()],
        );
      })
      .catch((error: unknown) => {
        throw new Error(`migration ${migration.name} failed and was rolled back: ${messageOf(error)}`, {
          cause: error,
        });
      });
    applied.push(migration.name);
  }
  return { applied };
}

async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(join(dir, name, 'migration.sql'));
      // Prisma's checksum: sha256 hex of the file's bytes.
      const checksum = createHash('sha256').update(bytes).digest('hex');
      return { name, script: bytes.toString('utf8'), checksum };
    }),
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
