import { Logger } from '@nestjs/common';
import { ErrorKind } from '@switchyard/ir';
import type { AdmitRequest, AdmitResponse, HeartbeatRequest, QuotaTicket as TicketMessage, SettleRequest } from '@switchyard/ir';
import { type ModelPrice, maxCostUsd, priceAt, usageCostUsd, usdText } from '@switchyard/shared';
import { metricSeries } from '@switchyard/telemetry';
import type { BudgetWatch } from './budget-watch';
import { type BalanceGate, balanceScope, quotaScopes } from './credit/balance-gate';
import type { KeyPlan } from './key-plan';
import { PLAN_SCOPE_PREFIX, planRefusalMessage, splitTicket, tokensAsUsd } from './plan-quota';
import type { AdmitResult, QuotaRefusal, QuotaScope, QuotaStore, QuotaTicket } from './quota';
import type { SpendWatch } from './spend-watch';

export interface AdmissionCounterOptions {
  quota: QuotaStore;
  balances: BalanceGate;
  leaseMs: number;
  /** Output limit a budgeted request without max_tokens is reserved for and sent upstream with. */
  defaultMaxOutputTokens: number;
  /** When the quota store cannot answer: admit uncounted (true) or refuse with 503 (false). */
  failOpen: boolean;
  budgets?: BudgetWatch;
  spend?: SpendWatch;
}

/** What one counted request holds until it settles: tokens for TPM, money for budgets and balances. */
interface Reservation {
  reserveTokens: number;
  reserveUsd: number;
  /** The output limit admission imposed (a budgeted request that set none); 0 = the request's own. */
  imposed: number;
}

type QuotaRefused = Extract<AdmitResult, { admitted: false }>;

/**
 * The counting half of admission (docs/architecture.md §1, auth), for a key whose checks passed
 * and that has something to count: reserves the request's tokens, maximum cost and a concurrency
 * slot in a prepaid balance, a token plan and every counted scope, or nothing; settles the
 * reservation at the real usage and renews its lease. `AuthService` decides whether to count.
 */
export class AdmissionCounter {
  private readonly log = new Logger(AdmissionCounter.name);
  private prices = new Map<string, ModelPrice[]>();
  /** Quota scope id → its tenant's price multiplier: a settle names its scopes, not its key. */
  private scopeMultipliers = new Map<string, number>();

  constructor(private readonly options: AdmissionCounterOptions) {}

  /** At each directory load: the prices budgets are reserved and settled at, and the scopes' multipliers. */
  load(plans: Iterable<KeyPlan>, prices: Map<string, ModelPrice[]> | undefined): void {
    this.scopeMultipliers = scopeMultipliers(plans);
    if (prices) this.prices = prices;
  }

  /** One round trip per store: the balance, then the token plan, then the scopes; a refusal releases what was held. */
  async admit(req: AdmitRequest, plan: KeyPlan, scopes: QuotaScope[]): Promise<AdmitResponse> {
    const now = Date.now();
    const reservation = this.reservationOf(req, plan, now);
    let result: AdmitResult;
    try {
      // The balance first: releasing it when a limit refuses leaves no trace, unlike a quota admission.
      if (plan.balance) {
        const refused = await this.options.balances.reserve(plan.balance, req.requestId, reservation.reserveUsd, now, this.options.leaseMs);
        if (refused) return refused;
      }
      result = await this.reserveQuota(req, plan, scopes, reservation, now);
    } catch (e) {
      if (plan.balance) await this.options.balances.release(plan.balance.tenantId, req.requestId).catch(() => undefined);
      return this.storeUnavailable(plan, e);
    }
    if (!result.admitted) {
      if (plan.balance) await this.releaseBalance(plan.balance.tenantId, req.requestId);
      return this.refusal(plan, scopes, result, reservation, now);
    }
    const ticket = ticketMessage(result.ticket, this.options.leaseMs);
    if (plan.balance) ticket.scopes = [...ticket.scopes, balanceScope(plan.balance.tenantId)];
    // The store's RateInfo is the message's shape.
    return { admitted: true, principal: plan.principal, rate: result.remaining, ticket, maxOutputTokens: reservation.imposed };
  }

  /** Real usage replaces the reservation in every scope of the ticket, the balance's included. */
  async settle(req: SettleRequest): Promise<void> {
    const ticket = storeTicket(req.ticket);
    if (!ticket) return;
    const { quota, balances, budgets, spend } = this.options;
    const usage = req.cacheHit ? undefined : req.usage;
    // The ledger's charge (billing's PriceBook.charge): the same function, price and multiplier.
    const multiplier = this.scopeMultipliers.get(ticket.scopes[0] ?? '');
    const usd = usageCostUsd(priceAt(this.prices.get(req.model), req.startedAtMs ?? ticket.at), usage, { multiplier, batch: req.batch === true });
    const tokens = (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0);
    const parts = splitTicket({ ...ticket, scopes: quotaScopes(ticket.scopes) });
    const [spent, balance] = await Promise.all([parts.money ? quota.settle(parts.money, { tokens, usd }, Date.now()) : [], balances.settle(ticket.scopes, ticket.requestId, usd)]);
    if (spend && balance) spend.balanceSettled(balance, ticket.at);
    if (budgets && spent.length) budgets.settled(spent, ticket.at);
    // A token plan's counters hold tokens as nano-dollars (plan-quota.ts).
    const planTokens = parts.tokens ? await quota.settle(parts.tokens, { tokens: 0, usd: tokensAsUsd(tokens) }, Date.now()) : [];
    if (spend) spend.settled(planTokens.length ? [...spent, ...planTokens] : spent, ticket.at);
  }

  async heartbeat(req: HeartbeatRequest): Promise<void> {
    const ticket = storeTicket(req.ticket);
    if (!ticket) return;
    const scopes = quotaScopes(ticket.scopes);
    const now = Date.now();
    const leaseMs = req.ticket?.leaseMs || this.options.leaseMs;
    await Promise.all([scopes.length ? this.options.quota.heartbeat({ ...ticket, scopes }, now, leaseMs) : undefined, this.options.balances.heartbeat(ticket.scopes, ticket.requestId, now, leaseMs)]);
  }

  /**
   * The tokens and money to hold: a budget needs an output limit, so one is imposed when the
   * request set none. A batch line's money is held at the batch rates it will be charged at.
   */
  private reservationOf(req: AdmitRequest, plan: KeyPlan, now: number): Reservation {
    let maxOutput = req.maxOutputTokens;
    let imposed = 0;
    if (plan.hasBudget && maxOutput === 0) maxOutput = imposed = this.options.defaultMaxOutputTokens;
    const cost = { multiplier: plan.record.priceMultiplier, batch: req.batch === true };
    const reserveUsd = plan.hasBudget ? maxCostUsd(priceAt(this.prices.get(req.model), now), req.inputTokensBound, maxOutput, cost) : 0;
    return { reserveTokens: req.inputTokensEstimate + maxOutput, reserveUsd, imposed };
  }

  /** The token plan (its own admission: plan-quota.ts says why), then the other scopes in one step; one ticket for both. */
  private async reserveQuota(req: AdmitRequest, plan: KeyPlan, scopes: QuotaScope[], r: Reservation, now: number): Promise<AdmitResult> {
    const { quota, leaseMs } = this.options;
    // A token plan is a budget: a peer's forward (budget only) counts it too.
    const planTokens = plan.tokenScope ? await quota.admit({ scopes: [plan.tokenScope], requestId: req.requestId, reserveTokens: 0, reserveUsd: tokensAsUsd(r.reserveTokens), now, leaseMs }) : undefined;
    if (planTokens && !planTokens.admitted) return planTokens;
    let result: AdmitResult;
    try {
      result = scopes.length
        ? await quota.admit({ scopes, requestId: req.requestId, reserveTokens: r.reserveTokens, reserveUsd: r.reserveUsd, now, leaseMs, ratesCounted: !req.budgetOnly })
        : { admitted: true, ticket: { requestId: req.requestId, scopes: [], reservedTokens: r.reserveTokens, reservedUsd: r.reserveUsd, at: now }, remaining: {} };
    } catch (e) {
      if (planTokens) this.release(planTokens.ticket, now);
      throw e;
    }
    if (!planTokens) return result;
    if (result.admitted) result.ticket.scopes = [...result.ticket.scopes, ...planTokens.ticket.scopes];
    else this.release(planTokens.ticket, now);
    return result;
  }

  /** The refusal of a limit or budget, in words a developer can act on; the budget and spend watches hear of it. */
  private refusal(plan: KeyPlan, scopes: QuotaScope[], result: QuotaRefused, r: Reservation, now: number): AdmitResponse {
    metricSeries().limitRefusals.child({ tenant: plan.principal.tenantId, reason: result.reason }).inc();
    const budget = result.reason === 'daily_budget' || result.reason === 'monthly_budget';
    if (budget && !result.tooLarge) this.options.budgets?.refused(result.scope, result.reason === 'daily_budget' ? 'daily' : 'monthly', now);
    if (result.reason === 'monthly_budget' && !result.tooLarge) this.options.spend?.refused(result.scope, now);
    const tenantPlan = plan.record.plan;
    const planRefused = tenantPlan && (result.scope === plan.tokenScope?.id || result.scope === PLAN_SCOPE_PREFIX + plan.principal.tenantId);
    const scope = scopes.find((s) => s.id === result.scope) ?? scopes[0];
    return {
      admitted: false,
      rate: result.remaining,
      error: {
        kind: budget ? ErrorKind.ERROR_KIND_BUDGET_EXCEEDED : ErrorKind.ERROR_KIND_RATE_LIMITED,
        message: planRefused && tenantPlan ? planRefusalMessage(plan.principal.tenantId, tenantPlan, result.tooLarge) : refusalMessage(result.reason, scope, result.tooLarge, r),
        retryable: !result.tooLarge,
        retryAfterMs: Math.max(1, Math.ceil(result.retryAfterMs)),
        providerStatus: 0,
        param: '',
        attemptLog: [],
      },
      maxOutputTokens: 0,
    };
  }

  /** The quota store did not answer: admit uncounted (fail open) or refuse with a retryable 503 (fail closed). */
  private storeUnavailable(plan: KeyPlan, e: unknown): AdmitResponse {
    if (this.options.failOpen) {
      this.log.warn(`quota store unavailable, admitting uncounted (fail open): ${String(e)}`);
      return { admitted: true, principal: plan.principal, maxOutputTokens: 0 };
    }
    this.log.warn(`quota store unavailable, refusing (fail closed): ${String(e)}`);
    return { admitted: false, error: { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: 'Rate limits and budgets cannot be checked right now; try again shortly.', retryable: true, retryAfterMs: 1000, providerStatus: 0, param: '', attemptLog: [] }, maxOutputTokens: 0 };
  }

  private async releaseBalance(tenantId: string, requestId: string): Promise<void> {
    // Unreleased, the reservation is charged in full when its lease expires: the safe side.
    await this.options.balances.release(tenantId, requestId).catch((e: unknown) => this.log.warn(`balance release failed: ${String(e)}`));
  }

  /** Gives back a reservation whose request was not admitted after all (another scope refused it). */
  private release(ticket: QuotaTicket, now: number): void {
    void this.options.quota.settle(ticket, { tokens: 0, usd: 0 }, now).catch((e: unknown) => this.log.warn(`plan reservation not released (its lease expires): ${String(e)}`));
  }
}

/** Every counted scope of a tenant with a price multiplier (a key's and its tenant's scopes share it). */
function scopeMultipliers(plans: Iterable<KeyPlan>): Map<string, number> {
  const out = new Map<string, number>();
  for (const { record, scopes, tokenScope } of plans) {
    if (record.priceMultiplier === undefined) continue;
    for (const s of scopes) out.set(s.id, record.priceMultiplier);
    // A ticket may hold only a token plan's or a balance's scope; settle looks up its first.
    if (tokenScope) out.set(tokenScope.id, record.priceMultiplier);
    if (record.balance) out.set(balanceScope(record.tenantId), record.priceMultiplier);
  }
  return out;
}

function ticketMessage(t: QuotaTicket, leaseMs: number): TicketMessage {
  return { requestId: t.requestId, scopes: t.scopes, reservedTokens: t.reservedTokens, reservedUsd: t.reservedUsd, atMs: t.at, leaseMs };
}

function storeTicket(t: TicketMessage | undefined): QuotaTicket | undefined {
  if (!t?.requestId || !t.scopes?.length) return undefined;
  return { requestId: t.requestId, scopes: t.scopes, reservedTokens: t.reservedTokens, reservedUsd: t.reservedUsd, at: t.atMs };
}

/** Says which limit of which scope refused, in words a developer can act on. */
function refusalMessage(reason: QuotaRefusal, scope: QuotaScope, tooLarge: boolean, asked: Reservation): string {
  const who = scope.id.startsWith('tenant:') ? `tenant ${scope.id.slice(7)}` : 'this key';
  const l = scope.limits;
  switch (reason) {
    case 'rpm':
      return `Rate limit reached for ${who}: ${l.rpm ?? 0} requests per minute.`;
    case 'tpm':
      return tooLarge
        ? `Request too large for ${who}: it may use ${asked.reserveTokens} tokens (prompt estimate plus max_tokens), more than the limit of ${l.tpm ?? 0} tokens per minute. Lower max_tokens or shorten the prompt.`
        : `Rate limit reached for ${who}: ${l.tpm ?? 0} tokens per minute (prompt estimate plus max_tokens of requests in flight count until they end).`;
    case 'concurrency':
      return `Too many concurrent requests for ${who}: at most ${l.concurrency ?? 0} at once.`;
    case 'daily_budget':
    case 'monthly_budget': {
      const period = reason === 'daily_budget' ? 'daily' : 'monthly';
      const budget = (reason === 'daily_budget' ? l.dailyBudgetUsd : l.monthlyBudgetUsd) ?? 0;
      return tooLarge
        ? `Request too expensive for ${who}: it may cost up to ${usdText(asked.reserveUsd)}, more than the ${period} budget of ${usdText(budget)}. Lower max_tokens or shorten the prompt.`
        : `The ${period} budget of ${usdText(budget)} for ${who} is spent (requests in flight hold their maximum cost until they end).`;
    }
  }
}
