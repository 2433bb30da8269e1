import type { Allowance, RegionAllowances } from '@switchyard/db';
import type { ModelPrice } from '@switchyard/shared';
import type { KeyRecord, KeySource } from './key-directory.types';
import type { QuotaLimits } from './quota';
import type { TenantPlanQuota } from './plan-quota';

/** Where a region's published allowances come from (`loadBudgetAllowances` on its replica). */
export type AllowanceLoader = (now: number) => Promise<RegionAllowances>;

/**
 * In the last minute of a UTC day or month a region enforces the lesser of its allowance and its
 * fixed share: limits loaded then may still apply after midnight (keys reload every 10 s; a
 * minute allows for failed reloads), to a new counter that starts at 0, and the day's allowance
 * is not a share of the next day's budget. The fixed shares sum to 100 % at most, so a region
 * still holding them is safe beside any other's.
 */
export const PERIOD_END_GUARD_MS = 60_000;

/**
 * Budgets across regions, `share` mode (docs/architecture.md §6, "Data across regions"): each
 * region counts in its own Redis, so each enforces its share of every daily and monthly budget
 * (key's and tenant's); rates and concurrency are not budgets and stay whole per region. With
 * the shares of all regions summing to at most 100 %, the regions together never reserve more
 * than the budget: admission reserves a request's maximum cost before the call, so no region
 * passes its share, and the sum of the shares is the budget.
 *
 * With ledger-driven rebalancing on, billing publishes each region's allowance of every budget
 * (its spend plus a part of what is left, `BudgetRebalancer`): a region enforces its allowance
 * for the current day and month when there is one, and the fixed share otherwise.
 */
export class RegionBudgetShareSource implements KeySource {
  constructor(
    private readonly inner: KeySource,
    /** This region's share of every budget, 0 < share ≤ 1. */
    private readonly share: number,
    /** This region's published allowances; without, the fixed share always applies. */
    private readonly allowances?: AllowanceLoader,
  ) {
    if (!(share > 0 && share <= 1)) throw new Error(`a region's budget share must be in (0, 1], got ${share}`);
  }

  async loadAll(): Promise<Map<string, KeyRecord>> {
    const now = Date.now();
    const [keys, allowances] = await Promise.all([this.inner.loadAll(), this.allowances?.(now)]);
    if (this.share === 1 && !allowances?.size) return keys;
    const nearEnd = periodEndsSoon(now);
    // Keys of one tenant share one limits object (the quota store caches per object): keep that.
    const scaled = new Map<QuotaLimits, QuotaLimits>();
    const scale = (limits: QuotaLimits | undefined, scope: string): QuotaLimits | undefined => {
      if (!limits) return undefined;
      let out = scaled.get(limits);
      if (!out) {
        out = { ...limits };
        const own = allowances?.get(scope);
        if (limits.dailyBudgetUsd !== undefined) out.dailyBudgetUsd = this.limitOf(limits.dailyBudgetUsd, own?.daily, nearEnd.day);
        if (limits.monthlyBudgetUsd !== undefined) out.monthlyBudgetUsd = this.limitOf(limits.monthlyBudgetUsd, own?.monthly, nearEnd.month);
        scaled.set(limits, out);
      }
      return out;
    };
    const out = new Map<string, KeyRecord>();
    // A plan's included usage is a monthly budget too (issue 16); one scaled plan per tenant's. The
    // rebalancing publishes no allowance for plans, so a plan keeps the region's fixed share.
    const plans = new Map<TenantPlanQuota, TenantPlanQuota>();
    const scalePlan = (p: TenantPlanQuota): TenantPlanQuota => {
      let out = plans.get(p);
      if (!out) plans.set(p, (out = { ...p, limits: scale(p.limits, `plan:${p.planId}`) ?? {} }));
      return out;
    };
    for (const [hash, record] of keys) {
      const plan = record.plan && scalePlan(record.plan);
      out.set(hash, { ...record, limits: scale(record.limits, `key:${record.id}`), tenantLimits: scale(record.tenantLimits, `tenant:${record.tenantId}`), ...(plan && { plan }) });
    }
    return out;
  }

  /** What this region enforces of one budget: its allowance when published, else its fixed share. */
  private limitOf(budget: number, allowance: Allowance | undefined, periodEndsSoon: boolean): number {
    const fixed = budget * this.share;
    if (!allowance) return fixed;
    // A budget changed since the rebalance scales every region's allowance alike, so they still
    // sum to at most the budget (they summed to at most the old one).
    const own = allowance.budgetUsd === budget ? allowance.allowanceUsd : allowance.budgetUsd > 0 ? (allowance.allowanceUsd * budget) / allowance.budgetUsd : 0;
    return periodEndsSoon ? Math.min(own, fixed) : own;
  }

  loadPrices(): Promise<Map<string, ModelPrice[]>> {
    return this.inner.loadPrices ? this.inner.loadPrices() : Promise.resolve(new Map());
  }
}

function periodEndsSoon(now: number): { day: boolean; month: boolean } {
  const d = new Date(now + PERIOD_END_GUARD_MS);
  const at = new Date(now);
  const day = d.getUTCDate() !== at.getUTCDate();
  return { day, month: day && d.getUTCMonth() !== at.getUTCMonth() };
}
