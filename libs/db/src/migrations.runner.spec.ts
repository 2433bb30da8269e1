import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createDatabase } from './create-database';
import { DATABASE_KINDS, type Database } from './database';
import { findMigrationsDir } from './migrations-dir.locator';
import { applyMigrations } from './migrations.runner';
import { openTestDatabase, type TestDatabase } from './test-database.harness';

const root = resolve(__dirname, '../../..');
const migrationsDir = findMigrationsDir();
const committed = readdirSync(migrationsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

describe.each(DATABASE_KINDS)('applyMigrations on %s', (kind) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'migrations');
  });
  afterAll(() => t?.dispose());

  it('applies every committed migration once, and a second run is a no-op', async () => {
    expect(await applyMigrations(t.db)).toEqual({ applied: committed });
    expect(await applyMigrations(t.db)).toEqual({ applied: [] });
    const tables = await t.db.withSession((s) =>
      s.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`),
    );
    expect(tables.map((r) => r.tablename)).toEqual(
      expect.arrayContaining(['tenants', 'virtual_keys', 'providers', 'models', 'deployments', 'prices', 'usage_records', 'audit_logs']),
    );
  });

  it("records each migration the way Prisma's schema engine does", async () => {
    const rows = await t.db.withSession((s) =>
      s.query<MigrationRow>('SELECT * FROM "_prisma_migrations" ORDER BY migration_name'),
    );
    expect(rows).toHaveLength(committed.length);
    rows.forEach((row, i) => {
      const file = readFileSync(join(migrationsDir, committed[i], 'migration.sql'));
      expect(row).toMatchObject({
        migration_name: committed[i],
        checksum: createHash('sha256').update(file).digest('hex'),
        rolled_back_at: null,
        applied_steps_count: 1,
      });
      expect(row.finished_at).not.toBeNull();
    });
  });

  it('leaves a schema the Prisma client can use', async () => {
    await t.db.prisma.tenant.create({ data: { id: 'acme', monthlyBudgetUsd: '500.25' } });
    const tenant = await t.db.prisma.tenant.findUniqueOrThrow({ where: { id: 'acme' } });
    expect(tenant.monthlyBudgetUsd?.toFixed(2)).toBe('500.25');
    expect(tenant.metadata).toEqual({});
    expect(tenant.createdAt).toBeInstanceOf(Date);
  });

  it('refuses to run past a migration that failed earlier', async () => {
    await t.db.withSession((s) =>
      s.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ('x', 'x', '99_broken', now())`),
    );
    await expect(applyMigrations(t.db)).rejects.toThrow('migration 99_broken failed earlier');
    await t.db.withSession((s) => s.query(`DELETE FROM "_prisma_migrations" WHERE id = 'x'`));
  });
});

describe('applyMigrations on postgres, several processes at once', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase('postgres', 'migrations_race');
  });
  afterAll(() => t?.dispose());

  it('applies each migration exactly once when clients start together', async () => {
    const others = await Promise.all([1, 2, 3].map(() => createDatabase({ databaseUrl: t.location })));
    try {
      const results = await Promise.all([t.db, ...others].map((db) => applyMigrations(db)));
      expect(results.flatMap((r) => r.applied).sort()).toEqual(committed);
    } finally {
      await Promise.all(others.map((db) => db.close()));
    }
  });

  it('agrees with `prisma migrate status`', async () => {
    const { stdout } = await prisma(['migrate', 'status'], t.location);
    expect(stdout).toContain('Database schema is up to date!');
  });

  // Operators may migrate with Prisma's CLI instead of letting the services do it at start.
  it('leaves the same schema as `prisma migrate deploy` on a fresh database, and then finds nothing to apply', async () => {
    const deployed = await openTestDatabase('postgres', 'migrations_prisma');
    try {
      const { stdout } = await prisma(['migrate', 'deploy'], deployed.location);
      expect(stdout).toContain('All migrations have been successfully applied.');
      expect(await applyMigrations(deployed.db)).toEqual({ applied: [] });
      expect(await schemaOf(deployed.db)).toEqual(await schemaOf(t.db));
    } finally {
      await deployed.dispose();
    }
  });
});

function prisma(args: string[], databaseUrl: string): Promise<{ stdout: string }> {
  return promisify(execFile)(process.execPath, [join(root, 'node_modules/prisma/build/index.js'), ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1' },
  });
}

/** Every column, constraint, index and enum of the public schema, as text that can be compared. */
async function schemaOf(db: Database): Promise<string[]> {
  const rows = await db.withSession((s) =>
    s.query<{ line: string }>(`
      SELECT format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, column_default) AS line
        FROM information_schema.columns WHERE table_schema = 'public'
      UNION ALL
      SELECT format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace
      UNION ALL
      SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public'
      UNION ALL
      SELECT format('enum %s %s', t.typname, e.enumlabel)
        FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
      ORDER BY 1`),
  );
  return rows.map((r) => r.line);
}
