import { usdText } from '@switchyard/shared';
import type { QuotaLimits, QuotaScope, QuotaTicket } from './quota';
import { NANO_PER_USD } from './quota/quota-units';

// A tenant's plan in admission (docs/architecture.md §5, "Billing: plans and spend alerts"). The
// plan's included usage is a monthly budget of its own scope, so `stop` is the budget machinery:
// reserve the request's maximum, settle the real figure, refuse what no longer fits.
//
// A USD plan counts in `plan:<tenant>`, admitted with the request's other scopes in one step. A
// token plan counts in `plan-tokens:<tenant>`, whose money counters hold tokens instead (a token
// is written as one nano-dollar, so "monthly budget" = included tokens, exactly, in integers); it
// takes a second admission before the others, because one admission reserves the same amount in
// each of its scopes. Only tenants on a token plan pay that second round trip.

export const PLAN_SCOPE_PREFIX = 'plan:';
export const PLAN_TOKENS_SCOPE_PREFIX = 'plan-tokens:';

/** The plan as admission needs it, one object per tenant and directory load. */
export interface TenantPlanQuota {
  planId: string;
  /** The plan's display name (GET /v1/me); absent when it has none. */
  name?: string;
  /** What the included usage counts. */
  unit: 'usd' | 'tokens';
  /** Included each month: USD, or tokens. */
  included: number;
  /** `overage: stop`: requests past the included usage are refused. */
  stop: boolean;
  /**
   * The plan scope's limits: `monthlyBudgetUsd` = the included usage (tokens as nano-dollars) under
   * `stop`, none otherwise (the scope still counts, for spend alerts). Scaled by a region's
   * budget share like any budget.
   */
  limits: QuotaLimits;
}

export function tenantPlanQuota(planId: string, unit: 'usd' | 'tokens', included: number, stop: boolean, name?: string): TenantPlanQuota {
  const cap = unit === 'usd' ? included : tokensAsUsd(included);
  return { planId, ...(name ? { name } : {}), unit, included, stop, limits: stop ? { monthlyBudgetUsd: cap } : {} };
}

/** Tokens in a token plan's counters: one token, one nano-dollar. */
export function tokensAsUsd(tokens: number): number {
  return tokens / NANO_PER_USD;
}

/**
 * The plan's scope of a tenant, or none: a plan that stops needs it, and so does a tenant with
 * spend alerts (the scope's month counter is the plan's usage); otherwise it would only cost work.
 */
export function planScope(tenantId: string, plan: TenantPlanQuota | undefined, alerts: boolean): QuotaScope | undefined {
  if (!plan || (!plan.stop && !alerts)) return undefined;
  return { id: (plan.unit === 'usd' ? PLAN_SCOPE_PREFIX : PLAN_TOKENS_SCOPE_PREFIX) + tenantId, limits: plan.limits };
}

export function isTokenPlanScope(scopeId: string): boolean {
  return scopeId.startsWith(PLAN_TOKENS_SCOPE_PREFIX);
}

/** A ticket's scopes split into those settled in money and the token plan's (settled in tokens). */
export function splitTicket(ticket: QuotaTicket): { money?: QuotaTicket; tokens?: QuotaTicket } {
  const tokenScopes = ticket.scopes.filter(isTokenPlanScope);
  if (!tokenScopes.length) return { money: ticket };
  const moneyScopes = ticket.scopes.filter((s) => !isTokenPlanScope(s));
  return { money: moneyScopes.length ? { ...ticket, scopes: moneyScopes } : undefined, tokens: { ...ticket, scopes: tokenScopes } };
}

/** $12.50 or 5,000,000 tokens. */
function amount(plan: TenantPlanQuota): string {
  return plan.unit === 'usd' ? usdText(plan.included) : `${plan.included.toLocaleString('en-US')} tokens`;
}

/** Says that the plan stopped the request, and what to do: wait for the month, or change plan. */
export function planRefusalMessage(tenantId: string, plan: TenantPlanQuota, tooLarge: boolean): string {
  if (tooLarge) {
    return `Request too large for the plan "${plan.planId}" of tenant ${tenantId}: its maximum usage is more than the ${amount(plan)} the plan includes a month. Lower max_tokens or shorten the prompt.`;
  }
  return `The usage included in the plan "${plan.planId}" of tenant ${tenantId} (${amount(plan)} a month) has too little left for this request's maximum usage, and the plan stops there (overage: stop). Lower max_tokens; requests in flight hold their maximum until they end; usage resets at the start of next month (UTC), or move the tenant to a plan with overage.`;
}
