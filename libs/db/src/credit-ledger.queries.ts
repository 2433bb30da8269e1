import type { Database } from './database';

/** One prepaid tenant's figures from the ledger, in integer nano-USD (exact: numeric(18,9) × 1e9). */
export interface CreditLedgerTotals {
  tenantId: string;
  /** Sum of its credit entries. */
  creditsNano: number;
  /** When it became prepaid: its first credit entry. */
  since: Date;
  /** Cost of its usage records started since then. */
  spentNano: number;
}

interface Row {
  tenant_id: string;
  credits: string;
  since: Date;
  spent: string;
}

/**
 * Every prepaid tenant (or one) with its credits and spend (docs/architecture.md §5, "Billing:
 * credit and reconciliation"). A tenant is prepaid from its first credit entry on; usage is
 * counted by its start, as admission reserved it. The spend sum runs on the (tenant_id,
 * started_at) index of usage_records.
 */
export async function loadCreditLedger(db: Database, tenantId?: string): Promise<Map<string, CreditLedgerTotals>> {
  const rows = await db.prisma.$queryRaw<Row[]>`
    WITH c AS (
      SELECT tenant_id, sum(amount_usd) AS credits, min(created_at) AS since
      FROM credit_entries
      WHERE ${tenantId ?? null}::text IS NULL OR tenant_id = ${tenantId ?? null}::text
      GROUP BY tenant_id
    )
    SELECT c.tenant_id, (c.credits * 1000000000)::bigint::text AS credits, c.since,
      (coalesce((SELECT sum(u.cost_usd) FROM usage_records u WHERE u.tenant_id = c.tenant_id AND u.started_at >= c.since), 0) * 1000000000)::bigint::text AS spent
    FROM c`;
  const out = new Map<string, CreditLedgerTotals>();
  for (const r of rows) out.set(r.tenant_id, { tenantId: r.tenant_id, creditsNano: Number(r.credits), since: new Date(r.since), spentNano: Number(r.spent) });
  return out;
}
