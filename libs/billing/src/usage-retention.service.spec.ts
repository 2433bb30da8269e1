// Retention against a real Postgres: raw rows past the period go, rollups (and so statements) stay.
import { Logger } from '@nestjs/common';
import { recordUsageBatch, statementUsageLines, type UsageRecordInput } from '@switchyard/db';
import { applyMigrations } from '../../db/src/migrations.runner';
import { openTestDatabase, type TestDatabase } from '../../db/src/test-database.harness';
import { UsageRetention } from './usage-retention.service';
import { UsageRetentionTimer } from './usage-retention.timer';

const NOW = Date.parse('2026-06-30T12:00:00Z');
const DAY = 86_400_000;

function row(requestId: string, ageDays: number): UsageRecordInput {
  const startedAt = new Date(NOW - ageDays * DAY);
  return { requestId, tenantId: 'acme', keyId: 'k', model: 'm', dialect: 'openai', stream: false, status: 'ok', httpStatus: 200, inputTokens: 1, outputTokens: 1, costUsd: '0.000000003', latencyMs: 1, startedAt, finishedAt: startedAt };
}

describe(UsageRetention.name, () => {
  let t: TestDatabase;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    t = await openTestDatabase('postgres', 'retention');
    await applyMigrations(t.db);
  });
  afterAll(() => t?.dispose());

  it('deletes raw rows older than the period and keeps the rollups whole', async () => {
    await recordUsageBatch(t.db, [row('old-1', 40), row('old-2', 31), row('new-1', 29), row('new-2', 0)]);
    const month = (m: number) => statementUsageLines(t.db, 'acme', new Date(Date.UTC(2026, m, 1)), new Date(Date.UTC(2026, m + 1, 1)));
    const before = [await month(4), await month(5)];
    expect(await new UsageRetention(t.db, 30).run(NOW)).toBe(2);
    const left = await t.db.prisma.usageRecord.findMany({ select: { requestId: true }, orderBy: { requestId: 'asc' } });
    expect(left.map((r) => r.requestId)).toEqual(['new-1', 'new-2']);
    expect([await month(4), await month(5)]).toEqual(before);
    expect(await new UsageRetention(t.db, 30).run(NOW)).toBe(0);
  });
});

describe(UsageRetentionTimer.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs a pass after start-up and then every period, and stops on close', async () => {
    const run = jest.fn(async () => 0);
    const timer = new UsageRetentionTimer({ run } as unknown as UsageRetention, 3_600_000);
    timer.start();
    expect(run).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(run).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(3_600_000);
    expect(run).toHaveBeenCalledTimes(2);
    await timer.close();
    await jest.advanceTimersByTimeAsync(10 * 3_600_000);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('keeps its schedule after a failed pass', async () => {
    const run = jest.fn().mockRejectedValueOnce(new Error('database away')).mockResolvedValue(0);
    const timer = new UsageRetentionTimer({ run } as unknown as UsageRetention, 3_600_000);
    timer.start();
    await jest.advanceTimersByTimeAsync(60_000 + 3_600_000);
    expect(run).toHaveBeenCalledTimes(2);
    await timer.close();
  });
});
