import { metricSeries } from '@switchyard/telemetry';
import type { QuotaLimits, QuotaStore } from './quota';

/** How long a scrape's reading of the spend is reused: at most one quota-store read per budgeted tenant this often. */
const SPEND_READ_EVERY_MS = 10_000;

type Period = 'daily' | 'monthly';

/**
 * switchyard_budget_limit_usd and switchyard_budget_used_usd for the tenants that have a budget.
 * The limits are set when the keys are loaded (no store read); the spend is read from the quota
 * store when Prometheus scrapes, one read per budgeted tenant (a bounded set: the configured
 * tenants with a budget), and reused for 10 s, so scrapes from several Prometheus replicas
 * cost no more. Never on the request path.
 */
export class BudgetGauges {
  private tenants = new Map<string, QuotaLimits>();
  private spend: { at: number; values: readonly [string, Period, number][] } | undefined;
  private reading: Promise<readonly [string, Period, number][]> | undefined;
  private stopCollecting: (() => void) | undefined;

  constructor(private readonly quota: QuotaStore) {}

  /** The tenant budgets of the keys just loaded. */
  update(tenants: ReadonlyMap<string, QuotaLimits>): void {
    const { budgetLimit, budgetUsed } = metricSeries();
    for (const tenant of this.tenants.keys()) {
      if (tenants.has(tenant)) continue;
      for (const period of ['daily', 'monthly'] as const) {
        budgetLimit.remove({ tenant, period });
        budgetUsed.remove({ tenant, period });
      }
    }
    for (const [tenant, limits] of tenants) {
      setOrRemove(tenant, 'daily', limits.dailyBudgetUsd);
      setOrRemove(tenant, 'monthly', limits.monthlyBudgetUsd);
    }
    this.tenants = new Map(tenants);
    // The next scrape reads the spend of exactly these tenants.
    this.spend = undefined;
  }

  /** Reads the spend at scrape time, from now until `stop`. */
  start(): void {
    this.stopCollecting ??= metricSeries().budgetUsed.collect(async (set) => {
      for (const [tenant, period, usd] of await this.currentSpend()) set({ tenant, period }, usd);
    });
  }

  stop(): void {
    this.stopCollecting?.();
    this.stopCollecting = undefined;
  }

  private async currentSpend(): Promise<readonly [string, Period, number][]> {
    const now = Date.now();
    if (this.spend && now - this.spend.at < SPEND_READ_EVERY_MS) return this.spend.values;
    this.reading ??= this.readSpend(now).finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readSpend(now: number): Promise<readonly [string, Period, number][]> {
    const values: [string, Period, number][] = [];
    await Promise.all(
      [...this.tenants].map(async ([tenant, limits]) => {
        const usage = await this.quota.usage(`tenant:${tenant}`, now);
        if (limits.dailyBudgetUsd !== undefined) values.push([tenant, 'daily', usage.daySpentUsd]);
        if (limits.monthlyBudgetUsd !== undefined) values.push([tenant, 'monthly', usage.monthSpentUsd]);
      }),
    );
    this.spend = { at: now, values };
    return values;
  }
}

function setOrRemove(tenant: string, period: Period, usd: number | undefined): void {
  const { budgetLimit } = metricSeries();
  if (usd === undefined) budgetLimit.remove({ tenant, period });
  else budgetLimit.set({ tenant, period }, usd);
}
