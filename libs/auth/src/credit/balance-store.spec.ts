import { Redis } from 'ioredis';
import type { BalanceAccount, BalanceStore } from './balance.types';
import { MemoryBalanceStore } from './memory-balance.store';
import { RedisBalanceStore } from './redis-balance.store';

// Real Redis, database 11; every key this spec writes starts with RUN and is deleted at the end.
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/11';
const RUN = `sy:bal:test-${process.pid}-${Date.now()}:`;
const T0 = 1_800_000_000_000;
const USD = 1e9;

interface Pair {
  sut: BalanceStore;
  /** A second replica sharing the state (its own connection for Redis). */
  replica: BalanceStore;
  close(): Promise<void>;
}

let prefixes = 0;
const kinds: [string, () => Promise<Pair>][] = [
  [
    'memory',
    async () => {
      const sut = new MemoryBalanceStore();
      return { sut, replica: sut, close: () => sut.close() };
    },
  ],
  [
    'redis',
    async () => {
      const prefix = `${RUN}${++prefixes}:`;
      const sut = new RedisBalanceStore(REDIS_URL, { prefix });
      const replica = new RedisBalanceStore(REDIS_URL, { prefix });
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

const account = (creditsUsd: number, seedSpentUsd = 0): BalanceAccount => ({ tenantId: 'acme', creditsNano: creditsUsd * USD, seedSpentNano: seedSpentUsd * USD });
let ids = 0;
const reserve = (store: BalanceStore, acct: BalanceAccount, usd: number, over: { requestId?: string; now?: number; leaseMs?: number } = {}) =>
  store.reserve({ account: acct, requestId: over.requestId ?? `r-${++ids}`, nano: usd * USD, now: over.now ?? T0, leaseMs: over.leaseMs ?? 30_000 });

describe.each(kinds)('balance store (%s)', (_kind, make) => {
  let pair: Pair;
  beforeEach(async () => {
    pair = await make();
  });
  afterEach(() => pair.close());

  it('reserves against credits minus the seeded spend, and refuses what does not fit', async () => {
    const acct = account(10, 4);
    expect(await reserve(pair.sut, acct, 5)).toEqual({ admitted: true, availableNano: 1 * USD });
    expect(await reserve(pair.sut, acct, 2)).toEqual({ admitted: false, availableNano: 1 * USD });
    expect(await pair.sut.usage('acme', T0)).toEqual({ seeded: true, spentNano: 4 * USD, reservedNano: 5 * USD, inFlight: 1 });
  });

  it('settles to the real cost once, and a settle of 0 releases the reservation', async () => {
    const acct = account(10);
    await reserve(pair.sut, acct, 3, { requestId: 'a' });
    await reserve(pair.sut, acct, 3, { requestId: 'b' });
    // Each settle answers the spend after it (spend alerts read it); a repeat finds nothing held.
    expect(await pair.sut.settle('acme', 'a', 1 * USD)).toBe(1 * USD);
    expect(await pair.replica.settle('acme', 'a', 1 * USD)).toBeUndefined();
    expect(await pair.sut.settle('acme', 'b', 0)).toBe(1 * USD);
    expect(await pair.sut.usage('acme', T0)).toEqual({ seeded: true, spentNano: 1 * USD, reservedNano: 0, inFlight: 0 });
  });

  it('refuses everything, even a free request, once nothing is left', async () => {
    const acct = account(1);
    await reserve(pair.sut, acct, 1, { requestId: 'all' });
    await pair.sut.settle('acme', 'all', 1 * USD);
    expect(await reserve(pair.sut, acct, 0)).toEqual({ admitted: false, availableNano: 0 });
  });

  it('sees a top-up at the next admission (credits come with the admission)', async () => {
    await reserve(pair.sut, account(1), 1);
    expect((await reserve(pair.replica, account(1), 1)).admitted).toBe(false);
    expect((await reserve(pair.replica, account(3), 1)).admitted).toBe(true);
  });

  it('charges an expired lease in full at the next admission, and its late settle changes nothing', async () => {
    const acct = account(10);
    await reserve(pair.sut, acct, 4, { requestId: 'crashed', leaseMs: 1_000 });
    await pair.sut.heartbeat('acme', 'crashed', T0 + 500, 1_000);
    expect(await reserve(pair.sut, acct, 1, { now: T0 + 1_200 })).toMatchObject({ admitted: true });
    expect(await reserve(pair.sut, acct, 1, { now: T0 + 2_000 })).toEqual({ admitted: true, availableNano: 4 * USD });
    await pair.sut.settle('acme', 'crashed', 1 * USD);
    expect(await pair.sut.usage('acme', T0 + 2_000)).toMatchObject({ spentNano: 4 * USD, reservedNano: 2 * USD });
  });

  it('admits a retried admission once', async () => {
    const acct = account(5);
    await reserve(pair.sut, acct, 4, { requestId: 'same' });
    expect(await reserve(pair.replica, acct, 4, { requestId: 'same' })).toEqual({ admitted: true, availableNano: 1 * USD });
    expect((await pair.sut.usage('acme', T0)).reservedNano).toBe(4 * USD);
  });

  it('adjusts the spend of a counted tenant only', async () => {
    expect(await pair.sut.adjustSpent('acme', 5)).toBeUndefined();
    await reserve(pair.sut, account(10, 2), 1);
    expect(await pair.sut.adjustSpent('acme', -1 * USD)).toBe(1 * USD);
  });

  it('never reserves more than the balance under 100 concurrent admissions from two replicas', async () => {
    // $1 of credit, each request may cost up to $0.03: exactly 33 fit.
    const acct = account(1);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => reserve(i % 2 ? pair.sut : pair.replica, acct, 0.03)));
    expect(results.filter((r) => r.admitted)).toHaveLength(33);
    const u = await pair.sut.usage('acme', T0);
    expect(u.reservedNano).toBe(0.99 * USD);
    expect(Math.min(...results.map((r) => r.availableNano))).toBeGreaterThanOrEqual(0);
  });
});
