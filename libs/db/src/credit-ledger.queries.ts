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

/** A prepaid tenant's balance over one period, in integer nano-USD (exact). */
export interface PeriodBalance {
  /** Its first credit entry: when it became prepaid. */
  since: Date;
  /** The balance at the period's start: credits entered before it less usage started since `since` and before it. */
  openingNano: bigint;
  /** Credit entries made in the period. */
  creditsNano: bigint;
  /** Usage started in the period, since `since`: what the balance paid. */
  usageNano: bigint;
  /** opening + credits − usage: the balance at the period's end. */
  closingNano: bigint;
}

// The same definition as loadCreditLedger, cut at two instants; numeric sums scaled to integers in SQL.
const PERIOD_BALANCE = `
  WITH first AS (SELECT min(created_at) AS since FROM credit_entries WHERE tenant_id = $1)
  SELECT first.since,
    ((SELECT coalesce(sum(amount_usd), 0) FROM credit_entries WHERE tenant_id = $1 AND created_at < $2::timestamptz) * 1000000000)::bigint::text AS credits_before,
    ((SELECT coalesce(sum(amount_usd), 0) FROM credit_entries WHERE tenant_id = $1 AND created_at >= $2::timestamptz AND created_at < $3::timestamptz) * 1000000000)::bigint::text AS credits_in,
    ((SELECT coalesce(sum(cost_usd), 0) FROM usage_records WHERE tenant_id = $1 AND started_at >= first.since AND started_at < $2::timestamptz) * 1000000000)::bigint::text AS usage_before,
    ((SELECT coalesce(sum(cost_usd), 0) FROM usage_records WHERE tenant_id = $1 AND started_at >= greatest(first.since, $2::timestamptz) AND started_at < $3::timestamptz) * 1000000000)::bigint::text AS usage_in
  FROM first`;

/**
 * A tenant's prepaid balance at the start and end of [from, to) (docs/architecture.md §5, "Billing:
 * credit and reconciliation"); undefined when it was not prepaid by `to` (no credit entry before it).
 * Usage is read from the raw rows, like the live balance: rows deleted by retention no longer count.
 */
export async function loadPeriodBalance(db: Database, tenantId: string, from: Date, to: Date): Promise<PeriodBalance | undefined> {
  const [r] = await db.withSession((s) =>
    s.query<{ since: Date | string | null; credits_before: string; credits_in: string; usage_before: string; usage_in: string }>(PERIOD_BALANCE, [tenantId, from.toISOString(), to.toISOString()]),
  );
  if (!r?.since) return undefined;
  const since = new Date(r.since);
  if (since >= to) return undefined;
  const openingNano = BigInt(r.credits_before) - BigInt(r.usage_before);
  const creditsNano = BigInt(r.credits_in);
  const usageNano = BigInt(r.usage_in);
  return { since, openingNano, creditsNano, usageNano, closingNano: openingNano + creditsNano - usageNano };
}
