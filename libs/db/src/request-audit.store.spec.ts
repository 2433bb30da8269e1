import { DATABASE_KINDS } from './database';
import { applyMigrations } from './migrations.runner';
import { pruneRequestAudit, recordRequestAudit, type RequestAuditInput } from './request-audit.store';
import { openTestDatabase, type TestDatabase } from './test-database.harness';

function auditRow(requestId: string, startedAt = '2026-01-02T03:04:05.678Z'): RequestAuditInput {
  return {
    requestId,
    tenantId: 'acme',
    keyId: 'key-1',
    clientIp: '203.0.113.7',
    clientRequestId: null,
    endpoint: '/v1/chat/completions',
    dialect: 'openai',
    model: 'gpt-4o-mini',
    providerId: 'openai-eu',
    deploymentId: 'dep-1',
    deploymentRegion: 'eu-west',
    dataRegions: ['eu-west'],
    region: 'eu-west',
    outcome: 'ok',
    httpStatus: 200,
    errorKind: null,
    piiAction: 'mask',
    piiCategories: ['email', 'phone'],
    requestBody: null,
    responseBody: null,
    startedAt: new Date(startedAt),
    finishedAt: new Date(startedAt),
  };
}

describe.each(DATABASE_KINDS)('request audit store on %s', (kind) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'audit');
    await applyMigrations(t.db);
  });
  afterAll(() => t?.dispose());

  it('stores a redelivered row once, with its lists', async () => {
    expect(await recordRequestAudit(t.db, [auditRow('a-1'), { ...auditRow('a-2'), piiCategories: [], dataRegions: [] }])).toBe(2);
    expect(await recordRequestAudit(t.db, [{ ...auditRow('a-1'), outcome: 'error' }])).toBe(0);

    const rows = await t.db.prisma.requestAudit.findMany({ where: { requestId: { in: ['a-1', 'a-2'] } }, orderBy: { requestId: 'asc' } });
    expect(rows.map((r) => ({ id: r.requestId, outcome: r.outcome, pii: r.piiCategories, regions: r.dataRegions }))).toEqual([
      { id: 'a-1', outcome: 'ok', pii: ['email', 'phone'], regions: ['eu-west'] },
      { id: 'a-2', outcome: 'ok', pii: [], regions: [] },
    ]);
  });

  it('keeps list items with quotes, backslashes, commas, braces and spaces exactly', async () => {
    const odd = ['a "quoted" one', 'back\\slash', 'comma, and {braces}', ' padded ', 'NULL', ''];
    expect(await recordRequestAudit(t.db, [{ ...auditRow('odd-1'), piiCategories: odd, dataRegions: ['eu-west', 'us-east'] }])).toBe(1);

    const row = await t.db.prisma.requestAudit.findUniqueOrThrow({ where: { requestId: 'odd-1' } });
    expect(row.piiCategories).toEqual(odd);
    expect(row.dataRegions).toEqual(['eu-west', 'us-east']);
  });

  it('prunes rows older than the cut-off in batches, and only those', async () => {
    const old = Array.from({ length: 7 }, (_, i) => auditRow(`old-${i}`, '2025-01-01T00:00:00.000Z'));
    await recordRequestAudit(t.db, [...old, auditRow('new-1', '2026-06-01T00:00:00.000Z')]);

    const deleted = await pruneRequestAudit(t.db, new Date('2025-06-01T00:00:00.000Z'), 3);

    expect(deleted).toBe(7);
    expect(await t.db.prisma.requestAudit.count({ where: { requestId: { startsWith: 'old-' } } })).toBe(0);
    expect(await t.db.prisma.requestAudit.count({ where: { requestId: 'new-1' } })).toBe(1);
  });
});
