// A request spilled from region A to peer B (docs/architecture.md §6, Regions), as the two
// ingresses drive admission: A admits it (counted), then releases its hold with no usage when B
// answered; B admits the forward in the budgets only and settles it at the real cost. On a real
// Redis, for both budget modes: `share` (each region its own counters, a prefix each) and
// `global` (both regions on one set of counters). The cost is counted once, in B's counters (or
// the global one), and nothing is left reserved or spent in A.
import { Dialect, ErrorKind } from '@switchyard/ir';
import type { AdmitRequest, Usage } from '@switchyard/ir';
import { hashKey, type ModelPrice } from '@switchyard/shared';
import { Redis } from 'ioredis';
import { AuthService } from './auth.service';
import type { KeyRecord, KeySource } from './key-directory.types';
import { type QuotaLimits, RedisQuotaStore } from './quota';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/11';
const RUN = `sy:test:spill:${process.pid}:${Date.now().toString(36)}:`;
const SECRET = 'sk-sy-spill-budget-0123456789abcdef0123';
// $2 / $8 per million tokens: 300 input and 500 output tokens cost $0.0046.
const PRICE: ModelPrice = { from: 0, input: 2, output: 8, cachedInput: 2, cacheWrite: 2 };
const USAGE: Usage = { inputTokens: 300, outputTokens: 500, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 };
const COST_USD = 0.0046;

class Directory implements KeySource {
  constructor(private readonly tenantLimits: QuotaLimits) {}
  async loadAll(): Promise<Map<string, KeyRecord>> {
    return new Map([[hashKey(SECRET), { id: 'k1', tenantId: 'acme', models: [], expiresAt: undefined, revoked: false, tenantLimits: this.tenantLimits }]]);
  }
  async loadPrices(): Promise<Map<string, ModelPrice[]>> {
    return new Map([['gpt-4o', [PRICE]]]);
  }
}

let seq = 0;
function ask(over: Partial<AdmitRequest> = {}): AdmitRequest {
  return { keyHash: hashKey(SECRET), model: 'gpt-4o', requestId: `spill-${process.pid}-${++seq}`, counted: true, inputTokensEstimate: 100, inputTokensBound: 400, maxOutputTokens: 1000, clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED, ...over };
}

describe('budget counting of a request spilled to a peer region', () => {
  const open: { auth: AuthService; quota: RedisQuotaStore }[] = [];

  afterAll(async () => {
    for (const r of open) await r.auth.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${RUN}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  async function region(prefix: string, limits: QuotaLimits): Promise<{ auth: AuthService; quota: RedisQuotaStore }> {
    const quota = new RedisQuotaStore(REDIS_URL, { prefix: `${RUN}${prefix}:` });
    await quota.ready();
    const auth = new AuthService(new Directory(limits), { quota });
    await auth.reload();
    const r = { auth, quota };
    open.push(r);
    return r;
  }

  /** What the two ingresses do for one spilled request. */
  async function spill(a: AuthService, b: AuthService): Promise<void> {
    const first = await a.admit(ask());
    expect(first.admitted).toBe(true);
    const forward = await b.admit(ask({ budgetOnly: true }));
    expect(forward.admitted).toBe(true);
    await b.settle({ ticket: forward.ticket, model: 'gpt-4o', usage: USAGE, cacheHit: false, startedAtMs: Date.now() });
    // The origin's QuotaHold, after relaying the peer's answer: no usage of its own.
    await a.settle({ ticket: first.ticket, model: '', usage: undefined, cacheHit: false, startedAtMs: Date.now() });
  }

  const usage = (r: { quota: RedisQuotaStore }) => r.quota.usage('tenant:acme', Date.now());

  it('share mode: counted once, in the peer that served it; the origin keeps only the request in its rate window', async () => {
    const limits = { rpm: 100, dailyBudgetUsd: 10 };
    const [a, b] = [await region('share-a', limits), await region('share-b', limits)];

    await spill(a.auth, b.auth);

    expect(await usage(a)).toMatchObject({ daySpentUsd: 0, dayReservedUsd: 0, monthSpentUsd: 0, inFlight: 0, requests: 1 });
    const inB = await usage(b);
    expect(inB).toMatchObject({ dayReservedUsd: 0, inFlight: 0, requests: 0, tokens: 0 });
    expect(inB.daySpentUsd).toBeCloseTo(COST_USD, 9);
    expect(inB.monthSpentUsd).toBeCloseTo(COST_USD, 9);
  });

  it('global mode: the one counter gets the cost once and the request once', async () => {
    const limits = { rpm: 100, dailyBudgetUsd: 10 };
    const [a, b] = [await region('global', limits), await region('global', limits)];

    await spill(a.auth, b.auth);
    await spill(b.auth, a.auth);

    const counted = await usage(a);
    expect(counted).toMatchObject({ dayReservedUsd: 0, inFlight: 0, requests: 2 });
    expect(counted.daySpentUsd).toBeCloseTo(2 * COST_USD, 9);
  });

  it("the peer checks the forward against its budget, not against its rate limits (the origin's)", async () => {
    const b = await region('limits-b', { rpm: 1, dailyBudgetUsd: 0.02 });
    expect((await b.auth.admit(ask())).admitted).toBe(true);
    // rpm 1 is used up in b, yet a forward is admitted: its rate was counted where it arrived.
    const forward = await b.auth.admit(ask({ budgetOnly: true }));
    expect(forward.admitted).toBe(true);
    // Three maximum reservations ($0.0088 each) are past the $0.02 budget: the next forward is refused on the budget.
    const refused = await b.auth.admit(ask({ budgetOnly: true }));
    expect(refused).toMatchObject({ admitted: false, error: { kind: ErrorKind.ERROR_KIND_BUDGET_EXCEEDED } });
  });
});
