import type { StoredResponse } from '@switchyard/ir';
import { DATABASE_KINDS } from './database';
import { applyMigrations } from './migrations.runner';
import { SqlResponseStore } from './responses.store';
import { openTestDatabase, type TestDatabase } from './test-database.harness';

function stored(id: string, tenantId = 'acme'): StoredResponse {
  return {
    id,
    tenantId,
    keyId: 'key-1',
    model: 'gpt-4o-mini',
    response: { id, object: 'response', status: 'completed', output: [{ type: 'message', content: [{ type: 'output_text', text: 'Hi ✓' }] }] },
    inputItems: [{ id: 'msg_1', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello' }] }],
    history: [{ type: 'message', role: 'user', content: 'earlier' }],
  };
}

describe.each(DATABASE_KINDS)('SqlResponseStore on %s', (kind) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'responses');
    await applyMigrations(t.db);
    for (const id of ['acme', 'globex']) await t.db.prisma.tenant.create({ data: { id, name: id } });
  });
  afterAll(() => t?.dispose());

  it('keeps a response with its JSON as given and finds it by id', async () => {
    const sut = new SqlResponseStore(t.db);
    await sut.save(stored('resp_a'));
    expect(await sut.find('resp_a')).toEqual(stored('resp_a'));
    expect(await sut.find('resp_missing')).toBeUndefined();
  });

  it('deletes only for the tenant that owns the response', async () => {
    const sut = new SqlResponseStore(t.db);
    await sut.save(stored('resp_b', 'acme'));
    expect(await sut.delete('resp_b', 'globex')).toBe(false);
    expect(await sut.find('resp_b')).toBeDefined();
    expect(await sut.delete('resp_b', 'acme')).toBe(true);
    expect(await sut.find('resp_b')).toBeUndefined();
    expect(await sut.delete('resp_b', 'acme')).toBe(false);
  });

  it('neither serves nor keeps a response past its retention', async () => {
    const sut = new SqlResponseStore(t.db, { retentionDays: 30 });
    await sut.save(stored('resp_c'));
    await sut.save(stored('resp_d'));
    expect(await sut.find('resp_c')).toBeDefined();
    await t.db.withSession((s) => s.query(`UPDATE responses SET expires_at = now() - interval '1 second' WHERE id = 'resp_c'`));
    expect(await sut.find('resp_c')).toBeUndefined();
    expect(await sut.prune()).toBe(1);
    expect(await t.db.withSession((s) => s.query<{ id: string }>(`SELECT id FROM responses WHERE id IN ('resp_c', 'resp_d')`))).toEqual([{ id: 'resp_d' }]);
  });

  it('sweeps expired rows as soon as it starts sweeping, without a save, and stops on close', async () => {
    const writer = new SqlResponseStore(t.db, { retentionDays: 1 });
    await writer.save(stored('resp_f'));
    await writer.save(stored('resp_g'));
    const [row] = await t.db.withSession((s) => s.query<{ days: number }>(`SELECT extract(epoch FROM expires_at - created_at) / 86400 AS days FROM responses WHERE id = 'resp_f'`));
    expect(Math.round(Number(row?.days))).toBe(1);
    await t.db.withSession((s) => s.query(`UPDATE responses SET expires_at = now() - interval '1 day' WHERE id = 'resp_f'`));

    const sut = new SqlResponseStore(t.db, { retentionDays: 1 });
    sut.startSweeping();
    await sut.close();
    expect(await t.db.withSession((s) => s.query<{ id: string }>(`SELECT id FROM responses WHERE id IN ('resp_f', 'resp_g')`))).toEqual([{ id: 'resp_g' }]);
  });

  it('without a retention neither expires nor sweeps', async () => {
    const sut = new SqlResponseStore(t.db);
    await sut.save(stored('resp_h'));
    expect(await t.db.withSession((s) => s.query<{ expires_at: unknown }>(`SELECT expires_at FROM responses WHERE id = 'resp_h'`))).toEqual([{ expires_at: null }]);
    sut.startSweeping();
    await sut.close();
    expect(await sut.find('resp_h')).toBeDefined();
  });

  it('goes with its tenant', async () => {
    const sut = new SqlResponseStore(t.db);
    await t.db.prisma.tenant.create({ data: { id: 'initech', name: 'initech' } });
    await sut.save(stored('resp_e', 'initech'));
    await t.db.prisma.tenant.delete({ where: { id: 'initech' } });
    expect(await sut.find('resp_e')).toBeUndefined();
  });
});
