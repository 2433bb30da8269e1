import type { Database } from '@switchyard/db';
import type { PlanOverage } from '@switchyard/config';
import { planUsageNano } from './plan-usage';

/** What the monthly statement asks for (structurally the admin API's StatementPeriod). */
export interface PlanStatementPeriod {
  db: Database;
  tenantId: string;
  from: Date;
  to: Date;
  /** The month's usage cost in nano-USD, the exact sum of its usage lines. */
  usageNanoUsd: bigint;
}

export interface PlanStatementLine {
  label: string;
  amountNanoUsd: bigint;
}

// The tenant's plan now (plans keep no history: a plan changed mid-month prices the whole month
// on the new terms), and the month's tokens from the monthly rollups, never the raw rows.
const PLAN = `
  SELECT p.id, p.monthly_fee_usd::text AS fee, p.included_usd::text AS included_usd,
         p.included_tokens::text AS included_tokens, p.overage, p.overage_multiplier::text AS multiplier
    FROM tenants t JOIN plans p ON p.id = t.plan_id
   WHERE t.id = $1 AND t.created_at < $2::timestamptz`;
const TOKENS = `
  SELECT coalesce(sum(input_tokens + output_tokens), 0)::text AS tokens
    FROM usage_rollups_monthly
   WHERE tenant_id = $1 AND bucket >= $2::timestamptz AND bucket < $3::timestamptz`;

interface PlanRow {
  id: string;
  fee: string;
  included_usd: string | null;
  included_tokens: string | null;
  overage: PlanOverage;
  multiplier: string | null;
}

/**
 * The plan section of a tenant's monthly statement (docs/architecture.md §5, "Billing: plans and
 * spend alerts"): the fee, what the plan included and the overage charge, exact in nano-dollars,
 * by planUsageNano. No lines for a tenant on no plan. The admin API takes it as its
 * PlanStatementPricer (the admin library may not import billing's code).
 */
export async function planStatementLines(p: PlanStatementPeriod): Promise<PlanStatementLine[]> {
  return p.db.withSession(async (s) => {
    // No fee for a month that ended before the tenant existed.
    const [plan] = await s.query<PlanRow>(PLAN, [p.tenantId, p.to.toISOString()]);
    if (!plan) return [];
    const [used] = await s.query<{ tokens: string }>(TOKENS, [p.tenantId, p.from.toISOString(), p.to.toISOString()]);
    const terms = {
      monthlyFeeUsd: plan.fee,
      includedUsd: plan.included_usd,
      includedTokens: plan.included_tokens === null ? null : BigInt(plan.included_tokens),
      overage: plan.overage,
      overageMultiplier: plan.multiplier,
    };
    const u = planUsageNano(terms, p.usageNanoUsd, BigInt(used?.tokens ?? '0'));
    const included = plan.included_tokens === null ? `included usage (${u.included.tokens} tokens)` : `included usage (${u.included.tokens} of ${plan.included_tokens} tokens)`;
    return [
      { label: `plan ${plan.id}: monthly fee`, amountNanoUsd: u.feeNano },
      // Included usage is paid by the fee: shown at its cost, subtracted from the usage total.
      { label: `plan ${plan.id}: ${included}`, amountNanoUsd: -u.included.nano },
      { label: `plan ${plan.id}: overage (${u.overage.tokens} tokens${plan.overage === 'stop' ? ', plan stops' : ''})`, amountNanoUsd: u.overage.chargeNano - u.overage.nano },
    ];
  });
}
