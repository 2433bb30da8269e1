import type { Database } from '@switchyard/db';
import { IrError } from '@switchyard/ir';
import type { BillingPort, GetUsageRequest, GetUsageResponse } from '@switchyard/ir';

interface Row {
  day: string;
  tenant_id: string;
  key_id: string;
  model: string;
  requests: bigint | number;
  input_tokens: bigint | number | null;
  output_tokens: bigint | number | null;
  cost_usd: string | number | null;
  upstream_cost_usd: string | null;
  margin_usd: string | null;
  costed_requests: bigint | number;
}

/**
 * Usage by day, tenant, key and model (UTC days), each filter optional (also the caller's request
 * id). The margin is what the tenants were charged less what the upstreams cost, over the rows
 * whose deployment declared a cost (costed_requests of them); the sums are exact numerics.
 */
export class UsageQuery implements BillingPort {
  constructor(private readonly db: Database) {}

  async getUsage(q: GetUsageRequest): Promise<GetUsageResponse> {
    // Open ends use real calendar dates: Prisma rejects the extreme JS dates.
    const from = parseDay(q.fromDay, 'fromDay') ?? new Date('1970-01-01T00:00:00Z');
    const to = new Date((parseDay(q.toDay, 'toDay') ?? new Date('9999-12-30T00:00:00Z')).getTime() + 86_400_000);
    const rows = await this.db.prisma.$queryRaw<Row[]>`
      SELECT to_char(date_trunc('day', started_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
             tenant_id, key_id, model, count(*) AS requests,
             sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd)::text AS cost_usd,
             sum(upstream_cost_usd)::text AS upstream_cost_usd,
             sum(cost_usd - upstream_cost_usd)::text AS margin_usd,
             count(upstream_cost_usd) AS costed_requests
        FROM usage_records
       WHERE started_at >= ${from} AND started_at < ${to}
         AND (${q.tenantId ?? ''} = '' OR tenant_id = ${q.tenantId ?? ''})
         AND (${q.keyId ?? ''} = '' OR key_id = ${q.keyId ?? ''})
         AND (${q.model ?? ''} = '' OR model = ${q.model ?? ''})
         AND (${q.clientRequestId ?? ''} = '' OR client_request_id = ${q.clientRequestId ?? ''})
       GROUP BY 1, 2, 3, 4
       ORDER BY 1, 2, 3, 4`;
    return {
      rows: rows.map((r) => ({
        day: r.day,
        tenantId: r.tenant_id,
        keyId: r.key_id,
        model: r.model,
        requests: Number(r.requests),
        inputTokens: Number(r.input_tokens ?? 0),
        outputTokens: Number(r.output_tokens ?? 0),
        costUsd: Number(r.cost_usd ?? 0),
        ...(r.upstream_cost_usd !== null && { upstreamCostUsd: Number(r.upstream_cost_usd), marginUsd: Number(r.margin_usd) }),
        costedRequests: Number(r.costed_requests),
      })),
    };
  }
}

function parseDay(day: string | undefined, field: string): Date | undefined {
  if (!day) return undefined;
  const at = /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(`${day}T00:00:00Z`) : new Date(NaN);
  if (Number.isNaN(at.getTime())) throw IrError.invalid(`${field}: expected a day as YYYY-MM-DD, got "${day}"`, field);
  return at;
}
