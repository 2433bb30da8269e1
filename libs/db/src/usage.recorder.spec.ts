import { randomUUID } from 'node:crypto';
import { DATABASE_KINDS } from './database';
import { applyMigrations } from './migrations.runner';
import { openTestDatabase, type TestDatabase } from './test-database.harness';
import type { UsageRecordInput } from './usage-record.types';
import { recordUsageBatch } from './usage.recorder';

function usageEvent(requestId: string): UsageRecordInput {
  return {
    requestId,
    tenantId: 'acme',
    keyId: randomUUID(),
    model: 'gpt-4o-mini',
    providerId: 'openai-main',
    upstreamModel: 'gpt-4o-mini-2024-07-18',
    dialect: 'openai',
    stream: true,
    status: 'ok',
    httpStatus: 200,
    inputTokens: 1200,
    outputTokens: 350,
    cachedInputTokens: 1000,
    costUsd: '0.000240000',
    latencyMs: 812,
    ttftMs: 95,
    startedAt: new Date('2026-01-02T03:04:05.678Z'),
    finishedAt: new Date('2026-01-02T03:04:06.490Z'),
  };
}

describe.each(DATABASE_KINDS)('recordUsageBatch on %s', (kind) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'usage');
    await applyMigrations(t.db);
  });
  afterAll(() => t?.dispose());

  it('stores a redelivered event once, and says which delivery was new', async () => {
    const event = usageEvent('req-1');
    expect(await recordUsageBatch(t.db, [event])).toBe(1);
    expect(await recordUsageBatch(t.db, [{ ...event, outputTokens: 9999 }])).toBe(0);
    const rows = await t.db.prisma.usageRecord.findMany({ where: { requestId: 'req-1' } });
    expect(rows).toHaveLength(1);
    expect(rows[0].outputTokens).toBe(350);
  });

  it('stores the cache, attempt and cache-write facts of a request', async () => {
    await recordUsageBatch(t.db, [{ ...usageEvent('req-facts'), cacheHit: true, attempts: 3, cacheWriteTokens: 200 }]);
    const row = await t.db.prisma.usageRecord.findUniqueOrThrow({ where: { requestId: 'req-facts' } });
    expect(row).toMatchObject({ cacheHit: true, attempts: 3, cacheWriteTokens: 200 });
  });

  it('keeps exact costs, timestamps and defaults', async () => {
    const event = { ...usageEvent('req-2'), costUsd: '0.123456789', cachedInputTokens: undefined };
    await recordUsageBatch(t.db, [event]);
    const row = await t.db.prisma.usageRecord.findUniqueOrThrow({ where: { requestId: 'req-2' } });
    expect(row.costUsd.toString()).toBe('0.123456789');
    expect(row.startedAt.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(row).toMatchObject({ cachedInputTokens: 0, reasoningTokens: 0, deploymentId: null, errorKind: null, region: null });
  });

  it('stores the multiplier, upstream cost and batch flag exactly, and null when absent', async () => {
    await recordUsageBatch(t.db, [{ ...usageEvent('req-margin'), priceMultiplier: '1.2', upstreamCostUsd: '0.000200001', batch: true }]);
    const row = await t.db.prisma.usageRecord.findUniqueOrThrow({ where: { requestId: 'req-margin' } });
    expect([row.priceMultiplier?.toString(), row.upstreamCostUsd?.toString(), row.batch]).toEqual(['1.2', '0.000200001', true]);
    const plain = await t.db.prisma.usageRecord.findUniqueOrThrow({ where: { requestId: 'req-2' } });
    expect([plain.priceMultiplier, plain.upstreamCostUsd, plain.batch]).toEqual([null, null, false]);
  });

  it('ignores fields of a richer event object that are not columns', async () => {
    const event = { ...usageEvent('req-3'), traceId: 'abc' };
    expect(await recordUsageBatch(t.db, [event])).toBe(1);
  });

  it('stores each of many concurrent deliveries of one event once', async () => {
    const event = usageEvent('req-4');
    const results = await Promise.all(Array.from({ length: 5 }, () => recordUsageBatch(t.db, [event])));
    expect(results.filter((n) => n === 1)).toHaveLength(1);
    expect(results.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await t.db.prisma.usageRecord.count({ where: { requestId: 'req-4' } })).toBe(1);
  });

  it('stores a batch in one statement, counting only the new events', async () => {
    await recordUsageBatch(t.db, [usageEvent('batch-1')]);
    const batch = ['batch-1', 'batch-2', 'batch-3', 'batch-2'].map(usageEvent);
    expect(await recordUsageBatch(t.db, batch)).toBe(2);
    expect(await t.db.prisma.usageRecord.count({ where: { requestId: { startsWith: 'batch-' } } })).toBe(3);
    expect(await recordUsageBatch(t.db, [])).toBe(0);
  });
});
