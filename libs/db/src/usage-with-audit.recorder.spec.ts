import { DATABASE_KINDS } from './database';
import { applyMigrations } from './migrations.runner';
import type { RequestAuditInput } from './request-audit.store';
import { openTestDatabase, type TestDatabase } from './test-database.harness';
import type { UsageRecordInput } from './usage-record.types';
import { recordUsageWithAudit } from './usage-with-audit.recorder';

const AT = new Date('2026-03-04T05:06:07.890Z');

function usage(requestId: string, costUsd = '0.000001500'): UsageRecordInput {
  return {
    requestId, tenantId: 'acme', keyId: 'key-1', model: 'gpt-4o-mini', providerId: 'openai-main', dialect: 'openai', stream: false,
    status: 'ok', httpStatus: 200, inputTokens: 10, outputTokens: 5, costUsd, latencyMs: 12, startedAt: AT, finishedAt: AT,
  };
}

function audit(requestId: string): RequestAuditInput {
  return {
    requestId, tenantId: 'acme', keyId: 'key-1', clientIp: '127.0.0.1', clientRequestId: null, endpoint: '/v1/chat/completions',
    dialect: 'openai', model: 'gpt-4o-mini', providerId: 'openai-main', deploymentId: null, deploymentRegion: null, dataRegions: [],
    region: null, outcome: 'ok', httpStatus: 200, errorKind: null, piiAction: null, piiCategories: [], requestBody: null,
    responseBody: null, startedAt: AT, finishedAt: AT,
  };
}

describe.each(DATABASE_KINDS)('recordUsageWithAudit on %s', (kind) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'usage_audit');
    await applyMigrations(t.db);
  });
  afterAll(() => t?.dispose());

  it('stores ledger, rollup and audit rows of a batch once, counting only new rows on redelivery', async () => {
    expect(await recordUsageWithAudit(t.db, [usage('wa-1'), usage('wa-2')], [audit('wa-1'), audit('wa-2'), audit('wa-refused')])).toEqual({ inserted: 2, audited: 3 });
    expect(await recordUsageWithAudit(t.db, [usage('wa-2'), usage('wa-3')], [audit('wa-2'), audit('wa-3')])).toEqual({ inserted: 1, audited: 1 });

    expect(await t.db.prisma.usageRecord.count({ where: { requestId: { startsWith: 'wa-' } } })).toBe(3);
    expect(await t.db.prisma.requestAudit.count({ where: { requestId: { startsWith: 'wa-' } } })).toBe(4);
    const [hourly] = await t.db.withSession((s) =>
      s.query<{ requests: number; cost: string }>(`SELECT requests::int, cost_usd::text AS cost FROM usage_rollups_hourly WHERE tenant_id = 'acme' AND bucket = '2026-03-04T05:00:00Z'`),
    );
    expect(hourly).toEqual({ requests: 3, cost: '0.000004500' });
  });

  it('stores audit rows alone when no event is billed, and nothing for an empty batch', async () => {
    expect(await recordUsageWithAudit(t.db, [], [audit('wa-only')])).toEqual({ inserted: 0, audited: 1 });
    expect(await recordUsageWithAudit(t.db, [], [])).toEqual({ inserted: 0, audited: 0 });
  });

  it('stores nothing of a batch the database refuses for its data', async () => {
    await expect(recordUsageWithAudit(t.db, [usage('wa-bad-1'), usage('wa-bad-2', 'not a number')], [audit('wa-bad-1')])).rejects.toThrow();

    expect(await t.db.prisma.usageRecord.count({ where: { requestId: { startsWith: 'wa-bad-' } } })).toBe(0);
    expect(await t.db.prisma.requestAudit.count({ where: { requestId: 'wa-bad-1' } })).toBe(0);
  });
});
