// Budgets across regions in `share` mode (docs/architecture.md §6, "Data across regions"): two
// regions, each an AuthService counting in its own Redis counters (a key prefix of its own on
// the test Redis stands for a Redis of its own), both loading the tenant's budget from one
// Postgres. The documented bound: with shares summing to at most 100 %, the regions together
// never spend more than the budget, however the load falls on them and however concurrent.
import { Dialect, type AdmitRequest } from '@switchyard/ir';
import { hashKey } from '@switchyard/shared';
import { Redis } from 'ioredis';
import { applyMigrations } from '../../db/src/migrations.runner';
import { openTestDatabase, type TestDatabase } from '../../db/src/test-database.harness';
import { AuthService } from './auth.service';
import { PrismaKeySource } from './prisma-key.source';
import { RedisQuotaStore } from './quota';
import { RegionBudgetShareSource } from './region-budget-share.source';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/11';
const RUN = `sy:test:regions:${process.pid}:${Date.now().toString(36)}:`;
const SECRET = 'sk-sy-regions-budget-0123456789abcdef01';
const BUDGET_USD = 1;
// $2 / $8 per million tokens; 400 input tokens at most and 1,000 output: $0.0088 per request.
const MAX_COST_USD = (400 * 2 + 1000 * 8) / 1e6;
const REQUESTS_PER_REGION = 150;

let seq = 0;
function ask(): AdmitRequest {
  return { keyHash: hashKey(SECRET), model: 'gpt-4o', requestId: `req-${++seq}`, counted: true, inputTokensEstimate: 100, inputTokensBound: 400, maxOutputTokens: 1000, clientIp: '', dialect: Dialect.DIALECT_UNSPECIFIED };
}

interface Region {
  auth: AuthService;
  quota: RedisQuotaStore;
  redis: Redis;
}

describe(RegionBudgetShareSource.name, () => {
  let t: TestDatabase;
  const regions: Region[] = [];

  beforeAll(async () => {
    t = await openTestDatabase('postgres', 'region_budgets');
    await applyMigrations(t.db);
    const p = t.db.prisma;
    await p.tenant.create({ data: { id: 'acme', dailyBudgetUsd: String(BUDGET_USD) } });
    await p.virtualKey.create({ data: { tenantId: 'acme', prefix: 'sk-sy-region', hash: hashKey(SECRET) } });
    await p.model.create({ data: { name: 'gpt-4o' } });
    await p.price.create({ data: { modelName: 'gpt-4o', inputPerMTok: '2', outputPerMTok: '8', effectiveFrom: new Date('2026-01-01T00:00:00Z') } });
  });

  afterEach(async () => {
    for (const r of regions.splice(0)) {
      await r.auth.close();
      r.redis.disconnect();
    }
  });

  afterAll(async () => {
    const admin = new Redis(REDIS_URL);
    const keys = await admin.keys(`${RUN}*`);
    if (keys.length) await admin.del(...keys);
    admin.disconnect();
    await t?.dispose();
  });

  async function region(name: string, share: number): Promise<Region> {
    const redis = new Redis(REDIS_URL);
    const quota = new RedisQuotaStore(redis, { prefix: `${RUN}${name}:` });
    const auth = new AuthService(new RegionBudgetShareSource(new PrismaKeySource(t.db), share), { quota });
    await auth.reload();
    const r = { auth, quota, redis };
    regions.push(r);
    return r;
  }

  /** Every admitted request settles at its full reservation (the worst case); returns what the region spent. */
  async function spend(r: Region): Promise<number> {
    await Promise.all(
      Array.from({ length: REQUESTS_PER_REGION }, async () => {
        const res = await r.auth.admit(ask());
        if (!res.admitted) return;
        await r.auth.settle({ ticket: res.ticket, model: 'gpt-4o', usage: { inputTokens: 400, outputTokens: 1000, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, cacheHit: false, startedAtMs: Date.now() });
      }),
    );
    return (await r.quota.usage('tenant:acme', Date.now())).daySpentUsd;
  }

  it('two regions at 60 % and 40 % spend no more than the budget together, each up to its share', async () => {
    const [a, b] = [await region('share-a', 0.6), await region('share-b', 0.4)];
    // Far more demand than the budget (2 × 150 × $0.0088 = $2.64 for a $1 budget), all at once.
    const [spentA, spentB] = await Promise.all([spend(a), spend(b)]);
    expect(spentA).toBeLessThanOrEqual(0.6 * BUDGET_USD + 1e-9);
    expect(spentB).toBeLessThanOrEqual(0.4 * BUDGET_USD + 1e-9);
    expect(spentA + spentB).toBeLessThanOrEqual(BUDGET_USD + 1e-9);
    // And the shares are used, not merely unreached: each region stops within one request of its share.
    expect(spentA).toBeGreaterThan(0.6 * BUDGET_USD - MAX_COST_USD);
    expect(spentB).toBeGreaterThan(0.4 * BUDGET_USD - MAX_COST_USD);
  });

  it('without shares (each region enforcing the whole budget) the same load spends it twice', async () => {
    const [a, b] = [await region('whole-a', 1), await region('whole-b', 1)];
    const [spentA, spentB] = await Promise.all([spend(a), spend(b)]);
    expect(spentA + spentB).toBeGreaterThan(2 * (BUDGET_USD - MAX_COST_USD));
  });

  it('refuses a share outside (0, 1]', () => {
    const inner = new PrismaKeySource(t.db);
    expect(() => new RegionBudgetShareSource(inner, 0)).toThrow('(0, 1]');
    expect(() => new RegionBudgetShareSource(inner, 1.5)).toThrow('(0, 1]');
  });
});
