import type { PlanConfig } from '@switchyard/config';
import { Prisma } from './generated/prisma/client';
import type { ConfigApplyContext, EntityState } from './config-apply.context';
import type { Plan } from './generated/prisma/client';

/**
 * Upserts plans by id (issue 16), before tenants so a tenant may name a plan declared in the same
 * file. Every field follows the file (absent = none, `price`, multiplier 1). Plans absent from the
 * file are left alone (the admin API may have created them).
 */
export async function applyPlans(ctx: ConfigApplyContext, plans: readonly PlanConfig[]): Promise<void> {
  if (!plans.length) return;
  const existing = new Map((await ctx.tx.plan.findMany({ where: { id: { in: plans.map((p) => p.id) } } })).map((r) => [r.id, r]));
  for (const p of plans) {
    const current = existing.get(p.id);
    const data = planColumns(p);
    await ctx.sync({
      entity: 'plan',
      id: p.id,
      current: current && planState(current),
      desired: planState(data),
      write: async () => {
        if (current) await ctx.tx.plan.update({ where: { id: p.id }, data });
        else await ctx.tx.plan.create({ data: { id: p.id, ...data } });
        return p.id;
      },
    });
  }
}

type PlanColumns = Pick<Plan, 'name' | 'overage' | 'includedTokens'> & {
  monthlyFeeUsd: Prisma.Decimal;
  includedUsd: Prisma.Decimal | null;
  overageMultiplier: Prisma.Decimal | null;
};

/** Money as Decimals from the file's numbers' shortest text, so 0.1 is stored as 0.1, not 0.1000000000000000055…. */
function planColumns(p: PlanConfig): PlanColumns {
  return {
    name: p.name ?? null,
    monthlyFeeUsd: decimal(p.monthlyFeeUsd),
    includedUsd: p.included?.usd === undefined ? null : decimal(p.included.usd),
    includedTokens: p.included?.tokens === undefined ? null : BigInt(p.included.tokens),
    overage: p.overage,
    overageMultiplier: p.overageMultiplier === undefined ? null : decimal(p.overageMultiplier),
  };
}

function decimal(v: number): Prisma.Decimal {
  return new Prisma.Decimal(String(v)).toDecimalPlaces(9);
}

/** As switchyard.yaml names the fields (the diff and the audit rows are read by whoever edits the file). */
export function planState(p: PlanColumns): EntityState {
  const included = p.includedUsd !== null ? { usd: p.includedUsd.toNumber() } : p.includedTokens !== null ? { tokens: Number(p.includedTokens) } : null;
  return {
    name: p.name,
    monthlyFeeUsd: p.monthlyFeeUsd.toNumber(),
    included,
    overage: p.overage,
    overageMultiplier: p.overageMultiplier?.toNumber() ?? null,
  };
}
