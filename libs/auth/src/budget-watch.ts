import type { BudgetAlert, BudgetPeriod } from '@switchyard/notify';
import { type QuotaLimits, type QuotaStore, type SettledSpend, periodsAt } from './quota';

/** Where budget alerts go (the notifier); its threshold is `notifications.budgetThreshold`. */
export interface BudgetAlertSink {
  readonly budgetThreshold: number;
  notify(alert: BudgetAlert): void;
}

/** Who a counted scope belongs to, and its limits. */
export interface BudgetOwner {
  tenantId: string;
  /** Set for a key's own scope. */
  keyId?: string;
  limits: QuotaLimits;
}

// Refusals announced by this process, per scope and period: cleared whole when it grows past
// this (a repeated alert is then stopped by the notifier's dedupe).
const MAX_REFUSALS_HELD = 10_000;

/**
 * Turns settles and refusals into budget alerts (docs/architecture.md §4, "Notifications").
 *
 * Crossings are read from the settle's answer: the store returns each scope's spend after the
 * request, and the request's cost, so "before < level ≤ after" holds for exactly one settle per
 * scope, period and level (counters grow only by settles, one at a time). This costs the settle
 * nothing more than a Map lookup and a few comparisons; no extra round trip.
 *
 * A budget also refuses before its spend reaches 100 % (in-flight requests hold their maximum
 * cost): the first such refusal in a period announces `exhausted`, reading the spend once.
 */
export class BudgetWatch {
  private owners = new Map<string, BudgetOwner>();
  private readonly refusals = new Set<string>();

  constructor(
    private readonly sink: BudgetAlertSink,
    private readonly quota: QuotaStore,
  ) {}

  /** The scopes of a fresh directory load. */
  load(owners: Map<string, BudgetOwner>): void {
    this.owners = owners;
  }

  /** After a settle: `admittedAt` names the period the request was counted in. */
  settled(spent: readonly SettledSpend[], admittedAt: number): void {
    for (const s of spent) {
      const owner = this.owners.get(s.scope);
      if (!owner) continue;
      const { dailyBudgetUsd, monthlyBudgetUsd } = owner.limits;
      if (dailyBudgetUsd !== undefined && s.daySpentNano >= 0) this.check(s.scope, owner, 'daily', dailyBudgetUsd, s.daySpentNano, s.usedNano, admittedAt);
      if (monthlyBudgetUsd !== undefined && s.monthSpentNano >= 0) this.check(s.scope, owner, 'monthly', monthlyBudgetUsd, s.monthSpentNano, s.usedNano, admittedAt);
    }
  }

  /** A request refused by a budget it did not exceed alone (it would have fitted an empty period). */
  refused(scope: string, period: BudgetPeriod, now: number): void {
    const owner = this.owners.get(scope);
    const limitUsd = period === 'daily' ? owner?.limits.dailyBudgetUsd : owner?.limits.monthlyBudgetUsd;
    if (!owner || limitUsd === undefined) return;
    const p = periodsAt(now);
    const periodId = period === 'daily' ? p.dayId : p.monthId;
    const key = `${scope}|${periodId}`;
    if (this.refusals.has(key)) return;
    if (this.refusals.size >= MAX_REFUSALS_HELD) this.refusals.clear();
    this.refusals.add(key);
    void this.quota
      .usage(scope, now)
      .then((u) => this.sink.notify(this.alert(owner, 'exhausted', period, periodId, period === 'daily' ? u.daySpentUsd : u.monthSpentUsd, limitUsd, 1, now)))
      .catch(() => this.refusals.delete(key));
  }

  private check(scope: string, owner: BudgetOwner, period: BudgetPeriod, limitUsd: number, afterNano: number, usedNano: number, at: number): void {
    const limit = Math.round(limitUsd * 1e9);
    const threshold = this.sink.budgetThreshold;
    // The common case, well below the threshold or past it already: two comparisons.
    if (afterNano < limit * threshold || afterNano - usedNano >= limit || limit <= 0) return;
    const before = afterNano - usedNano;
    const p = periodsAt(at);
    const periodId = period === 'daily' ? p.dayId : p.monthId;
    const spentUsd = afterNano / 1e9;
    if (before < limit * threshold) this.sink.notify(this.alert(owner, 'threshold', period, periodId, spentUsd, limitUsd, threshold, at));
    if (afterNano >= limit) {
      this.refusals.add(`${scope}|${periodId}`);
      this.sink.notify(this.alert(owner, 'exhausted', period, periodId, spentUsd, limitUsd, 1, at));
    }
  }

  private alert(owner: BudgetOwner, level: BudgetAlert['level'], period: BudgetPeriod, periodId: string, spentUsd: number, limitUsd: number, thresholdRatio: number, at: number): BudgetAlert {
    return {
      type: 'budget',
      level,
      scope: owner.keyId === undefined ? 'tenant' : 'key',
      tenantId: owner.tenantId,
      ...(owner.keyId === undefined ? {} : { keyId: owner.keyId }),
      period,
      periodId,
      spentUsd,
      limitUsd,
      thresholdRatio,
      at,
    };
  }
}
