import { randomInt } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usdOfNano } from '@switchyard/shared';
import { DATABASE_KINDS } from './database';
import { findMigrationsDir } from './migrations-dir.locator';
import { applyMigrations } from './migrations.runner';
import { openTestDatabase, type TestDatabase } from './test-database.harness';
import type { UsageRecordInput } from './usage-record.types';
import { deleteUsageBefore } from './usage-retention';
import { queryUsageRollups } from './usage-rollups.query';
import { statementUsageLines } from './usage-statement.query';
import { recordUsageBatch } from './usage.recorder';

const KEYS = ['k-1', 'k-2', 'k-3'];
const MODELS = ['gpt-4o-mini', 'claude-haiku'];

/** A random event in early January 2026 (UTC hours and days vary); costs are exact random nano amounts. */
function randomEvent(requestId: string, tenantId = 'acme'): UsageRecordInput {
  const startedAt = new Date(Date.UTC(2026, 0, 1 + randomInt(3), randomInt(24), randomInt(60)));
  return {
    requestId,
    tenantId,
    keyId: KEYS[randomInt(KEYS.length)] as string,
    model: MODELS[randomInt(MODELS.length)] as string,
    providerId: randomInt(4) === 0 ? null : `p-${randomInt(2)}`,
    region: randomInt(3) === 0 ? null : 'eu',
    dialect: 'openai',
    stream: false,
    status: randomInt(5) === 0 ? 'error' : 'ok',
    httpStatus: 200,
    inputTokens: randomInt(5000),
    outputTokens: randomInt(2000),
    cachedInputTokens: randomInt(100),
    reasoningTokens: randomInt(100),
    cacheWriteTokens: randomInt(100),
    costUsd: usdOfNano(BigInt(randomInt(50_000_000))),
    // A third of the deployments declare no upstream cost; the margin may be negative.
    upstreamCostUsd: randomInt(3) === 0 ? null : usdOfNano(BigInt(randomInt(60_000_000))),
    latencyMs: 10,
    startedAt,
    finishedAt: startedAt,
  };
}

// The raw rows summed the way each rollup table groups them: what the rollups must equal.
const RAW_BY = (unit: 'hour' | 'day' | 'month') => `
  SELECT date_trunc('${unit}', started_at, 'UTC') AS bucket, tenant_id, key_id, model, coalesce(provider_id, '') AS provider_id,
         coalesce(region, '') AS region, count(*)::text AS requests, count(*) FILTER (WHERE status = 'error')::text AS errors,
         sum(input_tokens)::text AS input_tokens, sum(output_tokens)::text AS output_tokens, sum(cached_input_tokens)::text AS cached,
         sum(reasoning_tokens)::text AS reasoning, sum(cache_write_tokens)::text AS cache_write, sum(cost_usd)::text AS cost_usd,
         coalesce(sum(upstream_cost_usd), 0)::numeric(18, 9)::text AS upstream_cost_usd, coalesce(sum(cost_usd - upstream_cost_usd), 0)::numeric(18, 9)::text AS margin_usd,
         count(upstream_cost_usd)::text AS costed_requests
    FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`;
const ROLLUP = (table: string) => `
  SELECT bucket, tenant_id, key_id, model, provider_id, region, requests::text, errors::text, input_tokens::text,
         output_tokens::text, cached_input_tokens::text AS cached, reasoning_tokens::text AS reasoning,
         cache_write_tokens::text AS cache_write, cost_usd::text, upstream_cost_usd::text, margin_usd::text, costed_requests::text
    FROM ${table} ORDER BY 1, 2, 3, 4, 5, 6`;

describe.each(DATABASE_KINDS)('usage rollups on %s', (kind) => {
  let t: TestDatabase;
  const query = <T>(sql: string, params?: unknown[]) => t.db.withSession((s) => s.query<T>(sql, params));

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'rollups');
    await applyMigrations(t.db);
  });
  afterAll(() => t?.dispose());

  it('equal the raw rows after concurrent batches that redeliver each other’s events', async () => {
    const events = Array.from({ length: 400 }, (_, i) => randomEvent(`r-${i}`));
    // Eight overlapping batches sent at once: every event is in two of them, and one batch repeats itself.
    const batches = Array.from({ length: 8 }, (_, b) => events.filter((_, i) => i % 8 === b || (i + 1) % 8 === b));
    batches.push([...(batches[0] as UsageRecordInput[])]);
    const inserted = await Promise.all(batches.map((batch) => recordUsageBatch(t.db, batch)));
    expect(inserted.reduce((a, b) => a + b, 0)).toBe(events.length);
    // And once more later, as a queue redelivers a batch whose acknowledgement was lost.
    expect(await recordUsageBatch(t.db, events.slice(0, 50))).toBe(0);

    const hourly = await query(ROLLUP('usage_rollups_hourly'));
    expect(hourly.length).toBeGreaterThan(20);
    expect(hourly).toEqual(await query(RAW_BY('hour')));
    expect(await query(ROLLUP('usage_rollups_daily'))).toEqual(await query(RAW_BY('day')));
    expect(await query(ROLLUP('usage_rollups_monthly'))).toEqual(await query(RAW_BY('month')));
  });

  it('carry upstream cost and margin (some rows costed, some not)', async () => {
    const [sums] = await query<{ costed: string; uncosted: string }>('SELECT sum(costed_requests)::text AS costed, sum(requests - costed_requests)::text AS uncosted FROM usage_rollups_monthly');
    expect(Number(sums?.costed)).toBeGreaterThan(0);
    expect(Number(sums?.uncosted)).toBeGreaterThan(0);
  });

  it('are kept when retention deletes the raw rows, in batches', async () => {
    const before = [await query(ROLLUP('usage_rollups_daily')), await query(ROLLUP('usage_rollups_monthly'))];
    const raw = await t.db.prisma.usageRecord.count({ where: { startedAt: { lt: new Date('2026-01-02T00:00:00Z') } } });
    expect(raw).toBeGreaterThan(0);
    expect(await deleteUsageBefore(t.db, new Date('2026-01-02T00:00:00Z'), { batchSize: 7 })).toBe(raw);
    expect(await t.db.prisma.usageRecord.count({ where: { startedAt: { lt: new Date('2026-01-02T00:00:00Z') } } })).toBe(0);
    expect(await t.db.prisma.usageRecord.count()).toBe(400 - raw);
    expect([await query(ROLLUP('usage_rollups_daily')), await query(ROLLUP('usage_rollups_monthly'))]).toEqual(before);
    expect(await deleteUsageBefore(t.db, new Date('2026-01-02T00:00:00Z'))).toBe(0);
  });
});

describe.each(DATABASE_KINDS)('rollup and statement queries on %s', (kind) => {
  let t: TestDatabase;
  const at = (iso: string) => new Date(iso);
  const event = (id: string, o: Partial<UsageRecordInput>): UsageRecordInput => ({ ...randomEvent(id), upstreamCostUsd: null, ...o, finishedAt: o.startedAt ?? at('2026-02-01T00:00:00Z') });

  beforeAll(async () => {
    t = await openTestDatabase(kind, 'rollupq');
    await applyMigrations(t.db);
    await recordUsageBatch(t.db, [
      event('a', { tenantId: 'acme', keyId: 'k-1', model: 'm-1', providerId: 'p', region: 'eu', status: 'ok', inputTokens: 10, costUsd: '0.000000001', upstreamCostUsd: '0.000000003', startedAt: at('2026-02-01T00:10:00Z') }),
      event('b', { tenantId: 'acme', keyId: 'k-1', model: 'm-1', providerId: 'p', region: 'eu', status: 'error', inputTokens: 5, costUsd: '0.100000000', startedAt: at('2026-02-01T00:50:00Z') }),
      event('c', { tenantId: 'acme', keyId: 'k-2', model: 'm-1', providerId: null, region: null, status: 'ok', inputTokens: 1, costUsd: '2.000000000', startedAt: at('2026-02-01T01:00:00Z') }),
      event('d', { tenantId: 'acme', keyId: 'k-1', model: 'm-2', providerId: 'p', region: 'us', status: 'ok', inputTokens: 1, costUsd: '0.5', upstreamCostUsd: '0.2', startedAt: at('2026-02-28T23:59:59Z') }),
      event('e', { tenantId: 'acme', keyId: 'k-1', model: 'm-2', providerId: 'p', region: 'us', status: 'ok', inputTokens: 1, costUsd: '9', startedAt: at('2026-03-01T00:00:00Z') }),
      event('f', { tenantId: 'other', keyId: 'k-9', model: 'm-1', providerId: 'p', region: 'eu', status: 'ok', inputTokens: 1, costUsd: '7', startedAt: at('2026-02-01T00:00:00Z') }),
    ]);
  });
  afterAll(() => t?.dispose());

  it('groups hourly buckets by the chosen dimensions, filtered', async () => {
    const page = await queryUsageRollups(t.db, { granularity: 'hour', filters: { tenant: 'acme', model: 'm-1' }, groupBy: ['key'], limit: 10, offset: 0, from: at('2026-02-01T00:00:00Z'), to: at('2026-02-02T00:00:00Z') });
    expect(page).toEqual({
      nextOffset: null,
      rows: [
        { bucket: '2026-02-01T00:00:00Z', key: 'k-1', requests: 2, errors: 1, inputTokens: 15, outputTokens: expect.any(Number), cachedInputTokens: expect.any(Number), reasoningTokens: expect.any(Number), cacheWriteTokens: expect.any(Number), costUsd: '0.100000001', upstreamCostUsd: '0.000000003', marginUsd: '-0.000000002', costedRequests: 1 },
        { bucket: '2026-02-01T01:00:00Z', key: 'k-2', requests: 1, errors: 0, inputTokens: 1, outputTokens: expect.any(Number), cachedInputTokens: expect.any(Number), reasoningTokens: expect.any(Number), cacheWriteTokens: expect.any(Number), costUsd: '2.000000000', upstreamCostUsd: null, marginUsd: null, costedRequests: 0 },
      ],
    });
  });

  it('matches an absent provider or region with an empty filter', async () => {
    const page = await queryUsageRollups(t.db, { granularity: 'day', filters: { provider: '' }, groupBy: ['tenant', 'provider', 'region'], limit: 10, offset: 0 });
    expect(page.rows.map((r) => [r.bucket, r.tenant, r.provider, r.region, r.costUsd])).toEqual([['2026-02-01T00:00:00Z', 'acme', '', '', '2.000000000']]);
  });

  it('pages with limit and offset in a stable order, saying where the next page starts', async () => {
    const all = await queryUsageRollups(t.db, { granularity: 'day', filters: {}, groupBy: ['tenant', 'key', 'model'], limit: 100, offset: 0 });
    expect(all.rows).toHaveLength(5);
    const first = await queryUsageRollups(t.db, { granularity: 'day', filters: {}, groupBy: ['tenant', 'key', 'model'], limit: 2, offset: 0 });
    const second = await queryUsageRollups(t.db, { granularity: 'day', filters: {}, groupBy: ['tenant', 'key', 'model'], limit: 2, offset: 2 });
    const third = await queryUsageRollups(t.db, { granularity: 'day', filters: {}, groupBy: ['tenant', 'key', 'model'], limit: 2, offset: 4 });
    expect([first.nextOffset, second.nextOffset, third.nextOffset]).toEqual([2, 4, null]);
    expect([...first.rows, ...second.rows, ...third.rows]).toEqual(all.rows);
  });

  it('gives one statement line per model and key of the UTC month, from the monthly rollups', async () => {
    const lines = await statementUsageLines(t.db, 'acme', at('2026-02-01T00:00:00Z'), at('2026-03-01T00:00:00Z'));
    expect(lines.map((l) => [l.model, l.keyId, l.requests, l.errors, l.costUsd, l.upstreamCostUsd, l.marginUsd, l.costedRequests])).toEqual([
      ['m-1', 'k-1', 2, 1, '0.100000001', '0.000000003', '-0.000000002', 1],
      ['m-1', 'k-2', 1, 0, '2.000000000', null, null, 0],
      ['m-2', 'k-1', 1, 0, '0.500000000', '0.200000000', '0.300000000', 1],
    ]);
  });
});

describe.each(DATABASE_KINDS)('the rollup upstream-cost migration on %s', (kind) => {
  const MIGRATION = '20261209030000_rollup_upstream_cost';
  let t: TestDatabase;
  let before: string;
  const query = <T>(sql: string) => t.db.withSession((s) => s.query<T>(sql));

  beforeAll(async () => {
    // The migrations as they were before this one, to record usage the old way first.
    const all = findMigrationsDir();
    before = mkdtempSync(join(tmpdir(), 'sy-migrations-'));
    for (const name of readdirSync(all)) if (name < MIGRATION) cpSync(join(all, name), join(before, name), { recursive: true });
    t = await openTestDatabase(kind, 'rollupmig');
    await applyMigrations(t.db, { migrationsDir: before });
  });
  afterAll(async () => {
    await t?.dispose();
    rmSync(before, { recursive: true, force: true });
  });

  it('backfills upstream cost and margin from the raw rows recorded before it', async () => {
    const events = Array.from({ length: 120 }, (_, i) => randomEvent(`m-${i}`));
    // The old recorder's insert: the raw rows and their rollups without upstream columns.
    await t.db.withSession((s) =>
      s.query(
        `INSERT INTO usage_records (id, request_id, tenant_id, key_id, model, provider_id, dialect, stream, status, http_status,
           input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cache_write_tokens, cost_usd, upstream_cost_usd,
           latency_ms, region, started_at, finished_at)
         SELECT gen_random_uuid(), * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[],
           $8::text[], $9::int[], $10::int[], $11::int[], $12::int[], $13::int[], $14::int[], $15::numeric[], $16::numeric[],
           $17::int[], $18::text[], $19::timestamptz[], $20::timestamptz[])`,
        [
          events.map((e) => e.requestId), events.map((e) => e.tenantId), events.map((e) => e.keyId), events.map((e) => e.model),
          events.map((e) => e.providerId ?? null), events.map((e) => e.dialect), events.map((e) => e.stream), events.map((e) => e.status),
          events.map((e) => e.httpStatus), events.map((e) => e.inputTokens), events.map((e) => e.outputTokens), events.map((e) => e.cachedInputTokens ?? 0),
          events.map((e) => e.reasoningTokens ?? 0), events.map((e) => e.cacheWriteTokens ?? 0), events.map((e) => String(e.costUsd)),
          events.map((e) => e.upstreamCostUsd ?? null), events.map((e) => e.latencyMs), events.map((e) => e.region ?? null),
          events.map((e) => e.startedAt.toISOString()), events.map((e) => e.finishedAt.toISOString()),
        ],
      ),
    );
    for (const [table, unit] of [['hourly', 'hour'], ['daily', 'day'], ['monthly', 'month']] as const) {
      await query(`INSERT INTO usage_rollups_${table}
        SELECT date_trunc('${unit}', started_at, 'UTC'), tenant_id, key_id, model, coalesce(provider_id, ''), coalesce(region, ''),
               count(*), count(*) FILTER (WHERE status = 'error'), sum(input_tokens), sum(output_tokens), sum(cached_input_tokens),
               sum(reasoning_tokens), sum(cache_write_tokens), sum(cost_usd)
          FROM usage_records GROUP BY 1, 2, 3, 4, 5, 6`);
    }

    // This migration first; migrations added after it apply in the same run.
    expect((await applyMigrations(t.db)).applied[0]).toBe(MIGRATION);

    expect(await query(ROLLUP('usage_rollups_hourly'))).toEqual(await query(RAW_BY('hour')));
    expect(await query(ROLLUP('usage_rollups_daily'))).toEqual(await query(RAW_BY('day')));
    expect(await query(ROLLUP('usage_rollups_monthly'))).toEqual(await query(RAW_BY('month')));
    // And the recorder keeps them from there on.
    await recordUsageBatch(t.db, Array.from({ length: 40 }, (_, i) => randomEvent(`n-${i}`)));
    expect(await query(ROLLUP('usage_rollups_daily'))).toEqual(await query(RAW_BY('day')));
  });
});
