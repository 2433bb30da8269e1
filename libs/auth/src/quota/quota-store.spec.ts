import { Redis } from 'ioredis';
import { MemoryQuotaStore } from './memory-quota.store';
import { RedisQuotaStore } from './redis-quota.store';
import type { AdmitInput, AdmitResult, QuotaLimits, QuotaScope, QuotaStore, QuotaTicket } from './quota.types';

// Real Redis, database 11; every key this spec writes starts with RUN and is deleted at the end.
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/11';
const RUN = `sy:q:test-${process.pid}-${Date.now()}:`;

// Fake instants, but in the future: Redis expires the day and month counters at real times
// derived from them. T0 is midday of the 2nd of next month, 250 ms into a second.
const real = new Date();
const Y = real.getUTCFullYear();
const M = real.getUTCMonth() + 1;
const T0 = Date.UTC(Y, M, 2, 12) + 250;
const DAY_END = Date.UTC(Y, M, 3);
const MONTH_END = Date.UTC(Y, M + 1, 1);

/** The store under test, and a second "replica" sharing its state (its own connection for Redis). */
interface Pair {
  sut: QuotaStore;
  replica: QuotaStore;
  close(): Promise<void>;
}

let prefixes = 0;
const kinds: [string, () => Promise<Pair>][] = [
  [
    'memory',
    async () => {
      const sut = new MemoryQuotaStore();
      return { sut, replica: sut, close: () => sut.close() };
    },
  ],
  [
    'redis',
    async () => {
      const prefix = `${RUN}${++prefixes}:`;
      const sut = new RedisQuotaStore(REDIS_URL, { prefix });
      const replica = new RedisQuotaStore(REDIS_URL, { prefix });
      expect(await Promise.all([sut.ready(), replica.ready()])).toEqual([true, true]);
      return { sut, replica, close: async () => void (await Promise.all([sut.close(), replica.close()])) };
    },
  ],
];

afterAll(async () => {
  const admin = new Redis(REDIS_URL);
  const keys = await admin.keys(`${RUN}*`);
  if (keys.length) await admin.del(...keys);
  await admin.quit();
});

const key = (limits: QuotaLimits = {}): QuotaScope => ({ id: 'key:abc', limits });
const tenant = (limits: QuotaLimits = {}): QuotaScope => ({ id: 'tenant:acme', limits });
let requests = 0;
const request = (scopes: QuotaScope[], over: Partial<AdmitInput> = {}): AdmitInput => ({
  scopes,
  requestId: `req-${++requests}`,
  reserveTokens: 10,
  reserveUsd: 0.01,
  now: T0,
  leaseMs: 30_000,
  ...over,
});

function ticketOf(r: AdmitResult): QuotaTicket {
  if (!r.admitted) throw new Error(`refused: ${r.reason} by ${r.scope}`);
  return r.ticket;
}

function refusal(r: AdmitResult) {
  if (r.admitted) throw new Error('admitted');
  return { reason: r.reason, scope: r.scope, retryAfterMs: r.retryAfterMs, tooLarge: r.tooLarge };
}

const nothingCounted = {
  requests: 0,
  tokens: 0,
  inFlight: 0,
  daySpentUsd: 0,
  dayReservedUsd: 0,
  monthSpentUsd: 0,
  monthReservedUsd: 0,
};

describe.each(kinds)('QuotaStore (%s)', (_kind, make) => {
  let pair: Pair;
  let sut: QuotaStore;

  beforeEach(async () => {
    pair = await make();
    sut = pair.sut;
  });

  afterEach(() => pair.close());

  describe('admission', () => {
    it('counts in every scope, limited or not, and answers the tightest scope per dimension', async () => {
      const r = await sut.admit(request([key({ rpm: 10, tpm: 1000 }), tenant({ rpm: 5, tpm: 5000 })], { reserveTokens: 100 }));
      expect(r.admitted).toBe(true);
      // The oldest request (this one, bucket of T0) leaves the window 61 s after its bucket began.
      expect(r.remaining).toEqual({
        limitRequests: 5,
        remainingRequests: 4,
        resetRequestsMs: 60_750,
        limitTokens: 1000,
        remainingTokens: 900,
        resetTokensMs: 60_750,
      });
      expect(ticketOf(r)).toEqual({ requestId: `req-${requests}`, scopes: ['key:abc', 'tenant:acme'], reservedTokens: 100, reservedUsd: 0.01, at: T0 });
      const counted = { ...nothingCounted, requests: 1, tokens: 100, inFlight: 1, dayReservedUsd: 0.01, monthReservedUsd: 0.01 };
      expect(await sut.usage('key:abc', T0)).toEqual(counted);
      expect(await sut.usage('tenant:acme', T0)).toEqual(counted);

      const unlimited = await sut.admit(request([{ id: 'key:free', limits: {} }]));
      expect(unlimited.admitted && unlimited.remaining).toEqual({});
      expect(await sut.usage('key:free', T0)).toEqual({ ...counted, tokens: 10 });
    });

    it('refuses over rpm until the oldest request has left the 60-second window, never sooner', async () => {
      const scopes = [key({ rpm: 3 })];
      for (const at of [0, 1000, 2000]) ticketOf(await sut.admit(request(scopes, { now: T0 + at })));
      const over = await sut.admit(request(scopes, { now: T0 + 3000 }));
      // The first request counts until its bucket is 61 buckets old: T0 - 250 + 61 s.
      expect(refusal(over)).toEqual({ reason: 'rpm', scope: 'key:abc', retryAfterMs: 57_750, tooLarge: false });
      expect(over.remaining).toEqual({ limitRequests: 3, remainingRequests: 0, resetRequestsMs: 57_750 });
      expect(refusal(await sut.admit(request(scopes, { now: T0 + 60_749 }))).retryAfterMs).toBe(1);
      const later = await sut.admit(request(scopes, { now: T0 + 60_750 }));
      expect(later.admitted && later.remaining).toEqual({ limitRequests: 3, remainingRequests: 0, resetRequestsMs: 1000 });
      expect((await sut.usage('key:abc', T0 + 60_750)).requests).toBe(3);
    });

    it('empties the window after a minute of silence', async () => {
      const scopes = [key({ rpm: 2, tpm: 100 })];
      ticketOf(await sut.admit(request(scopes)));
      ticketOf(await sut.admit(request(scopes)));
      const later = T0 + 10 * 60_000;
      const r = await sut.admit(request(scopes, { now: later }));
      expect(r.admitted && r.remaining).toEqual({
        limitRequests: 2,
        remainingRequests: 1,
        resetRequestsMs: 60_750,
        limitTokens: 100,
        remainingTokens: 90,
        resetTokensMs: 60_750,
      });
      expect(await sut.usage('key:abc', later)).toMatchObject({ requests: 1, tokens: 10 });
    });

    it('resets from the oldest request still counted, across empty seconds', async () => {
      const scopes = [key({ rpm: 10 })];
      for (const at of [0, 30_000]) ticketOf(await sut.admit(request(scopes, { now: T0 + at })));
      const reset = async (at: number) => {
        const r = await sut.admit(request(scopes, { now: T0 + at }));
        return r.admitted && r.remaining.resetRequestsMs;
      };
      // The first request has left; the second (bucket of T0 + 30 s) is now the oldest, then the third.
      expect(await reset(61_000)).toBe(29_750);
      expect(await reset(62_000)).toBe(28_750);
      expect(await reset(91_000)).toBe(30_750);
    });

    it('counts a request from a clock behind the pruned window in the oldest live second', async () => {
      const scopes = [key({ rpm: 10 })];
      ticketOf(await sut.admit(request(scopes, { now: T0 + 70_000 })));
      ticketOf(await sut.admit(request(scopes, { now: T0 })));
      expect((await sut.usage('key:abc', T0 + 70_000)).requests).toBe(2);
      expect((await sut.usage('key:abc', T0 + 71_000)).requests).toBe(1);
    });

    it('reserves tokens for tpm and settles them to the real count in the bucket of the admission', async () => {
      const scopes = [key({ tpm: 1000 })];
      const a = ticketOf(await sut.admit(request(scopes, { reserveTokens: 400 })));
      ticketOf(await sut.admit(request(scopes, { reserveTokens: 400, now: T0 + 1000 })));
      const over = await sut.admit(request(scopes, { reserveTokens: 400, now: T0 + 2000 }));
      // 200 tokens too many; the first bucket (400) frees them when it leaves the window.
      expect(refusal(over)).toEqual({ reason: 'tpm', scope: 'key:abc', retryAfterMs: 58_750, tooLarge: false });

      await sut.settle(a, { tokens: 100, usd: 0.001 }, T0 + 2000);
      expect((await sut.usage('key:abc', T0 + 2000)).tokens).toBe(500);
      const r = await sut.admit(request(scopes, { reserveTokens: 400, now: T0 + 2000 }));
      expect(r.admitted && r.remaining).toMatchObject({ limitTokens: 1000, remainingTokens: 100 });
    });

    it('refuses a reservation larger than the tpm limit itself as too large', async () => {
      const r = await sut.admit(request([key({ tpm: 1000 })], { reserveTokens: 1001 }));
      expect(refusal(r)).toEqual({ reason: 'tpm', scope: 'key:abc', retryAfterMs: 60_000, tooLarge: true });
      expect(await sut.usage('key:abc', T0)).toEqual(nothingCounted);
    });

    it('refuses everything under a limit of zero, as too large', async () => {
      expect(refusal(await sut.admit(request([key({ rpm: 0 })])))).toEqual({ reason: 'rpm', scope: 'key:abc', retryAfterMs: 60_000, tooLarge: true });
      expect(refusal(await sut.admit(request([key({ concurrency: 0 })])))).toEqual({ reason: 'concurrency', scope: 'key:abc', retryAfterMs: 1000, tooLarge: true });
    });

    it('admits a repeated admission of one request (a retry after a lost answer) again and counts it once', async () => {
      const scopes = [key({ rpm: 10, concurrency: 1, dailyBudgetUsd: 1 })];
      const first = request(scopes, { reserveTokens: 100 });
      ticketOf(await sut.admit(first));

      // The same request id again: its own lease and reservation must not refuse or count it twice.
      const again = ticketOf(await sut.admit({ ...first, now: T0 + 5 }));

      expect(again.requestId).toBe(first.requestId);
      const usage = await sut.usage('key:abc', T0 + 5);
      expect(usage).toMatchObject({ requests: 1, tokens: 100, inFlight: 1, dayReservedUsd: 0.01 });
      // Another request still meets the concurrency limit of 1.
      expect(refusal(await sut.admit(request(scopes, { now: T0 + 6 }))).reason).toBe('concurrency');
      await sut.settle(again, { tokens: 50, usd: 0.005 }, T0 + 10);
      expect(await sut.usage('key:abc', T0 + 10)).toMatchObject({ requests: 1, tokens: 50, inFlight: 0, daySpentUsd: 0.005, dayReservedUsd: 0 });
    });

    it('holds concurrency slots until settle frees them', async () => {
      const scopes = [key({ concurrency: 2 })];
      const a = ticketOf(await sut.admit(request(scopes)));
      ticketOf(await sut.admit(request(scopes)));
      expect(refusal(await sut.admit(request(scopes)))).toEqual({ reason: 'concurrency', scope: 'key:abc', retryAfterMs: 1000, tooLarge: false });
      await sut.settle(a, { tokens: 10, usd: 0.01 }, T0 + 10);
      ticketOf(await sut.admit(request(scopes, { now: T0 + 10 })));
      expect((await sut.usage('key:abc', T0 + 10)).inFlight).toBe(2);
    });
  });

  describe('two scopes', () => {
    it('refuses when the tenant is over its limit though the key is not, and counts nothing in the key', async () => {
      const full = tenant({ rpm: 2, concurrency: 5, dailyBudgetUsd: 10 });
      ticketOf(await sut.admit(request([{ id: 'key:other', limits: {} }, full])));
      ticketOf(await sut.admit(request([{ id: 'key:other', limits: {} }, full])));
      const r = await sut.admit(request([key({ rpm: 10, tpm: 1000, concurrency: 5, dailyBudgetUsd: 10 }), full], { reserveTokens: 50 }));
      expect(refusal(r)).toEqual({ reason: 'rpm', scope: 'tenant:acme', retryAfterMs: 60_750, tooLarge: false });
      expect(r.remaining).toEqual({ limitRequests: 2, remainingRequests: 0, resetRequestsMs: 60_750, limitTokens: 1000, remainingTokens: 1000, resetTokensMs: 0 });
      expect(await sut.usage('key:abc', T0)).toEqual(nothingCounted);
      expect(await sut.usage('tenant:acme', T0)).toMatchObject({ requests: 2, inFlight: 2, dayReservedUsd: 0.02 });
    });

    it('answers the longest wait when several limits refuse', async () => {
      const scopes = [key({ concurrency: 1 }), tenant({ dailyBudgetUsd: 0.5 })];
      const a = ticketOf(await sut.admit(request(scopes, { reserveUsd: 0.5 })));
      await sut.settle(a, { tokens: 10, usd: 0.5 }, T0);
      ticketOf(await sut.admit(request([key({ concurrency: 1 })], { reserveUsd: 0 })));
      const r = await sut.admit(request(scopes, { reserveUsd: 0.01 }));
      expect(refusal(r)).toEqual({ reason: 'daily_budget', scope: 'tenant:acme', retryAfterMs: DAY_END - T0, tooLarge: false });
    });
  });

  describe('leases', () => {
    it('frees the slot of a holder that stopped renewing it, and charges its reservation in full', async () => {
      const scopes = [key({ concurrency: 1, dailyBudgetUsd: 1 })];
      const lost = ticketOf(await sut.admit(request(scopes, { reserveUsd: 0.3 })));
      expect(refusal(await sut.admit(request(scopes, { now: T0 + 29_999 }))).reason).toBe('concurrency');
      ticketOf(await sut.admit(request(scopes, { now: T0 + 30_000, reserveUsd: 0.2 })));
      expect(await sut.usage('key:abc', T0 + 30_000)).toMatchObject({ inFlight: 1, daySpentUsd: 0.3, dayReservedUsd: 0.2 });

      // Its late settle finds nothing to settle: the reservation was charged already.
      await sut.settle(lost, { tokens: 5, usd: 0.01 }, T0 + 30_001);
      expect(await sut.usage('key:abc', T0 + 30_001)).toMatchObject({ inFlight: 1, daySpentUsd: 0.3, dayReservedUsd: 0.2, monthSpentUsd: 0.3 });
    });

    it('keeps a slot whose lease a heartbeat renewed', async () => {
      const scopes = [key({ concurrency: 1 })];
      const stream = ticketOf(await sut.admit(request(scopes)));
      await sut.heartbeat(stream, T0 + 20_000, 30_000);
      expect(refusal(await sut.admit(request(scopes, { now: T0 + 40_000 }))).reason).toBe('concurrency');
      expect((await sut.usage('key:abc', T0 + 49_999)).inFlight).toBe(1);
      ticketOf(await sut.admit(request(scopes, { now: T0 + 50_000 })));
    });

    it('does not revive a settled lease on a late heartbeat', async () => {
      const scopes = [key({ concurrency: 1 })];
      const t = ticketOf(await sut.admit(request(scopes)));
      await sut.settle(t, { tokens: 1, usd: 0 }, T0 + 5);
      await sut.heartbeat(t, T0 + 10, 30_000);
      expect((await sut.usage('key:abc', T0 + 10)).inFlight).toBe(0);
    });
  });

  describe('budgets', () => {
    it('refuses while in-flight reservations fill the budget, and settles them at the real cost', async () => {
      const scopes = [key({ dailyBudgetUsd: 1, monthlyBudgetUsd: 100 })];
      const a = ticketOf(await sut.admit(request(scopes, { reserveUsd: 0.4 })));
      const b = ticketOf(await sut.admit(request(scopes, { reserveUsd: 0.4 })));
      // Spent + this request fit: the reservations in flight will settle soon.
      expect(refusal(await sut.admit(request(scopes, { reserveUsd: 0.4 })))).toEqual({ reason: 'daily_budget', scope: 'key:abc', retryAfterMs: 1000, tooLarge: false });

      await sut.settle(a, { tokens: 10, usd: 0.1 }, T0 + 100);
      const c = ticketOf(await sut.admit(request(scopes, { reserveUsd: 0.4, now: T0 + 100 })));
      expect(await sut.usage('key:abc', T0 + 100)).toMatchObject({ daySpentUsd: 0.1, dayReservedUsd: 0.8, monthSpentUsd: 0.1, monthReservedUsd: 0.8 });

      await sut.settle(b, { tokens: 10, usd: 0.4 }, T0 + 200);
      await sut.settle(c, { tokens: 10, usd: 0.4 }, T0 + 200);
      expect(await sut.usage('key:abc', T0 + 200)).toMatchObject({ daySpentUsd: 0.9, dayReservedUsd: 0, monthSpentUsd: 0.9, monthReservedUsd: 0 });
      // Now spending itself is in the way: wait for the next UTC day.
      expect(refusal(await sut.admit(request(scopes, { reserveUsd: 0.4, now: T0 + 200 })))).toEqual({
        reason: 'daily_budget',
        scope: 'key:abc',
        retryAfterMs: DAY_END - T0 - 200,
        tooLarge: false,
      });
      ticketOf(await sut.admit(request(scopes, { reserveUsd: 0.1, now: T0 + 200 })));
    });

    it('refuses a reservation larger than the budget itself as too large', async () => {
      const r = await sut.admit(request([key({ monthlyBudgetUsd: 0.5 })], { reserveUsd: 0.6 }));
      expect(refusal(r)).toEqual({ reason: 'monthly_budget', scope: 'key:abc', retryAfterMs: MONTH_END - T0, tooLarge: true });
    });

    it('starts a new daily budget at the next UTC day, while the month keeps counting', async () => {
      const scopes = [key({ dailyBudgetUsd: 1, monthlyBudgetUsd: 10 })];
      const a = ticketOf(await sut.admit(request(scopes, { reserveUsd: 0.6, now: DAY_END - 1000 })));
      await sut.settle(a, { tokens: 10, usd: 0.6 }, DAY_END - 900);
      expect(refusal(await sut.admit(request(scopes, { reserveUsd: 0.6, now: DAY_END - 500 })))).toEqual({
        reason: 'daily_budget',
        scope: 'key:abc',
        retryAfterMs: 500,
        tooLarge: false,
      });
      ticketOf(await sut.admit(request(scopes, { reserveUsd: 0.6, now: DAY_END })));
      expect(await sut.usage('key:abc', DAY_END)).toMatchObject({ daySpentUsd: 0, dayReservedUsd: 0.6, monthSpentUsd: 0.6, monthReservedUsd: 0.6 });
      expect(await sut.usage('key:abc', DAY_END - 1)).toMatchObject({ daySpentUsd: 0.6, dayReservedUsd: 0 });
    });

    it('starts a new monthly budget at the next UTC month', async () => {
      const scopes = [key({ monthlyBudgetUsd: 1 })];
      const a = ticketOf(await sut.admit(request(scopes, { reserveUsd: 0.7, now: MONTH_END - 60_000 })));
      await sut.settle(a, { tokens: 10, usd: 0.7 }, MONTH_END - 59_000);
      expect(refusal(await sut.admit(request(scopes, { reserveUsd: 0.7, now: MONTH_END - 60_000 })))).toEqual({
        reason: 'monthly_budget',
        scope: 'key:abc',
        retryAfterMs: 60_000,
        tooLarge: false,
      });
      ticketOf(await sut.admit(request(scopes, { reserveUsd: 0.7, now: MONTH_END })));
      expect(await sut.usage('key:abc', MONTH_END)).toMatchObject({ monthSpentUsd: 0, monthReservedUsd: 0.7, daySpentUsd: 0, dayReservedUsd: 0.7 });
    });
  });

  describe('settle', () => {
    it("answers each settled scope's spend after it, once", async () => {
      const scopes = [key({ dailyBudgetUsd: 10 }), tenant({ monthlyBudgetUsd: 100 })];
      const a = ticketOf(await sut.admit(request(scopes, { reserveUsd: 1 })));
      const b = ticketOf(await sut.admit(request(scopes, { reserveUsd: 1 })));
      expect(await sut.settle(a, { tokens: 10, usd: 0.25 }, T0 + 1)).toEqual([
        { scope: 'key:abc', usedNano: 250_000_000, daySpentNano: 250_000_000, monthSpentNano: 250_000_000 },
        { scope: 'tenant:acme', usedNano: 250_000_000, daySpentNano: 250_000_000, monthSpentNano: 250_000_000 },
      ]);
      expect(await sut.settle(b, { tokens: 10, usd: 0.5 }, T0 + 2)).toEqual([
        { scope: 'key:abc', usedNano: 500_000_000, daySpentNano: 750_000_000, monthSpentNano: 750_000_000 },
        { scope: 'tenant:acme', usedNano: 500_000_000, daySpentNano: 750_000_000, monthSpentNano: 750_000_000 },
      ]);
      expect(await sut.settle(b, { tokens: 10, usd: 0.5 }, T0 + 3)).toEqual([]);
    });

    it('is idempotent per request id', async () => {
      const scopes = [key({ concurrency: 1, tpm: 1000 }), tenant({ dailyBudgetUsd: 1 })];
      const t = ticketOf(await sut.admit(request(scopes, { reserveTokens: 500, reserveUsd: 0.5 })));
      ticketOf(await sut.admit(request([tenant({ dailyBudgetUsd: 1 })], { reserveUsd: 0.1 })));
      await sut.settle(t, { tokens: 200, usd: 0.2 }, T0 + 1);
      await sut.settle(t, { tokens: 200, usd: 0.2 }, T0 + 2);
      expect(await sut.usage('key:abc', T0 + 2)).toEqual({ ...nothingCounted, requests: 1, tokens: 200, daySpentUsd: 0.2, monthSpentUsd: 0.2 });
      expect(await sut.usage('tenant:acme', T0 + 2)).toEqual({
        ...nothingCounted,
        requests: 2,
        tokens: 210,
        inFlight: 1,
        daySpentUsd: 0.2,
        dayReservedUsd: 0.1,
        monthSpentUsd: 0.2,
        monthReservedUsd: 0.1,
      });
    });

    it('adds real tokens beyond the reservation to the window', async () => {
      const t = ticketOf(await sut.admit(request([key({ tpm: 1000 })], { reserveTokens: 100 })));
      await sut.settle(t, { tokens: 700, usd: 0 }, T0 + 1);
      const r = await sut.admit(request([key({ tpm: 1000 })], { reserveTokens: 400, now: T0 + 1 }));
      expect(refusal(r)).toEqual({ reason: 'tpm', scope: 'key:abc', retryAfterMs: 60_749, tooLarge: false });
    });

    it('leaves a window the admission bucket has already left', async () => {
      const t = ticketOf(await sut.admit(request([key({ tpm: 1000 })], { reserveTokens: 100 })));
      ticketOf(await sut.admit(request([key({ tpm: 1000 })], { reserveTokens: 300, now: T0 + 61_000 })));
      await sut.settle(t, { tokens: 900, usd: 0 }, T0 + 61_000);
      expect((await sut.usage('key:abc', T0 + 61_000)).tokens).toBe(300);
    });
  });

  describe('under concurrency, through two replicas', () => {
    it('admits exactly the rpm limit out of three times as many requests', async () => {
      const scopes = [key({ rpm: 10 }), tenant({ rpm: 1000 })];
      const stores = [pair.sut, pair.replica];
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => stores[i % 2].admit(request(scopes, { now: T0 + i }))));
      expect(results.filter((r) => r.admitted)).toHaveLength(10);
      expect(new Set(results.filter((r) => !r.admitted).map((r) => refusal(r).reason))).toEqual(new Set(['rpm']));
      expect(await sut.usage('key:abc', T0 + 30)).toMatchObject({ requests: 10, inFlight: 10 });
      expect(await sut.usage('tenant:acme', T0 + 30)).toMatchObject({ requests: 10 });
    });

    it('admits exactly as many requests as the budget can reserve, never more', async () => {
      // 37 reservations of 0.03 fit 1.11 exactly; a 38th would overspend.
      const scopes = [key({ dailyBudgetUsd: 1.11 })];
      const stores = [pair.sut, pair.replica];
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => stores[i % 2].admit(request(scopes, { reserveUsd: 0.03, now: T0 + i }))));
      expect(results.filter((r) => r.admitted)).toHaveLength(37);
      expect(await sut.usage('key:abc', T0 + 100)).toMatchObject({ inFlight: 37, dayReservedUsd: 1.11 });
    });
  });

  it('rejects numbers that would poison the counters', async () => {
    await expect(sut.admit(request([key()], { reserveUsd: Number.NaN }))).rejects.toThrow(RangeError);
    await expect(sut.admit(request([key()], { reserveTokens: -1 }))).rejects.toThrow('quota: reserveTokens must be a finite number ≥ 0, got -1');
    await expect(sut.admit(request([key()], { leaseMs: 0 }))).rejects.toThrow(RangeError);
    expect(await sut.usage('key:abc', T0)).toEqual(nothingCounted);
  });
});
