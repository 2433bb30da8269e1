import { Logger, OnModuleDestroy } from '@nestjs/common';
import { ErrorKind } from '@switchyard/ir';
import type { PiiPolicyConfig } from '@switchyard/guardrails';
import type { AdmitRequest, AdmitResponse, AuthPort, DescribeKeyRequest, DescribeKeyResponse, HeartbeatRequest, PiiPolicy, Principal, QuotaTicket as TicketMessage, RateLimitState, SettleRequest } from '@switchyard/ir';
import { ipAllowList } from '@switchyard/config';
import { type ModelPrice, maxCostUsd, modelAllowed, priceAt, usageCostUsd, usdText } from '@switchyard/shared';
import { type BudgetAlertSink, type BudgetOwner, BudgetWatch } from './budget-watch';
import { metricSeries } from '@switchyard/telemetry';
import { BudgetGauges } from './budget.gauges';
import { describeKeyRecord } from './key-description';
import type { KeyRecord, KeySource } from './key-directory.types';
import { PLAN_SCOPE_PREFIX, isTokenPlanScope, planRefusalMessage, planScope, splitTicket, tokensAsUsd } from './plan-quota';
import { type SpendAlertSink, SpendWatch } from './spend-watch';
import { BalanceGate, balanceScope, quotaScopes } from './credit/balance-gate';
import type { BalanceAccount, BalanceStore } from './credit/balance.types';
import { MemoryBalanceStore } from './credit/memory-balance.store';
import { MemoryQuotaStore, type AdmitResult, type QuotaLimits, type QuotaRefusal, type QuotaScope, type QuotaStore, type QuotaTicket } from './quota';

const REFRESH_MS = 10_000;
// An unknown key may be one created a moment ago: reload, but at most this often, so a client
// hammering with a bad key cannot turn every request into a database read.
const MISS_RELOAD_MS = 1_000;
/** A concurrency slot whose holder stopped renewing it (crashed) frees itself after this long. */
export const DEFAULT_LEASE_MS = 30_000;
/** Output limit a budgeted request without max_tokens is reserved for and sent upstream with. */
export const DEFAULT_BUDGET_MAX_OUTPUT_TOKENS = 4096;

export interface AuthOptions {
  /** Where limits and budgets are counted: Redis across replicas, in memory for one process (default). */
  quota?: QuotaStore;
  leaseMs?: number;
  defaultMaxOutputTokens?: number;
  /**
   * When the quota store cannot answer: admit uncounted (true) or refuse with 503 (false, the
   * default: a budget that cannot be checked is not enforced otherwise).
   */
  failOpen?: boolean;
  /** Budget alerts (issue 13): thresholds crossed at settle, exhaustion at the first refusal. */
  budgetAlerts?: BudgetAlertSink;
  /** Spend alerts (issue 16): the tenants' thresholds of their monthly budget and plan. */
  spendAlerts?: SpendAlertSink;
  /** Prepaid balances (issue 16): the quota store's Redis across replicas, in memory for one process (default). */
  balance?: BalanceStore;
}

/** What admission decided about one secret, built once per directory load, not per request. */
interface KeyPlan {
  record: KeyRecord;
  principal: Principal;
  ipAllowed?: (ip: string) => boolean;
  /** The key and tenant allow no common region. */
  noRegion: boolean;
  /** Counted scopes (key, tenant, the plan's in USD); empty when none has a limit. */
  scopes: QuotaScope[];
  /** A token plan's scope, admitted on its own before the others (plan-quota.ts says why). */
  tokenScope?: QuotaScope;
  /** The same scopes' budgets alone, for a request counted in the budgets only (a peer's forward). */
  budgetScopes: QuotaScope[];
  hasBudget: boolean;
  /** The tenant is prepaid: every counted request reserves its maximum cost against this balance. */
  balance?: BalanceAccount;
}

function refuse(kind: ErrorKind, message: string): AdmitResponse {
  return { admitted: false, error: { kind, message, retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] }, maxOutputTokens: 0 };
}

/**
 * Admission (docs/architecture.md §1, auth): key → tenant, expiry, revocation, client IP ranges,
 * allowed models and regions, then rate limits, concurrency and budgets counted in one
 * quota-store round trip.
 */
export class AuthService implements AuthPort, OnModuleDestroy {
  private readonly log = new Logger(AuthService.name);
  private plans = new Map<string, KeyPlan>();
  private prices = new Map<string, ModelPrice[]>();
  /** Quota scope id → its tenant's price multiplier: a settle names its scopes, not its key. */
  private scopeMultipliers = new Map<string, number>();
  private tenantOrigins: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastLoad = 0;
  private loading: Promise<void> | undefined;
  private reloadAfterLoading: Promise<void> | undefined;
  private readonly quota: QuotaStore;
  private readonly leaseMs: number;
  private readonly defaultMaxOutput: number;
  private readonly failOpen: boolean;
  private readonly budgets: BudgetWatch | undefined;
  private readonly spend: SpendWatch | undefined;
  private readonly budgetGauges: BudgetGauges;
  private readonly balances: BalanceGate;

  constructor(
    private readonly source: KeySource,
    options: AuthOptions = {},
  ) {
    this.quota = options.quota ?? new MemoryQuotaStore();
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.defaultMaxOutput = options.defaultMaxOutputTokens ?? DEFAULT_BUDGET_MAX_OUTPUT_TOKENS;
    this.failOpen = options.failOpen ?? false;
    this.budgets = options.budgetAlerts ? new BudgetWatch(options.budgetAlerts, this.quota) : undefined;
    this.spend = options.spendAlerts ? new SpendWatch(options.spendAlerts, this.quota) : undefined;
    this.budgetGauges = new BudgetGauges(this.quota);
    this.balances = new BalanceGate(options.balance ?? new MemoryBalanceStore());
  }

  async start(): Promise<void> {
    await this.reload();
    this.budgetGauges.start();
    this.timer = setInterval(() => void this.reload().catch((e: unknown) => this.log.warn(`key refresh failed: ${String(e)}`)), REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.budgetGauges.stop();
  }

  /** Closes the quota store (its Redis connection). */
  async close(): Promise<void> {
    this.onModuleDestroy();
    await Promise.all([this.quota.close(), this.balances.close()]);
  }

  reload(): Promise<void> {
    this.loading ??= Promise.all([this.source.loadAll(), this.source.loadPrices?.()])
      .then(([keys, prices]) => {
        const plans = new Map<string, KeyPlan>();
        for (const [hash, k] of keys) plans.set(hash, planOf(k));
        this.plans = plans;
        this.scopeMultipliers = scopeMultipliers(plans.values());
        this.tenantOrigins = [...new Set([...keys.values()].flatMap((k) => k.corsOrigins ?? []))];
        this.budgets?.load(budgetOwners(plans.values()));
        this.spend?.load(keys.values());
        this.budgetGauges.update(tenantBudgets(keys.values()));
        if (prices) this.prices = prices;
        this.lastLoad = Date.now();
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  /**
   * After a configuration change: a load that starts now. `reload` joins a load already running,
   * which may have read the database before the change, so here that load is followed by one
   * more (shared by every change announced meanwhile).
   */
  invalidate(): Promise<void> {
    if (!this.loading) return this.reload();
    this.reloadAfterLoading ??= this.loading
      .catch(() => undefined)
      .then(() => {
        this.reloadAfterLoading = undefined;
        return this.reload();
      });
    return this.reloadAfterLoading;
  }

  async admit(req: AdmitRequest): Promise<AdmitResponse> {
    const plan = this.plans.get(req.keyHash) ?? (await this.planAfterMiss(req.keyHash));
    if (!plan) return refuse(ErrorKind.ERROR_KIND_AUTHENTICATION, 'Incorrect API key provided.');
    const answer = await this.admitKnown(req, plan);
    // A refusal of a key we know still says whose it was: the access line and the request span
    // name the tenant and key of a 429 or a 403 (the ingress only admits on `admitted`).
    if (!answer.admitted && !answer.principal) answer.principal = plan.principal;
    return answer;
  }

  private async admitKnown(req: AdmitRequest, plan: KeyPlan): Promise<AdmitResponse> {
    const key = plan.record;
    const refusal = keyRefusal(plan, req.clientIp);
    if (refusal) return refusal;
    const model = req.model;
    if (model && !(modelAllowed(model, key.models) && modelAllowed(model, key.tenantModels ?? []))) {
      return { admitted: false, error: { kind: ErrorKind.ERROR_KIND_PERMISSION, message: `This key is not allowed to use the model \`${model}\`.`, param: 'model', retryable: false, providerStatus: 0, retryAfterMs: 0, attemptLog: [] }, maxOutputTokens: 0 };
    }
    if (plan.noRegion) return refuse(ErrorKind.ERROR_KIND_PERMISSION, 'This key may not be served from any region: its regions and its tenant\'s have none in common.');
    const scopes = req.budgetOnly ? plan.budgetScopes : plan.scopes;
    if ((!scopes.length && !plan.tokenScope && !plan.balance) || !req.counted) return { admitted: true, principal: plan.principal, maxOutputTokens: 0 };
    return this.count(req, plan, scopes, model);
  }

  /** An unknown key may be one created a moment ago: one reload, rate-limited (MISS_RELOAD_MS). */
  private async planAfterMiss(keyHash: string): Promise<KeyPlan | undefined> {
    if (Date.now() - this.lastLoad <= MISS_RELOAD_MS) return undefined;
    await this.reload().catch((e: unknown) => this.log.warn(`key reload failed: ${String(e)}`));
    return this.plans.get(keyHash);
  }

  /** GET /v1/me: the key as admission sees it (refused for the same reasons), with what its scopes counted. */
  async describeKey(req: DescribeKeyRequest): Promise<DescribeKeyResponse> {
    const plan = this.plans.get(req.keyHash) ?? (await this.planAfterMiss(req.keyHash));
    const refusal = plan ? keyRefusal(plan, req.clientIp) : refuse(ErrorKind.ERROR_KIND_AUTHENTICATION, 'Incorrect API key provided.');
    if (refusal || !plan) return { ...EMPTY_DESCRIPTION, error: refusal?.error };
    const description = await describeKeyRecord(plan.record, this.quota, Date.now());
    if (plan.balance) description.balance = await this.balances.describe(plan.balance, Date.now());
    return description;
  }

  /** The union of the tenants' browser origins, computed at each directory load. */
  corsOrigins(): Promise<string[]> {
    return Promise.resolve(this.tenantOrigins);
  }

  /** The quota round trip: reserve tokens, money and a concurrency slot in every scope, or nothing. */
  private async count(req: AdmitRequest, plan: KeyPlan, scopes: QuotaScope[], model: string): Promise<AdmitResponse> {
    const now = Date.now();
    let maxOutput = req.maxOutputTokens;
    let imposed = 0;
    if (plan.hasBudget && maxOutput === 0) maxOutput = imposed = this.defaultMaxOutput;
    const reserveUsd = plan.hasBudget ? maxCostUsd(priceAt(this.prices.get(model), now), req.inputTokensBound, maxOutput, plan.record.priceMultiplier) : 0;
    const reserveTokens = (req.inputTokensEstimate) + maxOutput;
    let result: AdmitResult;
    let planTokens: AdmitResult | undefined;
    try {
      // The balance first: releasing it when a limit refuses leaves no trace, unlike a quota admission.
      if (plan.balance) {
        const refused = await this.balances.reserve(plan.balance, req.requestId, reserveUsd, now, this.leaseMs);
        if (refused) return refused;
      }
      // A token plan is a budget: a peer's forward (budget only) counts it too.
      if (plan.tokenScope) {
        planTokens = await this.quota.admit({ scopes: [plan.tokenScope], requestId: req.requestId, reserveTokens: 0, reserveUsd: tokensAsUsd(reserveTokens), now, leaseMs: this.leaseMs });
      }
      if (planTokens && !planTokens.admitted) result = planTokens;
      else if (scopes.length) result = await this.quota.admit({ scopes, requestId: req.requestId, reserveTokens, reserveUsd, now, leaseMs: this.leaseMs, ratesCounted: !req.budgetOnly });
      else result = { admitted: true, ticket: { requestId: req.requestId, scopes: [], reservedTokens: reserveTokens, reservedUsd: reserveUsd, at: now }, remaining: {} };
    } catch (e) {
      if (planTokens?.admitted) this.release(planTokens.ticket, now);
      if (plan.balance) await this.balances.release(plan.balance.tenantId, req.requestId).catch(() => undefined);
      if (this.failOpen) {
        this.log.warn(`quota store unavailable, admitting uncounted (fail open): ${String(e)}`);
        return { admitted: true, principal: plan.principal, maxOutputTokens: 0 };
      }
      this.log.warn(`quota store unavailable, refusing (fail closed): ${String(e)}`);
      return { admitted: false, error: { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: 'Rate limits and budgets cannot be checked right now; try again shortly.', retryable: true, retryAfterMs: 1000, providerStatus: 0, param: '', attemptLog: [] }, maxOutputTokens: 0 };
    }
    // The store's RateInfo is the message's shape.
    const rate: RateLimitState = result.remaining;
    if (planTokens?.admitted) {
      if (result.admitted) result.ticket.scopes = [...result.ticket.scopes, ...planTokens.ticket.scopes];
      else this.release(planTokens.ticket, now);
    }
    if (!result.admitted) {
      if (plan.balance) await this.releaseBalance(plan.balance.tenantId, req.requestId);
      metricSeries().limitRefusals.child({ tenant: plan.principal.tenantId, reason: result.reason }).inc();
      const scope = scopes.find((s) => s.id === result.scope) ?? scopes[0];
      const budget = result.reason === 'daily_budget' || result.reason === 'monthly_budget';
      if (budget && !result.tooLarge) this.budgets?.refused(result.scope, result.reason === 'daily_budget' ? 'daily' : 'monthly', now);
      if (result.reason === 'monthly_budget' && !result.tooLarge) this.spend?.refused(result.scope, now);
      const planRefused = plan.record.plan && (result.scope === plan.tokenScope?.id || result.scope === PLAN_SCOPE_PREFIX + plan.principal.tenantId);
      return {
        admitted: false,
        rate,
        error: {
          kind: budget ? ErrorKind.ERROR_KIND_BUDGET_EXCEEDED : ErrorKind.ERROR_KIND_RATE_LIMITED,
          message: planRefused && plan.record.plan ? planRefusalMessage(plan.principal.tenantId, plan.record.plan, result.tooLarge) : refusalMessage(result.reason, scope, result.tooLarge, { reserveTokens, reserveUsd }),
          retryable: !result.tooLarge,
          retryAfterMs: Math.max(1, Math.ceil(result.retryAfterMs)),
          providerStatus: 0,
          param: '',
          attemptLog: [],
        },
        maxOutputTokens: 0,
      };
    }
    const ticket = ticketMessage(result.ticket, this.leaseMs);
    if (plan.balance) ticket.scopes = [...ticket.scopes, balanceScope(plan.balance.tenantId)];
    return { admitted: true, principal: plan.principal, rate, ticket, maxOutputTokens: imposed };
  }

  private async releaseBalance(tenantId: string, requestId: string): Promise<void> {
    // Unreleased, the reservation is charged in full when its lease expires: the safe side.
    await this.balances.release(tenantId, requestId).catch((e: unknown) => this.log.warn(`balance release failed: ${String(e)}`));
  }

  async settle(req: SettleRequest): Promise<void> {
    const ticket = storeTicket(req.ticket);
    if (!ticket) return;
    const usage = req.cacheHit ? undefined : req.usage;
    // The ledger's charge (billing's PriceBook.charge): the same function, price and multiplier.
    const multiplier = this.scopeMultipliers.get(ticket.scopes[0] ?? '');
    const usd = usageCostUsd(priceAt(this.prices.get(req.model), req.startedAtMs ?? ticket.at), usage, { multiplier });
    const tokens = (usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0);
    const parts = splitTicket({ ...ticket, scopes: quotaScopes(ticket.scopes) });
    const [spent, balance] = await Promise.all([
      parts.money ? this.quota.settle(parts.money, { tokens, usd }, Date.now()) : [],
      this.balances.settle(ticket.scopes, ticket.requestId, usd),
    ]);
    if (this.spend && balance) this.spend.balanceSettled(balance, ticket.at);
    if (this.budgets && spent.length) this.budgets.settled(spent, ticket.at);
    // A token plan's counters hold tokens as nano-dollars (plan-quota.ts).
    const planTokens = parts.tokens ? await this.quota.settle(parts.tokens, { tokens: 0, usd: tokensAsUsd(tokens) }, Date.now()) : [];
    if (this.spend) this.spend.settled(planTokens.length ? [...spent, ...planTokens] : spent, ticket.at);
  }

  /** Gives back a reservation whose request was not admitted after all (another scope refused it). */
  private release(ticket: QuotaTicket, now: number): void {
    void this.quota.settle(ticket, { tokens: 0, usd: 0 }, now).catch((e: unknown) => this.log.warn(`plan reservation not released (its lease expires): ${String(e)}`));
  }

  async heartbeat(req: HeartbeatRequest): Promise<void> {
    const ticket = storeTicket(req.ticket);
    if (!ticket) return;
    const scopes = quotaScopes(ticket.scopes);
    const now = Date.now();
    const leaseMs = req.ticket?.leaseMs || this.leaseMs;
    await Promise.all([scopes.length ? this.quota.heartbeat({ ...ticket, scopes }, now, leaseMs) : undefined, this.balances.heartbeat(ticket.scopes, ticket.requestId, now, leaseMs)]);
  }
}

const EMPTY_DESCRIPTION: DescribeKeyResponse = { tenantId: '', tenantName: '', keyId: '', keyPrefix: '', keyName: '', expiresAtMs: 0, models: [], tenantModels: [], corsOrigins: [] };

/** What refuses a known key before its model and limits are looked at: revocation, expiry, client IP. */
function keyRefusal(plan: KeyPlan, clientIp: string): AdmitResponse | undefined {
  const key = plan.record;
  if (key.revoked) return refuse(ErrorKind.ERROR_KIND_AUTHENTICATION, 'This API key has been revoked.');
  if (key.expiresAt !== undefined && key.expiresAt <= Date.now()) return refuse(ErrorKind.ERROR_KIND_AUTHENTICATION, 'This API key has expired.');
  if (plan.ipAllowed && !plan.ipAllowed(clientIp)) return refuse(ErrorKind.ERROR_KIND_PERMISSION, 'This API key may not be used from your IP address.');
  return undefined;
}

function planOf(k: KeyRecord): KeyPlan {
  let ipAllowed: KeyPlan['ipAllowed'];
  if (k.allowedIps?.length || k.tenantAllowedIps?.length) {
    const own = ipAllowList(k.allowedIps ?? []);
    const tenant = ipAllowList(k.tenantAllowedIps ?? []);
    ipAllowed = (ip) => own(ip) && tenant(ip);
  }
  const tenantRegions = k.allowedRegions ?? [];
  const keyRegions = k.keyRegions ?? [];
  const regions = !tenantRegions.length ? keyRegions : !keyRegions.length ? tenantRegions : keyRegions.filter((r) => tenantRegions.includes(r));
  const scopes: QuotaScope[] = [];
  if (limited(k.limits)) scopes.push({ id: `key:${k.id}`, limits: k.limits });
  if (limited(k.tenantLimits)) scopes.push({ id: `tenant:${k.tenantId}`, limits: k.tenantLimits });
  const planned = planScope(k.tenantId, k.plan, (k.spendAlerts?.length ?? 0) > 0);
  const tokenScope = planned && isTokenPlanScope(planned.id) ? planned : undefined;
  if (planned && !tokenScope) scopes.push(planned);
  const budgetScopes: QuotaScope[] = [];
  for (const s of scopes) {
    const { dailyBudgetUsd, monthlyBudgetUsd } = s.limits;
    if (dailyBudgetUsd !== undefined || monthlyBudgetUsd !== undefined) budgetScopes.push({ id: s.id, limits: { dailyBudgetUsd, monthlyBudgetUsd } });
  }
  return {
    record: k,
    principal: { tenantId: k.tenantId, keyId: k.id, models: k.models, tenantModels: k.tenantModels ?? [], allowedRegions: regions, region: '', captureContent: k.captureContent === true, corsOrigins: k.corsOrigins ?? [], ...(k.pii && { pii: piiMessage(k.pii) }), ...(k.auditCaptureBodies && { auditCaptureBodies: true }) },
    ipAllowed,
    noRegion: tenantRegions.length > 0 && keyRegions.length > 0 && regions.length === 0,
    scopes,
    tokenScope,
    budgetScopes,
    hasBudget: !!k.balance || budgetScopes.length > 0 || (tokenScope !== undefined && (tokenScope.limits.dailyBudgetUsd !== undefined || tokenScope.limits.monthlyBudgetUsd !== undefined)),
    balance: k.balance,
  };
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

/** The budgeted scopes of a directory load and whom they belong to (a tenant's scope: any of its keys' plans). */
function budgetOwners(plans: Iterable<KeyPlan>): Map<string, BudgetOwner> {
  const owners = new Map<string, BudgetOwner>();
  for (const { record, scopes } of plans) {
    for (const s of scopes) {
      if (s.limits.dailyBudgetUsd === undefined && s.limits.monthlyBudgetUsd === undefined) continue;
      owners.set(s.id, { tenantId: record.tenantId, keyId: s.id.startsWith('key:') ? record.id : undefined, limits: s.limits });
    }
  }
  return owners;
}

/** The tenants with a daily or monthly budget, from the keys loaded (every key of a tenant carries its limits). */
function tenantBudgets(keys: Iterable<KeyRecord>): Map<string, QuotaLimits> {
  const out = new Map<string, QuotaLimits>();
  for (const k of keys) {
    const l = k.tenantLimits;
    if (l && (l.dailyBudgetUsd !== undefined || l.monthlyBudgetUsd !== undefined)) out.set(k.tenantId, l);
  }
  return out;
}

function limited(l: QuotaLimits | undefined): l is QuotaLimits {
  return !!l && Object.values(l).some((v) => v !== undefined);
}

function ticketMessage(t: QuotaTicket, leaseMs: number): TicketMessage {
  return { requestId: t.requestId, scopes: t.scopes, reservedTokens: t.reservedTokens, reservedUsd: t.reservedUsd, atMs: t.at, leaseMs };
}

function storeTicket(t: TicketMessage | undefined): QuotaTicket | undefined {
  if (!t?.requestId || !t.scopes?.length) return undefined;
  return { requestId: t.requestId, scopes: t.scopes, reservedTokens: t.reservedTokens, reservedUsd: t.reservedUsd, at: t.atMs };
}


/** Says which limit of which scope refused, in words a developer can act on. */
function refusalMessage(reason: QuotaRefusal, scope: QuotaScope, tooLarge: boolean, asked: { reserveTokens: number; reserveUsd: number }): string {
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

/** The key's PII policy as the Principal carries it to the ingress (one object per load, not per request). */
function piiMessage(pii: PiiPolicyConfig): PiiPolicy {
  return { action: pii.action, categories: pii.categories ?? [], restore: pii.restore ?? false, custom: pii.custom ?? [] };
}
