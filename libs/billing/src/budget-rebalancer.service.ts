import { type BudgetAllowanceRow, type Database, Prisma, budgetPeriodsAt, replaceBudgetAllowances } from '@switchyard/db';
import { type BudgetedScope, type RegionSpend, planAllowances } from './budget-allowance.plan';

/**
 * How far back "recent spend" looks when weighting the regions: an hour follows a tenant's
 * traffic as it moves between regions over the day, yet one quiet minute does not take a busy
 * region's headroom away.
 */
export const RECENT_SPEND_WINDOW_MS = 3_600_000;

interface SpendRow {
  id: string;
  region: string;
  day: string | null;
  month: string | null;
  recent: string | null;
}

type Money = { toString(): string } | null;

export interface RebalanceResult {
  scopes: number;
  rows: BudgetAllowanceRow[];
}

/**
 * Billing's repeatable rebalancing job (docs/architecture.md §6, "Data across regions"): reads
 * every daily and monthly budget and the ledger's spend by region for the current UTC day and
 * month, and publishes each region's allowance (`planAllowances`) for every region's auth to
 * enforce instead of its fixed share. Runs against the primary, which holds the ledger.
 */
export class BudgetRebalancer {
  constructor(
    private readonly db: Database,
    /** Every region that enforces budgets in share mode (SWITCHYARD_BUDGET_REGIONS). */
    private readonly regions: readonly string[],
  ) {
    if (!regions.length) throw new Error('budget rebalancing needs the list of regions that share the budgets');
  }

  async run(now: number): Promise<RebalanceResult> {
    const periods = budgetPeriodsAt(now);
    const [scopes, spend] = await Promise.all([this.budgetedScopes(), this.ledgerSpend(periods.dayStart, periods.monthStart, periods.monthEnd, new Date(now - RECENT_SPEND_WINDOW_MS))]);
    const rows = planAllowances({ regions: this.regions, scopes, spend, periods });
    await replaceBudgetAllowances(this.db, periods, rows, new Date(now));
    return { scopes: scopes.length, rows };
  }

  /** Tenants and keys with a daily or monthly budget; the scope ids are the quota counters'. */
  private async budgetedScopes(): Promise<BudgetedScope[]> {
    const budgeted = { OR: [{ dailyBudgetUsd: { not: null } }, { monthlyBudgetUsd: { not: null } }] };
    const select = { id: true, dailyBudgetUsd: true, monthlyBudgetUsd: true } as const;
    const [tenants, keys] = await Promise.all([
      this.db.prisma.tenant.findMany({ where: budgeted, select }),
      this.db.prisma.virtualKey.findMany({ where: { ...budgeted, revokedAt: null }, select }),
    ]);
    return [...tenants.map((t) => scopeOf(`tenant:${t.id}`, t)), ...keys.map((k) => scopeOf(`key:${k.id}`, k))];
  }

  /** Spend by scope and region this month, this day and in the recent window: one grouped scan per scope kind. */
  private async ledgerSpend(dayStart: Date, monthStart: Date, monthEnd: Date, recentFrom: Date): Promise<Map<string, Map<string, RegionSpend>>> {
    // One statement per scope kind; the column is one of two fixed names, never input.
    const spend = (column: 'tenant_id' | 'key_id') => this.db.prisma.$queryRaw<SpendRow[]>`
        SELECT ${Prisma.raw(column)} AS id, coalesce(region, '') AS region,
               (sum(cost_usd) FILTER (WHERE started_at >= ${dayStart}))::text AS day,
               sum(cost_usd)::text AS month,
               (sum(cost_usd) FILTER (WHERE started_at >= ${recentFrom}))::text AS recent
          FROM usage_records
         WHERE started_at >= ${monthStart} AND started_at < ${monthEnd}
         GROUP BY 1, 2`;
    const [tenants, keys] = await Promise.all([spend('tenant_id'), spend('key_id')]);
    const out = new Map<string, Map<string, RegionSpend>>();
    const add = (prefix: string, rows: SpendRow[]) => {
      for (const r of rows) {
        const scope = `${prefix}${r.id}`;
        const byRegion = out.get(scope) ?? new Map<string, RegionSpend>();
        byRegion.set(r.region, { day: decimalToNano(r.day), month: decimalToNano(r.month), recent: decimalToNano(r.recent) });
        out.set(scope, byRegion);
      }
    };
    add('tenant:', tenants);
    add('key:', keys);
    return out;
  }
}

function scopeOf(scope: string, r: { dailyBudgetUsd: Money; monthlyBudgetUsd: Money }): BudgetedScope {
  const s: BudgetedScope = { scope };
  if (r.dailyBudgetUsd !== null) s.daily = decimalToNano(r.dailyBudgetUsd.toString());
  if (r.monthlyBudgetUsd !== null) s.monthly = decimalToNano(r.monthlyBudgetUsd.toString());
  return s;
}

/**
 * A Postgres numeric as text ("12.5", "0.000000123", "-3") → nano-USD, exactly: the ledger and
 * the budgets have 9 decimal places, and a float would not add up to the budget to the nano-dollar.
 */
export function decimalToNano(text: string | null): bigint {
  if (text === null || text === '') return 0n;
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m) throw new Error(`not a decimal amount: ${text}`);
  const nano = BigInt(m[2] || '0') * 1_000_000_000n + BigInt((m[3] ?? '').padEnd(9, '0').slice(0, 9) || '0');
  return m[1] ? -nano : nano;
}
