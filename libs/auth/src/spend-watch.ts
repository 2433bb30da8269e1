import type { SpendAlert, SpendBasis } from '@switchyard/notify';
import type { KeyRecord } from './key-directory.types';
import { type BalanceSettled, balanceScope } from './credit/balance-gate';
import { isTokenPlanScope, planScope } from './plan-quota';
import { type QuotaStore, type SettledSpend, periodsAt } from './quota';

/** Where spend alerts go (the notifier). */
export interface SpendAlertSink {
  notify(alert: SpendAlert): void;
}

/** A counted scope whose month counter a tenant's thresholds are percentages of. */
interface SpendOwner {
  tenantId: string;
  basis: SpendBasis;
  planId?: string;
  unit: 'usd' | 'tokens';
  /** In the counter's units: nano-dollars, or tokens (a token plan's counter). */
  limit: number;
  thresholds: readonly number[];
}

// Refusals announced by this process, per scope and month; cleared whole past this size (the
// notifier's dedupe still stops repeats).
const MAX_REFUSALS_HELD = 10_000;

/**
 * Tenants' spend alerts (docs/architecture.md §5, "Billing: plans and spend alerts"): each of a
 * tenant's `alerts.spend` percentages of its monthly budget (the `tenant:` scope) and of its plan's
 * included usage (the plan's scope), announced once per month.
 *
 * As BudgetWatch: the settle answers the month's spend after the request and the request's cost,
 * so "before < level ≤ after" holds for exactly one settle per scope, month and level — across
 * replicas, since Redis settles one at a time. The notifier's claim (SET NX until the month ends)
 * makes a retried or repeated announcement one webhook. A scope that refuses before reaching 100 %
 * (in-flight requests hold their maximum) announces its thresholds up to 100 at the first refusal,
 * reading its spend once; those already sent are stopped by the claim.
 */
export class SpendWatch {
  private owners = new Map<string, SpendOwner>();
  private readonly refusals = new Set<string>();

  constructor(
    private readonly sink: SpendAlertSink,
    private readonly quota: QuotaStore,
  ) {}

  /** The tenants with thresholds in a fresh directory load (every key record carries its tenant's). */
  load(keys: Iterable<KeyRecord>): void {
    const owners = new Map<string, SpendOwner>();
    const seen = new Set<string>();
    for (const k of keys) {
      const thresholds = k.spendAlerts;
      if (!thresholds?.length || seen.has(k.tenantId)) continue;
      seen.add(k.tenantId);
      const monthly = k.tenantLimits?.monthlyBudgetUsd;
      if (monthly !== undefined) owners.set(`tenant:${k.tenantId}`, { tenantId: k.tenantId, basis: 'budget', unit: 'usd', limit: Math.round(monthly * 1e9), thresholds });
      // The prepaid balance: the percentages of the credits entered, spent since the first.
      if (k.balance && k.balance.creditsNano > 0) owners.set(balanceScope(k.tenantId), { tenantId: k.tenantId, basis: 'balance', unit: 'usd', limit: k.balance.creditsNano, thresholds });
      const scope = planScope(k.tenantId, k.plan, true);
      if (scope && k.plan) {
        const tokens = isTokenPlanScope(scope.id);
        owners.set(scope.id, { tenantId: k.tenantId, basis: 'plan', planId: k.plan.planId, unit: tokens ? 'tokens' : 'usd', limit: tokens ? k.plan.included : Math.round(k.plan.included * 1e9), thresholds });
      }
    }
    this.owners = owners;
  }

  /** After a settle: `admittedAt` names the month the request was counted in. */
  settled(spent: readonly SettledSpend[], admittedAt: number): void {
    for (const s of spent) this.crossed(this.owners.get(s.scope), s.monthSpentNano, s.usedNano, admittedAt);
  }

  /**
   * After a prepaid tenant's balance was charged: its spend since it became prepaid against its
   * credits. The balance store settles one at a time too, so one settle crosses each level; a
   * top-up raises the credits, and a level crossed again after it is announced again, in a later
   * month (the claim is per month).
   */
  balanceSettled(b: BalanceSettled, admittedAt: number): void {
    this.crossed(this.owners.get(balanceScope(b.tenantId)), b.spentNano, b.usedNano, admittedAt);
  }

  private crossed(owner: SpendOwner | undefined, after: number, used: number, at: number): void {
    if (!owner || owner.limit <= 0 || after < 0) return;
    const before = after - used;
    for (const percent of owner.thresholds) {
      const level = (owner.limit * percent) / 100;
      if (before < level && after >= level) this.sink.notify(this.alert(owner, percent, after, at));
    }
  }

  /** A request refused by a monthly budget or a plan's stop that it did not exceed alone. */
  refused(scope: string, now: number): void {
    const owner = this.owners.get(scope);
    if (!owner || owner.limit <= 0 || !owner.thresholds.some((t) => t <= 100)) return;
    const key = `${scope}|${periodsAt(now).monthId}`;
    if (this.refusals.has(key)) return;
    if (this.refusals.size >= MAX_REFUSALS_HELD) this.refusals.clear();
    this.refusals.add(key);
    void this.quota
      .usage(scope, now)
      .then((u) => {
        const spent = Math.round(u.monthSpentUsd * 1e9);
        for (const percent of owner.thresholds) if (percent <= 100) this.sink.notify(this.alert(owner, percent, spent, now));
      })
      .catch(() => this.refusals.delete(key));
  }

  private alert(owner: SpendOwner, thresholdPercent: number, spentUnits: number, at: number): SpendAlert {
    const toUnit = (v: number) => (owner.unit === 'usd' ? v / 1e9 : v);
    return {
      type: 'spend',
      tenantId: owner.tenantId,
      basis: owner.basis,
      ...(owner.planId !== undefined && { planId: owner.planId }),
      periodId: periodsAt(at).monthId,
      thresholdPercent,
      unit: owner.unit,
      spent: toUnit(spentUnits),
      limit: toUnit(owner.limit),
      at,
    };
  }
}
