import type { BudgetAllowanceRow, BudgetPeriodKind } from '@switchyard/db';

/** A scope with a budget, in nano-USD: "tenant:acme" or "key:…", as the quota counters name it. */
export interface BudgetedScope {
  scope: string;
  daily?: bigint;
  monthly?: bigint;
}

/** What the ledger holds for one scope in one region, nano-USD. */
export interface RegionSpend {
  day: bigint;
  month: bigint;
  /** In the recent window (the weights: where the tenant spends now). */
  recent: bigint;
}

export interface AllowancePlanInput {
  /** Every region that enforces a share of the budgets; the only ones given an allowance. */
  regions: readonly string[];
  scopes: readonly BudgetedScope[];
  /** Ledger spend by scope, then by region (a region outside `regions`, or '' for rows without one, still counts as spent). */
  spend: ReadonlyMap<string, ReadonlyMap<string, RegionSpend>>;
  periods: Record<BudgetPeriodKind, string>;
}

/**
 * The part of the headroom split evenly between the regions, whatever they spent lately (1 in
 * EVEN_OF): a region with no recent traffic still admits some at once when traffic moves to it
 * (a failover), rather than refusing everything until the next rebalance notices it.
 */
const EVEN_OF = 4n;
const NONE: RegionSpend = { day: 0n, month: 0n, recent: 0n };

/**
 * Ledger-driven rebalancing (docs/architecture.md §6, "Data across regions"): each region's
 * allowance of a budget is what the ledger says it spent plus its part of what is left
 * (budget − everything spent, in every region), a quarter of it split evenly and three quarters
 * in proportion to the regions' recent spend. Exact in integer nano-USD, every part rounded down,
 * so for every scope and period the allowances sum to at most max(budget, spent), and none is
 * below what its region spent.
 */
export function planAllowances(input: AllowancePlanInput): BudgetAllowanceRow[] {
  const rows: BudgetAllowanceRow[] = [];
  const n = BigInt(input.regions.length);
  if (n === 0n) return rows;
  for (const s of input.scopes) {
    const byRegion = input.spend.get(s.scope) ?? new Map<string, RegionSpend>();
    let recentTotal = 0n;
    for (const region of input.regions) recentTotal += (byRegion.get(region) ?? NONE).recent;
    for (const kind of ['daily', 'monthly'] as const) {
      const budget = s[kind];
      if (budget === undefined) continue;
      const spentOf = (x: RegionSpend) => (kind === 'daily' ? x.day : x.month);
      let spentAll = 0n;
      for (const x of byRegion.values()) spentAll += spentOf(x);
      const remaining = budget > spentAll ? budget - spentAll : 0n;
      for (const region of input.regions) {
        const own = byRegion.get(region) ?? NONE;
        const part = recentTotal === 0n ? remaining / n : (remaining * (recentTotal + (EVEN_OF - 1n) * n * own.recent)) / (EVEN_OF * n * recentTotal);
        rows.push({ scope: s.scope, period: input.periods[kind], region, allowanceNano: spentOf(own) + part, budgetNano: budget, spentNano: spentOf(own) });
      }
    }
  }
  return rows;
}
