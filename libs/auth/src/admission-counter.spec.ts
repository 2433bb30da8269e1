import { Dialect, ErrorKind, type AdmitRequest, type AdmitResponse } from '@switchyard/ir';
import type { ModelPrice } from '@switchyard/shared';
import { AdmissionCounter, type AdmissionCounterOptions } from './admission-counter';
import { BalanceGate } from './credit/balance-gate';
import { MemoryBalanceStore } from './credit/memory-balance.store';
import type { KeyRecord } from './key-directory.types';
import { type KeyPlan, keyPlanOf } from './key-plan';
import { tenantPlanQuota } from './plan-quota';
import { MemoryQuotaStore, QuotaStoreUnavailableError, type AdmitInput, type AdmitResult } from './quota';

const NOW = Date.parse('2026-03-10T12:00:00Z');
// $2 per million input tokens, $8 per million output tokens.
const PRICES = new Map<string, ModelPrice[]>([['gpt-4o', [{ from: 0, input: 2, output: 8, cachedInput: 2, cacheWrite: 2 }]]]);
const DEFAULT_OUTPUT = 1000;
const USAGE = { inputTokens: 100, outputTokens: 100, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 };
// 100 input + 100 output tokens at $2 / $8 per million.
const USAGE_USD = (100 * 2 + 100 * 8) / 1e6;

function plan(over: Partial<KeyRecord> = {}): KeyPlan {
  return keyPlanOf({ id: 'k1', tenantId: 'acme', models: [], expiresAt: undefined, revoked: false, ...over });
}

let seq = 0;
function ask(over: Partial<AdmitRequest> = {}): AdmitRequest {
  return { keyHash: 'h', model: 'gpt-4o', requestId: `r${++seq}`, counted: true, inputTokensEstimate: 100, inputTokensBound: 400, maxOutputTokens: 0, clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, ...over };
}

/** A quota store that cannot be reached (Redis down). */
class UnreachableQuotaStore extends MemoryQuotaStore {
  override admit(_input: AdmitInput): Promise<AdmitResult> {
    return Promise.reject(new QuotaStoreUnavailableError('connection refused'));
  }
}

describe(AdmissionCounter.name, () => {
  let quota: MemoryQuotaStore;
  let balance: MemoryBalanceStore;
  let sut: AdmissionCounter;

  function build(over: Partial<AdmissionCounterOptions> = {}, ...plans: KeyPlan[]): void {
    sut = new AdmissionCounter({ quota, balances: new BalanceGate(balance), leaseMs: 30_000, defaultMaxOutputTokens: DEFAULT_OUTPUT, failOpen: false, ...over });
    sut.load(plans, PRICES);
  }

  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    quota = new MemoryQuotaStore();
    balance = new MemoryBalanceStore();
  });

  afterEach(() => jest.restoreAllMocks());

  it('reserves a budgeted request without max_tokens at the imposed output limit, and says it imposed one', async () => {
    const p = plan({ limits: { dailyBudgetUsd: 1 } });
    build({}, p);

    const res = await sut.admit(ask(), p, p.scopes);

    // 400 input tokens (the bound) × $2 + 1000 output tokens × $8, per million.
    expect(res).toMatchObject({ admitted: true, maxOutputTokens: DEFAULT_OUTPUT, ticket: { scopes: ['key:k1'], reservedTokens: 100 + DEFAULT_OUTPUT, leaseMs: 30_000 } });
    expect(res.ticket?.reservedUsd).toBeCloseTo((400 * 2 + DEFAULT_OUTPUT * 8) / 1e6, 12);
    expect((await quota.usage('key:k1', NOW)).dayReservedUsd).toBeCloseTo((400 * 2 + DEFAULT_OUTPUT * 8) / 1e6, 9);
  });

  it("keeps the request's own output limit and reserves no money for a key with rates only", async () => {
    const p = plan({ limits: { rpm: 5 } });
    build({}, p);

    const res = await sut.admit(ask({ maxOutputTokens: 50 }), p, p.scopes);

    expect(res).toMatchObject({ admitted: true, maxOutputTokens: 0, ticket: { reservedTokens: 150, reservedUsd: 0 }, rate: { limitRequests: 5, remainingRequests: 4 } });
  });

  it("counts a peer's forward in the budgets only: the rate window is left to the region it came to first", async () => {
    const p = plan({ limits: { rpm: 1, dailyBudgetUsd: 1 } });
    build({}, p);

    const forwards = [await sut.admit(ask({ budgetOnly: true }), p, p.budgetScopes), await sut.admit(ask({ budgetOnly: true }), p, p.budgetScopes)];
    const own = await sut.admit(ask(), p, p.scopes);
    const second = await sut.admit(ask(), p, p.scopes);

    expect(forwards.map((a) => a.admitted)).toEqual([true, true]);
    expect(own.admitted).toBe(true);
    expect(second.error).toMatchObject({ kind: ErrorKind.ERROR_KIND_RATE_LIMITED, message: 'Rate limit reached for this key: 1 requests per minute.' });
    expect((await quota.usage('key:k1', NOW)).dayReservedUsd).toBeGreaterThan(0);
  });

  it('gives the prepaid reservation back when a limit refuses, and carries it in the ticket when admitted', async () => {
    const p = plan({ limits: { rpm: 1 }, balance: { tenantId: 'acme', creditsNano: 1e9, seedSpentNano: 0 } });
    build({}, p);

    const first = await sut.admit(ask({ maxOutputTokens: 1000 }), p, p.scopes);
    const reservedByFirst = (await balance.usage('acme', NOW)).reservedNano;
    const second = await sut.admit(ask({ maxOutputTokens: 1000 }), p, p.scopes);

    expect(first.ticket?.scopes).toEqual(['key:k1', 'balance:acme']);
    // $0.0088: 400 × $2 + 1000 × $8 per million, in nano-dollars.
    expect(reservedByFirst).toBe(8_800_000);
    expect(second.error?.kind).toBe(ErrorKind.ERROR_KIND_RATE_LIMITED);
    expect((await balance.usage('acme', NOW)).reservedNano).toBe(reservedByFirst);
  });

  it("releases a token plan's reservation when another scope refuses, and settles the plan in tokens", async () => {
    const p = plan({ limits: { rpm: 1 }, plan: tenantPlanQuota('starter', 'tokens', 100_000, true) });
    build({}, p);

    const first = await sut.admit(ask({ maxOutputTokens: 400 }), p, p.scopes);
    const second = await sut.admit(ask({ maxOutputTokens: 400 }), p, p.scopes);
    const held = await quota.usage('plan-tokens:acme', NOW);

    expect(first.ticket?.scopes).toEqual(['key:k1', 'plan-tokens:acme']);
    expect(second.error?.kind).toBe(ErrorKind.ERROR_KIND_RATE_LIMITED);
    // One token is one nano-dollar in a token plan's counters: the first request's 100 + 400 alone.
    expect(held.monthReservedUsd * 1e9).toBeCloseTo(500, 6);

    await sut.settle({ ticket: first.ticket, model: 'gpt-4o', usage: USAGE, cacheHit: false, startedAtMs: NOW });
    const settled = await quota.usage('plan-tokens:acme', NOW);
    expect(settled.monthReservedUsd).toBe(0);
    expect(settled.monthSpentUsd * 1e9).toBeCloseTo(200, 6);
  });

  it("names the plan when the plan's included usage stops the request", async () => {
    const p = plan({ plan: tenantPlanQuota('starter', 'tokens', 300, true) });
    build({}, p);

    const res = await sut.admit(ask({ maxOutputTokens: 400 }), p, p.scopes);

    expect(res.error).toMatchObject({ kind: ErrorKind.ERROR_KIND_BUDGET_EXCEEDED, retryable: false });
    expect(res.error?.message).toContain('Request too large for the plan "starter" of tenant acme');
  });

  it('refuses with a retryable 503 when the store cannot answer, and gives the prepaid reservation back', async () => {
    quota = new UnreachableQuotaStore();
    const p = plan({ limits: { rpm: 10 }, balance: { tenantId: 'acme', creditsNano: 1e9, seedSpentNano: 0 } });
    build({}, p);

    const res = await sut.admit(ask(), p, p.scopes);

    expect(res).toMatchObject({ admitted: false, error: { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, retryable: true, retryAfterMs: 1000 } });
    expect((await balance.usage('acme', NOW)).reservedNano).toBe(0);
  });

  it('admits uncounted when the store cannot answer and the operator chose to fail open', async () => {
    quota = new UnreachableQuotaStore();
    const p = plan({ limits: { rpm: 10 } });
    build({ failOpen: true }, p);

    const res: AdmitResponse = await sut.admit(ask(), p, p.scopes);

    expect(res).toMatchObject({ admitted: true, principal: { tenantId: 'acme', keyId: 'k1' } });
    expect(res.ticket).toBeUndefined();
  });

  it("settles the key's and the tenant's budgets at the tenant's price multiplier", async () => {
    const p = plan({ limits: { dailyBudgetUsd: 1 }, tenantLimits: { dailyBudgetUsd: 5 }, priceMultiplier: 2 });
    build({}, p);
    const admitted = await sut.admit(ask({ maxOutputTokens: 100 }), p, p.scopes);

    await sut.settle({ ticket: admitted.ticket, model: 'gpt-4o', usage: USAGE, cacheHit: false, startedAtMs: NOW });

    for (const scope of ['key:k1', 'tenant:acme']) {
      const u = await quota.usage(scope, NOW);
      expect(u.dayReservedUsd).toBe(0);
      expect(u.daySpentUsd).toBeCloseTo(USAGE_USD * 2, 9);
    }
  });

  it('reserves and settles a batch line at the batch rates, so a budget the normal rates would refuse admits it', async () => {
    // $1 / $4 per million for batch lines, half the interactive $2 / $8.
    const batchPrices = new Map<string, ModelPrice[]>([['gpt-4o', [{ from: 0, input: 2, output: 8, cachedInput: 2, cacheWrite: 2, batchInput: 1, batchOutput: 4 }]]]);
    // Interactive maximum: 400 × $2 + 1000 × $8 = $0.0088; batch: the cache-write rate $2 (the
    // dearest batch input rate) × 400 + 1000 × $4 = $0.0048.
    const p = plan({ limits: { dailyBudgetUsd: 0.005 } });
    build({}, p);
    sut.load([p], batchPrices);

    const interactive = await sut.admit(ask({ maxOutputTokens: 1000 }), p, p.scopes);
    const line = await sut.admit(ask({ maxOutputTokens: 1000, batch: true }), p, p.scopes);
    await sut.settle({ ticket: line.ticket, model: 'gpt-4o', usage: USAGE, cacheHit: false, startedAtMs: NOW, batch: true });

    expect(interactive.error?.kind).toBe(ErrorKind.ERROR_KIND_BUDGET_EXCEEDED);
    expect(line.admitted).toBe(true);
    expect(line.ticket?.reservedUsd).toBeCloseTo((400 * 2 + 1000 * 4) / 1e6, 12);
    const u = await quota.usage('key:k1', NOW);
    expect(u.dayReservedUsd).toBe(0);
    expect(u.daySpentUsd).toBeCloseTo((100 * 1 + 100 * 4) / 1e6, 9);
  });

  it('keeps a concurrency slot past its lease while the request renews it', async () => {
    const p = plan({ limits: { concurrency: 1 } });
    build({ leaseMs: 1000 }, p);
    const held = await sut.admit(ask(), p, p.scopes);

    jest.spyOn(Date, 'now').mockReturnValue(NOW + 800);
    await sut.heartbeat({ ticket: held.ticket });
    jest.spyOn(Date, 'now').mockReturnValue(NOW + 1500);
    const whileHeld = await sut.admit(ask(), p, p.scopes);

    expect(whileHeld.error?.kind).toBe(ErrorKind.ERROR_KIND_RATE_LIMITED);
    expect(whileHeld.error?.message).toBe('Too many concurrent requests for this key: at most 1 at once.');
  });
});
