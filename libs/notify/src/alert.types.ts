// What the notifier announces (docs/architecture.md §4, "Notifications"). Producers (auth for
// budgets, the router for health) build these; the billing worker renders, signs and posts them.

export type BudgetPeriod = 'daily' | 'monthly';
/**
 * `threshold`: spend crossed `notifications.budgetThreshold` of the budget; `exhausted`: spend
 * reached the budget, or the budget refused a request (in-flight reservations included).
 */
export type BudgetLevel = 'threshold' | 'exhausted';

export interface BudgetAlert {
  type: 'budget';
  level: BudgetLevel;
  /** Whose budget: the tenant's, or one key's. */
  scope: 'tenant' | 'key';
  tenantId: string;
  /** Set when `scope` is `key`. */
  keyId?: string;
  period: BudgetPeriod;
  /** UTC `yyyymmdd` (daily) or `yyyymm` (monthly): the period whose counter crossed. */
  periodId: string;
  spentUsd: number;
  limitUsd: number;
  /** Budget share the level stands for: the configured threshold, or 1. */
  thresholdRatio: number;
  /** Epoch ms. */
  at: number;
}

export type HealthTransition = 'circuit_opened' | 'circuit_closed' | 'ejected';

export interface HealthAlert {
  type: 'health';
  transition: HealthTransition;
  deploymentId: string;
  /** Public model name the deployment serves. */
  model: string;
  providerId: string;
  upstreamModel: string;
  /** Epoch ms the deployment stays out until (opened, ejected); absent for closed. */
  until?: number;
  at: number;
}

/**
 * What a spend alert's percentage is of (issue 16): the tenant's monthly budget, or its plan's
 * included usage (USD or tokens). `balance` is reserved for the prepaid balance.
 */
export type SpendBasis = 'budget' | 'plan' | 'balance';

/** A tenant's spend crossed one of its `alerts.spend` thresholds this month (or was refused at 100 %). */
export interface SpendAlert {
  type: 'spend';
  tenantId: string;
  basis: SpendBasis;
  /** Set when `basis` is `plan`. */
  planId?: string;
  /** UTC `yyyymm`: the month whose counter crossed. */
  periodId: string;
  /** The configured threshold, in percent (50, 80, 100 …). */
  thresholdPercent: number;
  /** What `spent` and `limit` count: USD, or tokens (a token plan). */
  unit: 'usd' | 'tokens';
  spent: number;
  limit: number;
  at: number;
}

export type Alert = BudgetAlert | HealthAlert | SpendAlert;

/** One alert for one webhook: the payload of a `deliver-webhook` job. */
export interface WebhookDelivery {
  /** The alert's dedupe key; with the webhook's name, the job id and `x-switchyard-delivery`. */
  id: string;
  webhook: string;
  alert: Alert;
}

/**
 * The dedupe key of an alert: one per tenant/key, period and level; one per deployment and
 * transition; one per tenant, basis, month and threshold.
 */
export function alertKey(alert: Alert): string {
  switch (alert.type) {
    case 'budget':
      return `budget|${alert.scope}|${alert.scope === 'key' ? (alert.keyId ?? '') : alert.tenantId}|${alert.period}|${alert.periodId}|${alert.level}`;
    case 'health':
      return `health|${alert.deploymentId}|${alert.transition}`;
    case 'spend':
      return `spend|${alert.tenantId}|${alert.basis}|${alert.periodId}|${alert.thresholdPercent}`;
  }
}
