import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Prisma } from './generated/prisma/client';
import { createDatabase } from './create-database';
import { applyMigrations } from './migrations.runner';
import { openTestDatabase, type TestDatabase } from './test-database.harness';

// PGlite through its worker thread: what Prisma and the raw sessions see must be what they saw
// when PGlite ran on the main thread.
describe('PGlite in its worker thread', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase('pglite', 'worker');
    await applyMigrations(t.db);
    await t.db.withSession((s) => s.exec('CREATE TABLE notes (id text PRIMARY KEY)'));
  });
  afterAll(() => t?.dispose());
  const notes = (ids: string[]) =>
    t.db.withSession((s) => s.query<{ id: string }>('SELECT id FROM notes WHERE id = ANY($1) ORDER BY id', [ids]));

  it('gives Prisma its own errors for constraint violations', async () => {
    await t.db.prisma.tenant.create({ data: { id: 'dup' } });
    const error = await t.db.prisma.tenant.create({ data: { id: 'dup' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe('P2002');
  });

  it('gives raw session errors their SQLSTATE', async () => {
    const error = await t.db.withSession((s) => s.query('SELECT 1/0')).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'division by zero', code: '22012' });
  });

  it('returns typed values: dates, numbers, json, arrays', async () => {
    const [row] = await t.db.withSession((s) =>
      s.query<{ at: Date; n: number; j: { a: number }; xs: string[] }>(`SELECT '2026-01-02T03:04:05Z'::timestamptz AS at, 42 AS n, '{"a":1}'::jsonb AS j, ARRAY['x','y'] AS xs`),
    );
    expect(row).toEqual({ at: new Date('2026-01-02T03:04:05Z'), n: 42, j: { a: 1 }, xs: ['x', 'y'] });
  });

  it('commits a session transaction, and rolls one back when its function throws', async () => {
    await t.db.withSession((s) => s.transaction((tx) => tx.query(`INSERT INTO notes VALUES ('kept')`)));
    const failed = t.db.withSession((s) =>
      s.transaction(async (tx) => {
        await tx.query(`INSERT INTO notes VALUES ('undone')`);
        throw new Error('changed my mind');
      }),
    );
    await expect(failed).rejects.toThrow('changed my mind');
    expect(await notes(['kept', 'undone'])).toEqual([{ id: 'kept' }]);
  });

  it('runs Prisma interactive transactions, and rolls them back on an error', async () => {
    await t.db.prisma.$transaction(async (tx) => {
      await tx.tenant.create({ data: { id: 'tx-kept' } });
    });
    await expect(
      t.db.prisma.$transaction(async (tx) => {
        await tx.tenant.create({ data: { id: 'tx-undone' } });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await t.db.prisma.tenant.count({ where: { id: { in: ['tx-kept', 'tx-undone'] } } })).toBe(1);
  });

  it('keeps queries from outside a transaction out of it', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const inTx = t.db.withSession((s) =>
      s.transaction(async (tx) => {
        await tx.query(`INSERT INTO notes VALUES ('isolated')`);
        await held;
        throw new Error('rolled back');
      }),
    );
    // Waits for the transaction's connection instead of joining it, so it never sees the row.
    const outside = notes(['isolated']);
    release();
    await expect(inTx).rejects.toThrow('rolled back');
    expect(await outside).toEqual([]);
  });
});

describe('PGlite worker lifecycle', () => {
  it('initialises an empty folder, reopens it with its data, and refuses queries once closed', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'sy-worker-init-')), 'pglite');
    try {
      const db = await createDatabase({ dataDir });
      await db.withSession((s) => s.exec('CREATE TABLE notes (body text); INSERT INTO notes VALUES ($$kept$$)'));
      await db.close();
      expect(existsSync(`${dataDir}.lock`)).toBe(false);
      await expect(db.withSession((s) => s.query('SELECT 1'))).rejects.toThrow('the embedded database is closed');

      const again = await createDatabase({ dataDir });
      expect(await again.withSession((s) => s.query('SELECT body FROM notes'))).toEqual([{ body: 'kept' }]);
      await again.close();
    } finally {
      rmSync(join(dataDir, '..'), { recursive: true, force: true });
    }
  });
});
