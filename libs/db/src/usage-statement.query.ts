import type { Database } from './database';
import { type RollupCounts, rollupCounts } from './usage-rollups.query';

/** One line of a tenant's monthly statement: a model used through a key, summed over the month. */
export interface StatementUsageLine extends RollupCounts {
  model: string;
  keyId: string;
}

// From the monthly rollups: one row per key, model, provider and region of the tenant's month,
// found by the (tenant_id, bucket) index, so the answer does not grow with the tenant's traffic
// (1,000,000 raw rows: 200 lines from ~1,200 rollup rows instead of ~20,000 daily ones).
const LINES = `
  SELECT model, key_id, sum(requests)::text AS requests, sum(errors)::text AS errors,
         sum(input_tokens)::text AS input_tokens, sum(output_tokens)::text AS output_tokens,
         sum(cached_input_tokens)::text AS cached_input_tokens, sum(reasoning_tokens)::text AS reasoning_tokens,
         sum(cache_write_tokens)::text AS cache_write_tokens, sum(cost_usd)::text AS cost_usd,
         sum(upstream_cost_usd)::text AS upstream_cost_usd, sum(margin_usd)::text AS margin_usd,
         sum(costed_requests)::text AS costed_requests
    FROM usage_rollups_monthly
   WHERE tenant_id = $1 AND bucket >= $2::timestamptz AND bucket < $3::timestamptz
   GROUP BY model, key_id
   ORDER BY model, key_id`;

/** The usage lines of one tenant for the UTC month [from, to), one per model and key. */
export async function statementUsageLines(db: Database, tenantId: string, from: Date, to: Date): Promise<StatementUsageLine[]> {
  const rows = await db.withSession((s) => s.query<Record<string, string>>(LINES, [tenantId, from.toISOString(), to.toISOString()]));
  return rows.map((r) => ({ model: r['model'] as string, keyId: r['key_id'] as string, ...rollupCounts(r) }));
}
