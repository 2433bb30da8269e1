import { Redis } from 'ioredis';
import { Dialect, ErrorKind } from '@switchyard/ir';
import type { AdmitRequest, AdmitResponse } from '@switchyard/ir';
import { hashKey, type ModelPrice } from '@switchyard/shared';
import { AuthService } from './auth.service';
import type { KeyRecord, KeySource } from './key-directory.types';
import { tenantPlanQuota, type TenantPlanQuota } from './plan-quota';
import { MemoryQuotaStore, RedisQuotaStore, type QuotaStore } from './quota';

// A tenant's plan in admission (issue 16): `stop` is a monthly budget equal to the included usage
// (reserve the maximum, settle the real figure), in USD or in tokens; on both quota stores.

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/11';
const RUN = `sy:q:plan-${process.pid}-${Date.now()}:`;
// In the future, so Redis does not expire the month counters under the test.
const real = new Date();
const NOW = Date.UTC(real.getUTCFullYear(), real.getUTCMonth() + 1, 2, 12);
// $2 per million input tokens, $8 per million output tokens.
const PRICE: ModelPrice = { from: 0, input: 2, output: 8, cachedInput: 2, cacheWrite: 2 };

class Source implements KeySource {
  constructor(private readonly record: KeyRecord) {}
  async loadAll(): Promise<Map<string, KeyRecord>> {
    return new Map([[hashKey('secret'), this.record]]);
  }
  async loadPrices(): Promise<Map<string, ModelPrice[]>> {
    return new Map([['gpt-4o', [PRICE]]]);
  }
}

let seq = 0;
const ask = (over: Partial<AdmitRequest> = {}): AdmitRequest => ({
  keyHash: hashKey('secret'),
  model: 'gpt-4o',
  requestId: `plan-r${++seq}`,
  counted: true,
  inputTokensEstimate: 100,
  inputTokensBound: 100,
  maxOutputTokens: 400,
  clientIp: '',
  dialect: Dialect.DIALECT_UNSPECIFIED,
  ...over,
});
const settle = (sut: AuthService, res: AdmitResponse, inputTokens: number, outputTokens: number) =>
  sut.settle({ ticket: res.ticket, model: 'gpt-4o', cacheHit: false, usage: { inputTokens, outputTokens, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, startedAtMs: NOW });

const stores: [string, () => QuotaStore][] = [
  ['memory', () => new MemoryQuotaStore()],
  ['redis', () => new RedisQuotaStore(REDIS_URL, { prefix: RUN })],
];

afterAll(async () => {
  const admin = new Redis(REDIS_URL);
  const keys = await admin.keys(`${RUN}*`);
  if (keys.length) await admin.del(...keys);
  await admin.quit();
});

describe.each(stores)('AuthService with a tenant plan (%s store)', (_kind, makeStore) => {
  let sut: AuthService;
  let tenant = 0;

  async function start(plan: TenantPlanQuota, over: Partial<KeyRecord> = {}): Promise<string> {
    const tenantId = `t${++tenant}-${_kind}`;
    const quota = makeStore();
    // The Redis store has no offline queue: a command before the connection is up fails.
    if (quota instanceof RedisQuotaStore) expect(await quota.ready()).toBe(true);
    sut = new AuthService(new Source({ id: `k-${tenantId}`, tenantId, models: [], expiresAt: undefined, revoked: false, plan, ...over }), { quota });
    await sut.reload();
    return tenantId;
  }

  beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW));
  afterEach(async () => {
    jest.restoreAllMocks();
    await sut.close();
  });

  it('refuses past the included USD of a plan that stops, in words that name the plan', async () => {
    // Each request may cost 100 × $2/M + 400 × $8/M = $0.0034; the plan includes $0.01: two fit.
    const tenantId = await start(tenantPlanQuota('starter', 'usd', 0.01, true));
    const first = await sut.admit(ask());
    const second = await sut.admit(ask());
    const third = await sut.admit(ask());
    expect([first.admitted, second.admitted, third.admitted]).toEqual([true, true, false]);
    expect(third.error).toMatchObject({ kind: ErrorKind.ERROR_KIND_BUDGET_EXCEEDED, retryable: true });
    expect(third.error?.message).toBe(
      `The usage included in the plan "starter" of tenant ${tenantId} ($0.01 a month) has too little left for this request's maximum usage, and the plan stops there (overage: stop). Lower max_tokens; requests in flight hold their maximum until they end; usage resets at the start of next month (UTC), or move the tenant to a plan with overage.`,
    );
    // Settled at the real cost (100 in, 10 out = $0.00028), the reservations give room back.
    await settle(sut, first, 100, 10);
    await settle(sut, second, 100, 10);
    expect((await sut.admit(ask())).admitted).toBe(true);
  });

  it('refuses a request larger than the whole included usage as too large, for good', async () => {
    await start(tenantPlanQuota('tiny', 'usd', 0.001, true));
    const res = await sut.admit(ask());
    expect(res.error).toMatchObject({ kind: ErrorKind.ERROR_KIND_BUDGET_EXCEEDED, retryable: false });
    expect(res.error?.message).toMatch(/^Request too large for the plan "tiny"/);
  });

  it('counts a token plan in tokens: reserves prompt estimate plus max_tokens, settles the real tokens', async () => {
    // 500 tokens reserved a request; 1,200 included: two fit, the third does not.
    const tenantId = await start(tenantPlanQuota('tokens', 'tokens', 1200, true));
    const [a, b, c] = [await sut.admit(ask()), await sut.admit(ask()), await sut.admit(ask())];
    expect([a.admitted, b.admitted, c.admitted]).toEqual([true, true, false]);
    expect(c.error?.message).toContain(`plan "tokens" of tenant ${tenantId} (1,200 tokens a month)`);
    await settle(sut, a, 100, 50);
    // 150 used + 500 held by b: another 500 fits in 1,200.
    const d = await sut.admit(ask());
    expect(d.admitted).toBe(true);
    await settle(sut, b, 100, 300);
    await settle(sut, d, 100, 300);
    // 150 + 400 + 400 = 950 used: 500 more does not fit.
    expect((await sut.admit(ask())).admitted).toBe(false);
  });

  it('gives a token plan its reservation back when another limit refuses the request', async () => {
    await start(tenantPlanQuota('tokens', 'tokens', 1000, true), { limits: { rpm: 1 } });
    expect((await sut.admit(ask())).admitted).toBe(true);
    const refused = await sut.admit(ask());
    expect(refused.error?.message).toMatch(/^Rate limit reached for this key/);
    // A minute later: 500 held + 500 fits the 1,000 only if the refused request gave its 500 back.
    jest.spyOn(Date, 'now').mockReturnValue(NOW + 62_000);
    expect((await sut.admit(ask())).admitted).toBe(true);
    jest.spyOn(Date, 'now').mockReturnValue(NOW + 124_000);
    expect((await sut.admit(ask())).error?.message).toMatch(/plan "tokens"/);
  });

  it('never refuses on a plan with priced overage, and counts nothing for it without spend alerts', async () => {
    await start(tenantPlanQuota('payg', 'usd', 0.001, false));
    const res = await sut.admit(ask());
    expect(res.admitted).toBe(true);
    expect(res.ticket).toBeUndefined();
  });
});
