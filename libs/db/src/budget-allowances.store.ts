import type { Database } from './database';

// Share-mode budgets across regions (docs/architecture.md §6, "Data across regions"): billing's
// rebalancing job writes each region's allowance of every budget here, on the primary; every
// region's auth reads its own through the replica. The period ids are the quota counters' own
// (UTC days and months), so an allowance is for exactly the counter it limits.

export const BUDGET_PERIOD_KINDS = ['daily', 'monthly'] as const;
export type BudgetPeriodKind = (typeof BUDGET_PERIOD_KINDS)[number];

/** The UTC day and month of an instant as allowance periods (`d:20261207`, `m:202612`), with their bounds. */
export interface BudgetPeriods {
  daily: string;
  monthly: string;
  dayStart: Date;
  dayEnd: Date;
  monthStart: Date;
  monthEnd: Date;
}

export function budgetPeriodsAt(now: number): BudgetPeriods {
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const month = `${y}${String(m + 1).padStart(2, '0')}`;
  return {
    daily: `d:${month}${String(d.getUTCDate()).padStart(2, '0')}`,
    monthly: `m:${month}`,
    dayStart: new Date(Date.UTC(y, m, d.getUTCDate())),
    dayEnd: new Date(Date.UTC(y, m, d.getUTCDate() + 1)),
    monthStart: new Date(Date.UTC(y, m, 1)),
    monthEnd: new Date(Date.UTC(y, m + 1, 1)),
  };
}

/** One region's allowance of one scope's budget for one period, in nano-USD (exact integers). */
export interface BudgetAllowanceRow {
  scope: string;
  period: string;
  region: string;
  allowanceNano: bigint;
  budgetNano: bigint;
  spentNano: bigint;
}

/** One region's allowances of the current periods, by scope ("tenant:acme", "key:…"). */
export type RegionAllowances = Map<string, { daily?: Allowance; monthly?: Allowance }>;

export interface Allowance {
  allowanceUsd: number;
  /** The budget it was computed for: a budget changed since scales the allowance with it. */
  budgetUsd: number;
}

const NANO = 1_000_000_000n;

/** Nano-USD as the exact decimal string Postgres stores (9 places). */
function nanoToDecimal(nano: bigint): string {
  const sign = nano < 0n ? '-' : '';
  const abs = nano < 0n ? -nano : nano;
  return `${sign}${abs / NANO}.${String(abs % NANO).padStart(9, '0')}`;
}

/**
 * Replaces every allowance of the given periods with `rows`, in one transaction: a region reading
 * meanwhile sees the previous run's whole set or this one's, never a mix (whose sum could pass a
 * budget). Rows of other periods (days and months gone by) are deleted with them.
 */
export async function replaceBudgetAllowances(db: Database, periods: Pick<BudgetPeriods, 'daily' | 'monthly'>, rows: readonly BudgetAllowanceRow[], at: Date): Promise<void> {
  await db.prisma.$transaction([
    db.prisma.budgetAllowance.deleteMany({}),
    db.prisma.budgetAllowance.createMany({
      data: rows
        .filter((r) => r.period === periods.daily || r.period === periods.monthly)
        .map((r) => ({ scope: r.scope, period: r.period, region: r.region, allowanceUsd: nanoToDecimal(r.allowanceNano), budgetUsd: nanoToDecimal(r.budgetNano), spentUsd: nanoToDecimal(r.spentNano), computedAt: at })),
    }),
  ]);
}

/** This region's allowances for the day and month of `now` (none: the fixed share applies). */
export async function loadBudgetAllowances(db: Database, region: string, now: number): Promise<RegionAllowances> {
  const p = budgetPeriodsAt(now);
  const rows = await db.prisma.budgetAllowance.findMany({ where: { region, period: { in: [p.daily, p.monthly] } } });
  const out: RegionAllowances = new Map();
  for (const r of rows) {
    const entry = out.get(r.scope) ?? {};
    const allowance = { allowanceUsd: Number(r.allowanceUsd.toString()), budgetUsd: Number(r.budgetUsd.toString()) };
    if (r.period === p.daily) entry.daily = allowance;
    else entry.monthly = allowance;
    out.set(r.scope, entry);
  }
  return out;
}
