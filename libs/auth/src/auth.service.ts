import type { OnModuleDestroy } from '@nestjs/common';
import { Dialect, ErrorKind, unknownKeyMessage } from '@switchyard/ir';
import type { AdmitRequest, AdmitResponse, AuthPort, DescribeKeyRequest, DescribeKeyResponse, HeartbeatRequest, SettleRequest } from '@switchyard/ir';
import { AdmissionCounter } from './admission-counter';
import { type BudgetAlertSink, type BudgetOwner, BudgetWatch } from './budget-watch';
import { BudgetGauges } from './budget.gauges';
import { describeKeyRecord } from './key-description';
import type { KeyRecord, KeySource } from './key-directory.types';
import { KeyDirectory, type KeyDirectoryLoad } from './key-directory';
import { type KeyPlan, keyRefusal, refuse, uncountedAdmission, uncountedRefusal } from './key-plan';
import { type SpendAlertSink, SpendWatch } from './spend-watch';
import { BalanceGate } from './credit/balance-gate';
import type { BalanceStore } from './credit/balance.types';
import { MemoryBalanceStore } from './credit/memory-balance.store';
import { MemoryQuotaStore, type QuotaLimits, type QuotaStore } from './quota';

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

/**
 * Admission (docs/architecture.md §1, auth): key → tenant, expiry, revocation, client IP ranges,
 * allowed models and regions, then rate limits, concurrency and budgets counted in one
 * quota-store round trip.
 */
export class AuthService implements AuthPort, OnModuleDestroy {
  private readonly directory: KeyDirectory;
  private tenantOrigins: string[] = [];
  private readonly quota: QuotaStore;
  private readonly budgets: BudgetWatch | undefined;
  private readonly spend: SpendWatch | undefined;
  private readonly budgetGauges: BudgetGauges;
  private readonly balances: BalanceGate;
  private readonly counter: AdmissionCounter;

  constructor(source: KeySource, options: AuthOptions = {}) {
    this.directory = new KeyDirectory(source, { onLoad: (load) => this.loaded(load) });
    this.quota = options.quota ?? new MemoryQuotaStore();
    this.budgets = options.budgetAlerts ? new BudgetWatch(options.budgetAlerts, this.quota) : undefined;
    this.spend = options.spendAlerts ? new SpendWatch(options.spendAlerts, this.quota) : undefined;
    this.budgetGauges = new BudgetGauges(this.quota);
    this.balances = new BalanceGate(options.balance ?? new MemoryBalanceStore());
    this.counter = new AdmissionCounter({
      quota: this.quota,
      balances: this.balances,
      leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
      defaultMaxOutputTokens: options.defaultMaxOutputTokens ?? DEFAULT_BUDGET_MAX_OUTPUT_TOKENS,
      failOpen: options.failOpen ?? false,
      budgets: this.budgets,
      spend: this.spend,
    });
  }

  async start(): Promise<void> {
    await this.directory.start();
    this.budgetGauges.start();
  }

  onModuleDestroy(): void {
    this.directory.stop();
    this.budgetGauges.stop();
  }

  /** Closes the quota store (its Redis connection). */
  async close(): Promise<void> {
    this.onModuleDestroy();
    await Promise.all([this.quota.close(), this.balances.close()]);
  }

  reload(): Promise<void> {
    return this.directory.reload();
  }

  /** After a configuration change: a load that starts now (KeyDirectory.invalidate). */
  invalidate(): Promise<void> {
    return this.directory.invalidate();
  }

  async admit(req: AdmitRequest): Promise<AdmitResponse> {
    const plan = await this.directory.find(req.keyHash);
    if (!plan) return refuse(ErrorKind.ERROR_KIND_AUTHENTICATION, unknownKeyMessage(req.dialect));
    const answer = await this.admitKnown(req, plan);
    // A refusal of a key we know still says whose it was: the access line and the request span
    // name the tenant and key of a 429 or a 403 (the ingress only admits on `admitted`).
    if (!answer.admitted && !answer.principal) answer.principal = plan.principal;
    return answer;
  }

  /** The checklist (key-plan.ts), then the count (AdmissionCounter) when there is something to count. */
  private admitKnown(req: AdmitRequest, plan: KeyPlan): Promise<AdmitResponse> | AdmitResponse {
    const scopes = req.budgetOnly ? plan.budgetScopes : plan.scopes;
    if ((!scopes.length && !plan.tokenScope && !plan.balance) || !req.counted) return uncountedAdmission(plan, req);
    return uncountedRefusal(plan, req) ?? this.counter.admit(req, plan, scopes);
  }

  /** What the service derives from each directory load. */
  private loaded({ keys, plans, prices }: KeyDirectoryLoad): void {
    this.counter.load(plans.values(), prices);
    this.tenantOrigins = [...new Set([...keys.values()].flatMap((k) => k.corsOrigins ?? []))];
    this.budgets?.load(budgetOwners(plans.values()));
    this.spend?.load(keys.values());
    this.budgetGauges.update(tenantBudgets(keys.values()));
  }

  /** GET /v1/me: the key as admission sees it (refused for the same reasons), with what its scopes counted. */
  async describeKey(req: DescribeKeyRequest): Promise<DescribeKeyResponse> {
    const plan = await this.directory.find(req.keyHash);
    // GET /v1/me is an OpenAI-shaped route (libs/ingress, me.controller.ts).
    const refusal = plan ? keyRefusal(plan, req.clientIp) : refuse(ErrorKind.ERROR_KIND_AUTHENTICATION, unknownKeyMessage(Dialect.DIALECT_OPENAI));
    if (refusal || !plan) return { ...EMPTY_DESCRIPTION, error: refusal?.error };
    const description = await describeKeyRecord(plan.record, this.quota, Date.now());
    if (plan.balance) description.balance = await this.balances.describe(plan.balance, Date.now());
    return description;
  }

  /** The union of the tenants' browser origins, computed at each directory load. */
  corsOrigins(): Promise<string[]> {
    return Promise.resolve(this.tenantOrigins);
  }

  /** Real usage replaces the request's reservation (AdmissionCounter). */
  settle(req: SettleRequest): Promise<void> {
    return this.counter.settle(req);
  }

  heartbeat(req: HeartbeatRequest): Promise<void> {
    return this.counter.heartbeat(req);
  }
}

const EMPTY_DESCRIPTION: DescribeKeyResponse = { tenantId: '', tenantName: '', keyId: '', keyPrefix: '', keyName: '', expiresAtMs: 0, models: [], tenantModels: [], corsOrigins: [] };

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
