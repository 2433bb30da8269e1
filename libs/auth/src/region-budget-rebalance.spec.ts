// The bound on overspend in share mode with ledger-driven rebalancing (docs/architecture.md §6,
// "Data across regions"), with real parts: one Postgres (keys, ledger, allowances), two regions
// each an AuthService counting in its own Redis counters (a key prefix of its own on the test
// Redis stands for a Redis of its own), billing's BudgetRebalancer between them. The ledger lags
// the counters as the usage queue makes it: a round's usage reaches it only after that round's
// rebalance, and half of each round's requests are still in flight (reserved) when it runs.
// Documented bound: total spend ≤ budget + the largest, over the period's rebalances, of Σ over
// regions of U, where U is what the region had counted (spent and reserved) beyond what that
// rebalance read from the ledger for it, as of when the region applied its allowances.
import { BudgetRebalancer } from '@switchyard/billing';
import { loadBudgetAllowances } from '@switchyard/db';
import { Dialect, type AdmitRequest, type QuotaTicket } from '@switchyard/ir';
import { hashKey } from '@switchyard/shared';
import { Redis } from 'ioredis';
import { applyMigrations } from '../../db/src/migrations.runner';
import { openTestDatabase, type TestDatabase } from '../../db/src/test-database.harness';
import { AuthService } from './auth.service';
import { PrismaKeySource } from './prisma-key.source';
import { RedisQuotaStore } from './quota';
import { RegionBudgetShareSource } from './region-budget-share.source';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/11';
const RUN = `sy:test:rebalance:${process.pid}:${Date.now().toString(36)}:`;
const SECRET = 'sk-sy-rebalance-budget-0123456789abcdef';
const BUDGET_USD = 1;
// $2 / $8 per million tokens; 400 input tokens at most and 1,000 output: $0.0088 per request,
// and every request is settled at that maximum (the worst case for a budget).
const COST_NANO = 8_800_000;
const USAGE = { inputTokens: 400, outputTokens: 1000, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 };
const ROUNDS = 14;
const nano = (usd: number) => Math.round(usd * 1e9);

let seq = 0;
function ask(): AdmitRequest {
  return { keyHash: hashKey(SECRET), model: 'gpt-4o', requestId: `req-${process.pid}-${++seq}`, counted: true, inputTokensEstimate: 100, inputTokensBound: 400, maxOutputTokens: 1000, clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED };
}

/** What billing would have received: settled requests waiting in the region's usage queue. */
interface Region {
  name: string;
  auth: AuthService;
  quota: RedisQuotaStore;
  queued: string[];
  inFlight: QuotaTicket[];
}

// The spec counts today's counters and ledger rows: a run across UTC midnight would see a new
// day's counters start at 0 midway (and the last minute of a day caps allowances at the share).
async function clearOfMidnight(): Promise<void> {
  const now = Date.now();
  const toMidnight = 86_400_000 - (now % 86_400_000);
  if (toMidnight < 120_000) await new Promise((r) => setTimeout(r, toMidnight + 1_000));
}

describe('share-mode budgets rebalanced from the ledger', () => {
  let t: TestDatabase;
  let redis: Redis;
  const regions: Region[] = [];

  beforeAll(async () => {
    await clearOfMidnight();
    t = await openTestDatabase('postgres', 'rebalance');
    await applyMigrations(t.db);
    const p = t.db.prisma;
    await p.tenant.create({ data: { id: 'acme', dailyBudgetUsd: String(BUDGET_USD) } });
    await p.virtualKey.create({ data: { id: '00000000-0000-4000-8000-0000000000aa', tenantId: 'acme', prefix: 'sk-sy-rebal', hash: hashKey(SECRET) } });
    await p.model.create({ data: { name: 'gpt-4o' } });
    await p.price.create({ data: { modelName: 'gpt-4o', inputPerMTok: '2', outputPerMTok: '8', effectiveFrom: new Date('2026-01-01T00:00:00Z') } });
    redis = new Redis(REDIS_URL);
  }, 180_000);

  afterEach(async () => {
    for (const r of regions.splice(0)) await r.auth.close();
    await t.db.prisma.usageRecord.deleteMany({});
    await t.db.prisma.budgetAllowance.deleteMany({});
  });

  afterAll(async () => {
    const keys = await redis.keys(`${RUN}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await t?.dispose();
  });

  async function region(name: string, label: string): Promise<Region> {
    const quota = new RedisQuotaStore(REDIS_URL, { prefix: `${RUN}${label}:${name}:` });
    await quota.ready();
    const source = new RegionBudgetShareSource(new PrismaKeySource(t.db), 0.5, (now) => loadBudgetAllowances(t.db, name, now));
    const auth = new AuthService(source, { quota });
    await auth.reload();
    const r = { name, auth, quota, queued: [], inFlight: [] };
    regions.push(r);
    return r;
  }

  /** `n` requests at once in region r; every other one admitted stays in flight, the rest settle now. */
  async function traffic(r: Region, n: number): Promise<void> {
    const admitted = await Promise.all(Array.from({ length: n }, () => r.auth.admit(ask())));
    const tickets = admitted.flatMap((a) => (a.admitted && a.ticket ? [a.ticket] : []));
    for (const [i, ticket] of tickets.entries()) {
      if (i % 2) r.inFlight.push(ticket);
      else await settle(r, ticket);
    }
  }

  async function settle(r: Region, ticket: QuotaTicket): Promise<void> {
    await r.auth.settle({ ticket, model: 'gpt-4o', usage: USAGE, cacheHit: false, startedAtMs: Date.now() });
    r.queued.push(ticket.requestId);
  }

  /** Billing drains the region's usage queue into the ledger. */
  async function drain(r: Region): Promise<void> {
    const now = new Date();
    await t.db.prisma.usageRecord.createMany({
      data: r.queued.splice(0).map((requestId) => ({ requestId, tenantId: 'acme', keyId: '00000000-0000-4000-8000-0000000000aa', model: 'gpt-4o', dialect: 'openai', stream: false, status: 'ok', httpStatus: 200, inputTokens: 400, outputTokens: 1000, costUsd: '0.008800000', latencyMs: 1, region: r.name, startedAt: now, finishedAt: now })),
    });
  }

  /** Spent and reserved in the region's counters for the tenant today, nano-USD. */
  async function counted(r: Region): Promise<number> {
    const u = await r.quota.usage('tenant:acme', Date.now());
    return nano(u.daySpentUsd + u.dayReservedUsd);
  }

  async function inLedger(region: string): Promise<number> {
    const rows = await t.db.prisma.usageRecord.count({ where: { region } });
    return rows * COST_NANO;
  }

  it('moves unused headroom to the region that spends, and overspends by at most what the ledger had not seen', async () => {
    const [a, b] = [await region('eu', 'lag'), await region('us', 'lag')];
    const rebalancer = new BudgetRebalancer(t.db, ['eu', 'us']);
    // Before the first rebalance the fixed shares (summing to 100 %) hold: no overspend at all.
    let bound = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Traffic lands mostly in eu (with fixed shares eu would stop at half the budget), then in
      // both, so us uses the headroom it is given while the ledger still lags eu's spend.
      await Promise.all([traffic(a, 12), traffic(b, round < ROUNDS / 2 ? 1 : 12)]);
      // Everything the regions have admitted so far fits the bound of the rebalances they applied.
      const total = (await counted(a)) + (await counted(b));
      expect(total).toBeLessThanOrEqual(nano(BUDGET_USD) + bound);
      // The rebalance reads a ledger without this round's usage (still queued) or what is in flight.
      const seen = [await inLedger('eu'), await inLedger('us')];
      await rebalancer.run(Date.now());
      await Promise.all([drain(a), drain(b)]);
      await Promise.all([a.auth.reload(), b.auth.reload()]);
      bound = Math.max(bound, (await counted(a)) - seen[0] + ((await counted(b)) - seen[1]));
      for (const r of [a, b]) for (const ticket of r.inFlight.splice(0)) await settle(r, ticket);
    }
    const [spentA, spentB] = [await counted(a), await counted(b)];
    expect(spentA + spentB).toBeLessThanOrEqual(nano(BUDGET_USD) + bound);
    // The headroom moved: eu spent far past its fixed half, and the budget was used.
    expect(spentA).toBeGreaterThan(nano(0.75 * BUDGET_USD));
    expect(spentA + spentB).toBeGreaterThan(nano(BUDGET_USD) - 2 * COST_NANO);
    // The ledger (drained at last) says the same as the counters.
    await Promise.all([drain(a), drain(b)]);
    expect((await inLedger('eu')) + (await inLedger('us'))).toBe(spentA + spentB);
  }, 120_000);

  it('never passes the budget when each rebalance reads a ledger that has everything', async () => {
    const [a, b] = [await region('eu', 'fresh'), await region('us', 'fresh')];
    const rebalancer = new BudgetRebalancer(t.db, ['eu', 'us']);
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all([traffic(a, 12), traffic(b, 1)]);
      for (const r of [a, b]) for (const ticket of r.inFlight.splice(0)) await settle(r, ticket);
      await Promise.all([drain(a), drain(b)]);
      await rebalancer.run(Date.now());
      await Promise.all([a.auth.reload(), b.auth.reload()]);
    }
    const [spentA, spentB] = [await counted(a), await counted(b)];
    expect(spentA + spentB).toBeLessThanOrEqual(nano(BUDGET_USD));
    expect(spentA).toBeGreaterThan(nano(0.75 * BUDGET_USD));
  }, 120_000);

  it('enforces the fixed share where no allowance is published', async () => {
    const a = await region('eu', 'none');
    await traffic(a, 150);
    for (const ticket of a.inFlight.splice(0)) await settle(a, ticket);
    const spent = await counted(a);
    expect(spent).toBeLessThanOrEqual(nano(0.5 * BUDGET_USD));
    expect(spent).toBeGreaterThan(nano(0.5 * BUDGET_USD) - COST_NANO);
  });
});
