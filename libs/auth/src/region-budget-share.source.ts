import type { ModelPrice } from '@switchyard/shared';
import type { KeyRecord, KeySource } from './key-directory.types';
import type { QuotaLimits } from './quota';
import type { TenantPlanQuota } from './plan-quota';

/**
 * Budgets across regions, `share` mode (docs/architecture.md §6, "Data across regions"): each
 * region counts in its own Redis, so each enforces its share of every daily and monthly budget
 * (key's and tenant's); rates and concurrency are not budgets and stay whole per region. With
 * the shares of all regions summing to at most 100 %, the regions together never reserve more
 * than the budget: admission reserves a request's maximum cost before the call, so no region
 * passes its share, and the sum of the shares is the budget.
 */
export class RegionBudgetShareSource implements KeySource {
  constructor(
    private readonly inner: KeySource,
    /** This region's share of every budget, 0 < share ≤ 1. */
    private readonly share: number,
  ) {
    if (!(share > 0 && share <= 1)) throw new Error(`a region's budget share must be in (0, 1], got ${share}`);
  }

  async loadAll(): Promise<Map<string, KeyRecord>> {
    const keys = await this.inner.loadAll();
    if (this.share === 1) return keys;
    // Keys of one tenant share one limits object (the quota store caches per object): keep that.
    const scaled = new Map<QuotaLimits, QuotaLimits>();
    const scale = (limits: QuotaLimits | undefined): QuotaLimits | undefined => {
      if (!limits) return undefined;
      let out = scaled.get(limits);
      if (!out) {
        out = { ...limits };
        if (limits.dailyBudgetUsd !== undefined) out.dailyBudgetUsd = limits.dailyBudgetUsd * this.share;
        if (limits.monthlyBudgetUsd !== undefined) out.monthlyBudgetUsd = limits.monthlyBudgetUsd * this.share;
        scaled.set(limits, out);
      }
      return out;
    };
    const out = new Map<string, KeyRecord>();
    // A plan's included usage is a monthly budget too (issue 16); one scaled plan per tenant's.
    const plans = new Map<TenantPlanQuota, TenantPlanQuota>();
    const scalePlan = (p: TenantPlanQuota): TenantPlanQuota => {
      let out = plans.get(p);
      if (!out) plans.set(p, (out = { ...p, limits: scale(p.limits) ?? {} }));
      return out;
    };
    for (const [hash, record] of keys) {
      const plan = record.plan && scalePlan(record.plan);
      out.set(hash, { ...record, limits: scale(record.limits), tenantLimits: scale(record.tenantLimits), ...(plan && { plan }) });
    }
    return out;
  }

  loadPrices(): Promise<Map<string, ModelPrice[]>> {
    return this.inner.loadPrices ? this.inner.loadPrices() : Promise.resolve(new Map());
  }
}
