import type { Database } from './database';

export const ROLLUP_GRANULARITIES = ['hour', 'day', 'month'] as const;
export type RollupGranularity = (typeof ROLLUP_GRANULARITIES)[number];

/** What a rollup row can be grouped and filtered by, besides its time bucket. */
export const ROLLUP_DIMENSIONS = ['tenant', 'key', 'model', 'provider', 'region'] as const;
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number];

// The only strings spliced into the SQL: fixed column and table names, never input.
const COLUMN: Record<RollupDimension, string> = { tenant: 'tenant_id', key: 'key_id', model: 'model', provider: 'provider_id', region: 'region' };
const TABLE: Record<RollupGranularity, string> = { hour: 'usage_rollups_hourly', day: 'usage_rollups_daily', month: 'usage_rollups_monthly' };

export interface UsageRollupQuery {
  granularity: RollupGranularity;
  /** Inclusive lower bound on the bucket start. */
  from?: Date;
  /** Exclusive upper bound on the bucket start. */
  to?: Date;
  /** Exact-match filters; '' matches an absent provider or region. */
  filters: Partial<Record<RollupDimension, string>>;
  /** Dimensions kept in the rows (the others are summed over); the bucket is always kept. */
  groupBy: readonly RollupDimension[];
  limit: number;
  offset: number;
}

/** One bucket of one group: counts, tokens and the exact cost as decimal text (9 decimals). */
/** What a rollup row counts (statements and reports alike). */
export interface RollupCounts {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
  cacheWriteTokens: number;
  /** The exact sum of the raw rows' cost_usd, as decimal text with nine decimals. */
  costUsd: string;
  /**
   * Over the requests whose deployment declares an upstream cost (`costedRequests` of them): what
   * the upstreams charged, and costUsd − that over those same requests; null when none has one
   * (as GET /admin/v1/usage reports raw rows). Decimal text with nine decimals.
   */
  upstreamCostUsd: string | null;
  marginUsd: string | null;
  costedRequests: number;
}

export interface UsageRollupRow extends RollupCounts {
  bucket: string;
  tenant?: string;
  key?: string;
  model?: string;
  provider?: string;
  region?: string;
}

export interface UsageRollupPage {
  rows: UsageRollupRow[];
  /** The offset of the next page, or null on the last one. */
  nextOffset: number | null;
}

type RawRow = Record<string, string>;

const SUMS = `sum(requests)::text AS requests, sum(errors)::text AS errors, sum(input_tokens)::text AS input_tokens,
  sum(output_tokens)::text AS output_tokens, sum(cached_input_tokens)::text AS cached_input_tokens,
  sum(reasoning_tokens)::text AS reasoning_tokens, sum(cache_write_tokens)::text AS cache_write_tokens,
  sum(cost_usd)::text AS cost_usd, sum(upstream_cost_usd)::text AS upstream_cost_usd, sum(margin_usd)::text AS margin_usd,
  sum(costed_requests)::text AS costed_requests`;

/**
 * Reads the rollup tables only (issue 16: reports never scan raw usage rows), grouped by bucket
 * and the chosen dimensions, in a stable order so limit/offset pages neither skip nor repeat.
 */
export async function queryUsageRollups(db: Database, q: UsageRollupQuery): Promise<UsageRollupPage> {
  const params: unknown[] = [];
  const where: string[] = [];
  const param = (v: unknown): string => `$${params.push(v)}`;
  if (q.from) where.push(`bucket >= ${param(q.from.toISOString())}::timestamptz`);
  if (q.to) where.push(`bucket < ${param(q.to.toISOString())}::timestamptz`);
  for (const d of ROLLUP_DIMENSIONS) {
    const value = q.filters[d];
    if (value !== undefined) where.push(`${COLUMN[d]} = ${param(value)}`);
  }
  const dims = ROLLUP_DIMENSIONS.filter((d) => q.groupBy.includes(d));
  const keys = ['bucket', ...dims.map((d) => COLUMN[d])];
  const sql = `
    SELECT to_char(bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS bucket_text, ${dims.map((d) => `${COLUMN[d]} AS ${d}`).join(', ')}${dims.length ? ',' : ''}
           ${SUMS}
      FROM ${TABLE[q.granularity]}
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     GROUP BY ${keys.join(', ')}
     ORDER BY ${keys.join(', ')}
     LIMIT ${param(q.limit + 1)} OFFSET ${param(q.offset)}`;
  const raw = await db.withSession((s) => s.query<RawRow>(sql, params));
  const more = raw.length > q.limit;
  return { rows: raw.slice(0, q.limit).map((r) => rowOf(r, dims)), nextOffset: more ? q.offset + q.limit : null };
}

function rowOf(r: RawRow, dims: readonly RollupDimension[]): UsageRollupRow {
  const row: UsageRollupRow = { bucket: r['bucket_text'] as string, ...rollupCounts(r) };
  for (const d of dims) row[d] = r[d] as string;
  return row;
}

/** The counted columns of a rollup query's row (snake_case, as Postgres names them). */
export function rollupCounts(r: Readonly<Record<string, unknown>>): RollupCounts {
  return {
    requests: Number(r['requests']),
    errors: Number(r['errors']),
    inputTokens: Number(r['input_tokens']),
    outputTokens: Number(r['output_tokens']),
    cachedInputTokens: Number(r['cached_input_tokens']),
    reasoningTokens: Number(r['reasoning_tokens']),
    cacheWriteTokens: Number(r['cache_write_tokens']),
    costUsd: r['cost_usd'] as string,
    ...costed(r),
  };
}

function costed(r: Readonly<Record<string, unknown>>): Pick<RollupCounts, 'upstreamCostUsd' | 'marginUsd' | 'costedRequests'> {
  const costedRequests = Number(r['costed_requests']);
  if (!costedRequests) return { upstreamCostUsd: null, marginUsd: null, costedRequests: 0 };
  return { upstreamCostUsd: r['upstream_cost_usd'] as string, marginUsd: r['margin_usd'] as string, costedRequests };
}
