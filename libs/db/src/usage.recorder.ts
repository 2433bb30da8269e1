import { randomUUID } from 'node:crypto';
import type { Database } from './database';
import type { UsageRecordInput } from './usage-record.types';

// One INSERT … SELECT FROM unnest(arrays) per batch, through the driver session: Prisma's
// createMany compiles every call in its Wasm query compiler, which on the standalone process's
// own thread cost more than the requests being recorded. Same idempotency (request_id unique).
// The count of new rows comes back as one row, not one row per insert: on PGlite every result
// row is copied from the database's worker thread to the request thread.
//
// The same statement adds the new rows to the hourly, daily and monthly rollups (issue 16): RETURNING
// yields only the rows actually inserted, so a redelivered event counts nowhere, and one statement
// is one transaction, so rollups and raw rows never disagree. Groups are upserted sorted by their
// key, so concurrent batches lock rollup rows in the same order and cannot deadlock on them.
// The new rows are grouped once, by hour (issue 11: three passes over every row with a zoned
// date_trunc each cost PGlite more than the ledger insert itself); days and months sum those few
// hourly groups, exactly (integer counts, numeric sums), since UTC hours nest in days and months.
const ROLLUP_COLUMNS = `bucket, tenant_id, key_id, model, provider_id, region, requests, errors, input_tokens, output_tokens,
    cached_input_tokens, reasoning_tokens, cache_write_tokens, cost_usd, upstream_cost_usd, margin_usd, costed_requests`;
const HOUR_GROUPS = `
  hour_groups AS (
  SELECT date_trunc('hour', started_at, 'UTC') AS bucket, tenant_id, key_id, model, coalesce(provider_id, '') AS provider_id,
         coalesce(region, '') AS region, count(*) AS requests, count(*) FILTER (WHERE status = 'error') AS errors,
         sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cached_input_tokens) AS cached_input_tokens,
         sum(reasoning_tokens) AS reasoning_tokens, sum(cache_write_tokens) AS cache_write_tokens, sum(cost_usd) AS cost_usd,
         -- Over the rows whose deployment declares an upstream cost only, as GET /admin/v1/usage sums them.
         coalesce(sum(upstream_cost_usd), 0) AS upstream_cost_usd, coalesce(sum(cost_usd - upstream_cost_usd), 0) AS margin_usd,
         count(upstream_cost_usd) AS costed_requests
    FROM inserted GROUP BY 1, 2, 3, 4, 5, 6)`;
const rollupUpsert = (table: string, unit: 'hour' | 'day' | 'month') => `
  ${table} AS (
  INSERT INTO usage_rollups_${table} AS r (${ROLLUP_COLUMNS})
  ${
    unit === 'hour'
      ? 'SELECT * FROM hour_groups'
      : `SELECT date_trunc('${unit}', bucket, 'UTC'), tenant_id, key_id, model, provider_id, region, sum(requests), sum(errors),
         sum(input_tokens), sum(output_tokens), sum(cached_input_tokens), sum(reasoning_tokens), sum(cache_write_tokens),
         sum(cost_usd), sum(upstream_cost_usd), sum(margin_usd), sum(costed_requests)
    FROM hour_groups GROUP BY 1, 2, 3, 4, 5, 6`
  } ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (bucket, tenant_id, key_id, model, provider_id, region) DO UPDATE SET
    requests = r.requests + excluded.requests, errors = r.errors + excluded.errors,
    input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens,
    cached_input_tokens = r.cached_input_tokens + excluded.cached_input_tokens,
    reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens,
    cache_write_tokens = r.cache_write_tokens + excluded.cache_write_tokens, cost_usd = r.cost_usd + excluded.cost_usd,
    upstream_cost_usd = r.upstream_cost_usd + excluded.upstream_cost_usd, margin_usd = r.margin_usd + excluded.margin_usd,
    costed_requests = r.costed_requests + excluded.costed_requests)`;

/** Column count of the ledger's insert: its parameters are $first … $first + 30. */
export const USAGE_INSERT_PARAMS = 31;

/**
 * The ledger's insert and its rollups as the CTEs `inserted`, `hour_groups`, `hourly`, `daily`, `monthly` of a
 * WITH, parameters numbered from `first` (so another insert can share the statement).
 */
export function usageInsertCtes(first = 1): string {
  const $ = (i: number) => `$${first + i - 1}`;
  return `inserted AS (
  INSERT INTO usage_records (id, request_id, tenant_id, key_id, model, provider_id, deployment_id, upstream_model,
    dialect, stream, status, http_status, error_kind, input_tokens, output_tokens, cached_input_tokens,
    reasoning_tokens, cost_usd, latency_ms, ttft_ms, region, started_at, finished_at, cache_hit, attempts, cache_write_tokens,
    client_request_id, price_multiplier, upstream_cost_usd, batch, deployment_region)
  SELECT * FROM unnest(${$(1)}::uuid[], ${$(2)}::text[], ${$(3)}::text[], ${$(4)}::text[], ${$(5)}::text[], ${$(6)}::text[], ${$(7)}::text[], ${$(8)}::text[],
    ${$(9)}::text[], ${$(10)}::boolean[], ${$(11)}::text[], ${$(12)}::int[], ${$(13)}::text[], ${$(14)}::int[], ${$(15)}::int[], ${$(16)}::int[],
    ${$(17)}::int[], ${$(18)}::numeric[], ${$(19)}::int[], ${$(20)}::int[], ${$(21)}::text[], ${$(22)}::timestamptz[], ${$(23)}::timestamptz[],
    ${$(24)}::boolean[], ${$(25)}::int[], ${$(26)}::int[], ${$(27)}::text[], ${$(28)}::numeric[], ${$(29)}::numeric[], ${$(30)}::boolean[], ${$(31)}::text[])
  ON CONFLICT (request_id) DO NOTHING
  RETURNING tenant_id, key_id, model, provider_id, region, status, input_tokens, output_tokens, cached_input_tokens,
    reasoning_tokens, cache_write_tokens, cost_usd, upstream_cost_usd, started_at),${HOUR_GROUPS},
  ${rollupUpsert('hourly', 'hour')},
  ${rollupUpsert('daily', 'day')},
  ${rollupUpsert('monthly', 'month')}`;
}

const BATCH_INSERT = `WITH ${usageInsertCtes()}
  SELECT count(*)::int AS inserted FROM inserted`;

/**
 * The ledger insert's parameters: one array per column, in the insert's column order.
 * Filled by push, not preallocated with new Array(n): a preallocated array stays "holey" to
 * V8 however it is filled, and the structured clone that copies the columns to PGlite's worker
 * thread walks a holey array ~2.5× slower (measured: 162 against 66 µs for 100 rows).
 */
export function usageColumns(events: readonly UsageRecordInput[]): unknown[][] {
  const columns: unknown[][] = Array.from({ length: USAGE_INSERT_PARAMS }, () => []);
  for (const e of events) {
    const row = [
      randomUUID(), e.requestId, e.tenantId, e.keyId, e.model, e.providerId ?? null, e.deploymentId ?? null, e.upstreamModel ?? null,
      e.dialect, e.stream, e.status, e.httpStatus, e.errorKind ?? null, e.inputTokens, e.outputTokens, e.cachedInputTokens ?? 0,
      e.reasoningTokens ?? 0, String(e.costUsd), e.latencyMs, e.ttftMs ?? null, e.region ?? null, e.startedAt.toISOString(), e.finishedAt.toISOString(),
      e.cacheHit ?? false, e.attempts ?? 0, e.cacheWriteTokens ?? 0, e.clientRequestId ?? null,
      e.priceMultiplier ?? null, e.upstreamCostUsd ?? null, e.batch ?? false,
      e.deploymentRegion ?? null,
    ];
    row.forEach((v, c) => (columns[c] as unknown[]).push(v));
  }
  return columns;
}

/** Stores many usage records in one statement, same idempotency; resolves how many were new. */
export async function recordUsageBatch(db: Database, events: readonly UsageRecordInput[]): Promise<number> {
  if (events.length === 0) return 0;
  const [result] = await db.withSession((s) => s.query<{ inserted: number }>(BATCH_INSERT, usageColumns(events)));
  return result?.inserted ?? 0;
}
