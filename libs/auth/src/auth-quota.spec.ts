import { Dialect, ErrorKind } from '@switchyard/ir';
import type { AdmitRequest, AdmitResponse } from '@switchyard/ir';
import { hashKey, type ModelPrice } from '@switchyard/shared';
import { AuthService, DEFAULT_BUDGET_MAX_OUTPUT_TOKENS } from './auth.service';
import { MemoryKeySource, keyRecord } from './memory-key.source.fixture';
import { MemoryQuotaStore, QuotaStoreUnavailableError, type QuotaStore } from './quota';

const NOW = Date.parse('2026-03-10T12:00:00Z');
// $2 per million input tokens (cache writes $2.50), $8 per million output tokens.
const PRICE: ModelPrice = { from: 0, input: 2, output: 8, cachedInput: 0.5, cacheWrite: 2.5 };

let seq = 0;
function ask(secret: string, over: Partial<AdmitRequest> = {}): AdmitRequest {
  return { keyHash: hashKey(secret), model: 'gpt-4o', requestId: `r${++seq}`, counted: true, inputTokensEstimate: 100, inputTokensBound: 400, maxOutputTokens: 0, clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, ...over };
}

describe('AuthService admission with limits and budgets', () => {
  let source: MemoryKeySource;
  let sut: AuthService;
  let now: jest.SpyInstance<number, []>;

  async function start(quota: QuotaStore = new MemoryQuotaStore(), failOpen = false): Promise<void> {
    sut = new AuthService(source, { quota, failOpen });
    await sut.reload();
  }

  beforeEach(() => {
    now = jest.spyOn(Date, 'now').mockReturnValue(NOW);
    source = new MemoryKeySource(PRICE);
  });

  afterEach(() => jest.restoreAllMocks());

  it('does not touch the quota store for a key without limits', async () => {
    source.keys.set(hashKey('free'), keyRecord('k-free'));
    const store = new MemoryQuotaStore();
    const spy = jest.spyOn(store, 'admit');
    await start(store);

    const res = await sut.admit(ask('free'));

    expect(res).toMatchObject({ admitted: true });
    expect(res.ticket).toBeUndefined();
    expect(res.rate).toBeUndefined();
    expect(spy).not.toHaveBeenCalled();
  });

  it('counts requests per minute and refuses the one over the limit with 429 data and rate state', async () => {
    source.keys.set(hashKey('rpm2'), keyRecord('k-rpm', { limits: { rpm: 2 } }));
    await start();

    const first = await sut.admit(ask('rpm2'));
    const second = await sut.admit(ask('rpm2'));
    const third = await sut.admit(ask('rpm2'));

    expect(first).toMatchObject({ admitted: true, ticket: { scopes: ['key:k-rpm'], leaseMs: 30_000 }, rate: { limitRequests: 2, remainingRequests: 1 } });
    expect(second).toMatchObject({ admitted: true, rate: { limitRequests: 2, remainingRequests: 0 } });
    expect(third.admitted).toBe(false);
    expect(third.error).toMatchObject({ kind: ErrorKind.ERROR_KIND_RATE_LIMITED, message: 'Rate limit reached for this key: 2 requests per minute.', retryable: true });
    expect(third.error?.retryAfterMs).toBeGreaterThan(59_000);
    expect(third.rate).toMatchObject({ limitRequests: 2, remainingRequests: 0 });
    // Whose key was refused, for the ingress's access line and span (never admitted on it).
    expect(third.principal?.keyId).toBe('k-rpm');
  });

  it('does not count calls that are not metered (model lists)', async () => {
    source.keys.set(hashKey('rpm1'), keyRecord('k-rpm1', { limits: { rpm: 1 } }));
    await start();

    for (let i = 0; i < 3; i++) expect(await sut.admit(ask('rpm1', { counted: false, model: '' }))).toMatchObject({ admitted: true });
    expect(await sut.admit(ask('rpm1'))).toMatchObject({ admitted: true });
  });

  it('counts the tenant scope across all its keys', async () => {
    const tenantLimits = { rpm: 3 };
    source.keys.set(hashKey('a'), keyRecord('k-a', { tenantLimits }));
    source.keys.set(hashKey('b'), keyRecord('k-b', { tenantLimits }));
    await start();

    const answers: AdmitResponse[] = [];
    for (const s of ['a', 'b', 'a', 'b']) answers.push(await sut.admit(ask(s)));

    expect(answers.map((a) => a.admitted)).toEqual([true, true, true, false]);
    expect(answers[3].error?.message).toBe('Rate limit reached for tenant acme: 3 requests per minute.');
  });

  it('refuses a request larger than the tokens-per-minute limit as never fitting', async () => {
    source.keys.set(hashKey('tpm'), keyRecord('k-tpm', { limits: { tpm: 1000 } }));
    await start();

    const res = await sut.admit(ask('tpm', { inputTokensEstimate: 200, maxOutputTokens: 900 }));

    expect(res.error).toMatchObject({ kind: ErrorKind.ERROR_KIND_RATE_LIMITED, retryable: false });
    expect(res.error?.message).toContain('Request too large for this key: it may use 1100 tokens');
  });

  it('reserves a budgeted request at its maximum cost and imposes an output limit when it set none', async () => {
    // Max cost of the default: 400 input tokens × $2.50 + 4096 × $8 per million.
    const maxCost = (400 * 2.5 + DEFAULT_BUDGET_MAX_OUTPUT_TOKENS * 8) / 1e6;
    source.keys.set(hashKey('budget'), keyRecord('k-budget', { limits: { dailyBudgetUsd: maxCost * 2 } }));
    const store = new MemoryQuotaStore();
    await start(store);

    const a = await sut.admit(ask('budget'));
    const b = await sut.admit(ask('budget'));
    const c = await sut.admit(ask('budget'));

    expect(a).toMatchObject({ admitted: true, maxOutputTokens: DEFAULT_BUDGET_MAX_OUTPUT_TOKENS });
    expect(a.ticket?.reservedUsd).toBeCloseTo(maxCost, 12);
    expect(b.admitted).toBe(true);
    expect(c.error).toMatchObject({ kind: ErrorKind.ERROR_KIND_BUDGET_EXCEEDED, retryable: true });
    expect(c.error?.message).toMatch(/^The daily budget of \$0\.\d{4} for this key is spent/);

    // Settling A at its real cost (100 in, 50 out) returns the rest of its reservation.
    await sut.settle({ ticket: a.ticket, model: 'gpt-4o', usage: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, startedAtMs: NOW, cacheHit: false });
    const usage = await store.usage('key:k-budget', NOW);
    expect(usage.daySpentUsd).toBeCloseTo((100 * 2 + 50 * 8) / 1e6, 12);
    expect(usage.dayReservedUsd).toBeCloseTo(maxCost, 12);
    // B still holds its maximum: the spent $0.0006 plus B's reservation leave less than one maximum.
    expect((await sut.admit(ask('budget'))).admitted).toBe(false);
    await sut.settle({ ticket: b.ticket, model: 'gpt-4o', usage: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, startedAtMs: NOW, cacheHit: false });
    expect((await sut.admit(ask('budget'))).admitted).toBe(true);
  });

  it("reserves and settles at the tenant's price multiplier, as the ledger charges", async () => {
    // Tenant acme pays 1.5× the catalogue; the limit is on the tenant, the ticket names only its scope.
    source.keys.set(hashKey('marked'), keyRecord('k-marked', { priceMultiplier: 1.5, tenantLimits: { monthlyBudgetUsd: 1 } }));
    const store = new MemoryQuotaStore();
    await start(store);

    const a = await sut.admit(ask('marked', { maxOutputTokens: 1000 }));
    expect(a.ticket?.reservedUsd).toBeCloseTo((1.5 * (400 * 2.5 + 1000 * 8)) / 1e6, 12);
    await sut.settle({ ticket: a.ticket, model: 'gpt-4o', usage: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, startedAtMs: NOW, cacheHit: false });

    expect((await store.usage('tenant:acme', NOW)).monthSpentUsd).toBeCloseTo((1.5 * (100 * 2 + 50 * 8)) / 1e6, 12);
  });

  it('keeps the client\'s own max_tokens (no imposed limit) and reserves at it', async () => {
    source.keys.set(hashKey('budget'), keyRecord('k-b2', { limits: { monthlyBudgetUsd: 1 } }));
    await start();

    const res = await sut.admit(ask('budget', { maxOutputTokens: 1000 }));

    expect(res.maxOutputTokens).toBe(0);
    expect(res.ticket?.reservedUsd).toBeCloseTo((400 * 2.5 + 1000 * 8) / 1e6, 12);
    expect(res.ticket?.reservedTokens).toBe(1100);
  });

  it('settles a cache hit at zero cost and zero tokens, and frees the concurrency slot', async () => {
    source.keys.set(hashKey('one'), keyRecord('k-one', { limits: { concurrency: 1, dailyBudgetUsd: 5 } }));
    const store = new MemoryQuotaStore();
    await start(store);

    const a = await sut.admit(ask('one'));
    const blocked = await sut.admit(ask('one'));
    await sut.settle({ ticket: a.ticket, model: 'gpt-4o', usage: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, cacheHit: true, startedAtMs: 0 });
    const after = await sut.admit(ask('one'));

    expect(blocked.error).toMatchObject({ kind: ErrorKind.ERROR_KIND_RATE_LIMITED, message: 'Too many concurrent requests for this key: at most 1 at once.' });
    expect(after.admitted).toBe(true);
    expect((await store.usage('key:k-one', NOW)).daySpentUsd).toBe(0);
  });

  it('frees the slot of a holder that stopped renewing its lease, and keeps it while heartbeats come', async () => {
    source.keys.set(hashKey('one'), keyRecord('k-lease', { limits: { concurrency: 1 } }));
    await start();

    const held = await sut.admit(ask('one'));
    now.mockReturnValue(NOW + 20_000);
    await sut.heartbeat({ ticket: held.ticket });
    now.mockReturnValue(NOW + 45_000);
    expect((await sut.admit(ask('one'))).admitted).toBe(false); // renewed at +20 s: leased until +50 s
    now.mockReturnValue(NOW + 50_001);
    expect((await sut.admit(ask('one'))).admitted).toBe(true);
  });

  it('requires the model to be allowed by the tenant as well as the key', async () => {
    source.keys.set(hashKey('t'), keyRecord('k-t', { models: ['gpt-*'], tenantModels: ['gpt-4o-mini'] }));
    await start();

    expect(await sut.admit(ask('t', { model: 'gpt-4o-mini' }))).toMatchObject({ admitted: true });
    expect((await sut.admit(ask('t', { model: 'gpt-4o' }))).error).toMatchObject({ kind: ErrorKind.ERROR_KIND_PERMISSION });
  });

  it('serves a key from the regions both it and its tenant allow, and refuses when they share none', async () => {
    source.keys.set(hashKey('r'), keyRecord('k-r', { allowedRegions: ['eu-west', 'us-east'], keyRegions: ['eu-west', 'ap-south'] }));
    source.keys.set(hashKey('none'), keyRecord('k-none', { allowedRegions: ['eu-west'], keyRegions: ['us-east'] }));
    source.keys.set(hashKey('own'), keyRecord('k-own', { keyRegions: ['us-east'] }));
    await start();

    expect((await sut.admit(ask('r'))).principal?.allowedRegions).toEqual(['eu-west']);
    expect((await sut.admit(ask('own'))).principal?.allowedRegions).toEqual(['us-east']);
    expect((await sut.admit(ask('none'))).error).toMatchObject({ kind: ErrorKind.ERROR_KIND_PERMISSION });
  });

  describe('when the quota store cannot answer', () => {
    const broken: QuotaStore = {
      admit: () => Promise.reject(new QuotaStoreUnavailableError('redis down')),
      settle: () => Promise.resolve([]),
      heartbeat: () => Promise.resolve(),
      usage: () => Promise.reject(new Error('unused')),
      close: () => Promise.resolve(),
    };

    beforeEach(() => source.keys.set(hashKey('lim'), keyRecord('k-lim', { limits: { rpm: 10 } })));

    it('refuses with a retryable 503 by default (fail closed)', async () => {
      await start(broken);
      expect((await sut.admit(ask('lim'))).error).toMatchObject({ kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, retryable: true, retryAfterMs: 1000 });
    });

    it('admits uncounted when configured to fail open', async () => {
      await start(broken, true);
      const res = await sut.admit(ask('lim'));
      expect(res).toMatchObject({ admitted: true });
      expect(res.ticket).toBeUndefined();
    });
  });
});
