import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_KINDS } from './database';
import { hashKey, keyPrefix } from './key-hash';
import { findMigrationsDir } from './migrations-dir.locator';
import { applyMigrations } from './migrations.runner';
import { openTestDatabase, type TestDatabase } from './test-database.harness';

// The migration that shortens stored key prefixes must agree with keyPrefix(), or the next
// apply would report every file key as changed. Rows are written as the old 12-character
// prefixes were, then the migration's SQL runs again over them.

const KEYS = [
  'sk-sy-AbCdEfGh1234567890abcdefghijklmnopqrstu-_',
  'sk-test-acme-0123456789abcdef0123456789',
  '0123456789abcdef0123456789abcdef',
  'sk-0123456789abcdef0123456789abcdef',
  'sk-abcdefgh-0123456789abcdef0123456789',
];

describe.each(DATABASE_KINDS)('the shorter key prefixes migration on %s', (kind) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'key_prefix_migration');
    await applyMigrations(t.db);
  });
  afterAll(() => t?.dispose());

  it('cuts a stored 12-character prefix to what keyPrefix keeps of the key', async () => {
    await t.db.prisma.tenant.create({ data: { id: 'acme' } });
    for (const key of KEYS) await t.db.prisma.virtualKey.create({ data: { tenantId: 'acme', hash: hashKey(key), prefix: key.slice(0, 12), previousPrefix: key.slice(0, 12) } });
    const sql = readFileSync(join(findMigrationsDir(), '20261206200000_shorter_key_prefixes', 'migration.sql'), 'utf8');

    for (const statement of sql.split(';').filter((s) => s.replace(/--.*$/gm, '').trim() !== '')) await t.db.prisma.$executeRawUnsafe(statement);

    const rows = await t.db.prisma.virtualKey.findMany({ select: { hash: true, prefix: true, previousPrefix: true } });
    for (const key of KEYS) {
      expect(rows.find((r) => r.hash === hashKey(key))).toEqual({ hash: hashKey(key), prefix: keyPrefix(key), previousPrefix: keyPrefix(key) });
    }
  });
});
