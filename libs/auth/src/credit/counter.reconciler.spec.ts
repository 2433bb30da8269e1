// Reconciliation on real Postgres and Redis: drift injected into the live counters is found,
// corrected to the ledger and reported.
import { hashKey } from '@switchyard/shared';
import { Redis } from 'ioredis';
import { applyMigrations } from '../../../db/src/migrations.runner';
import { openTestDatabase, type TestDatabase } from '../../../db/src/test-database.harness';
import { periodsAt } from '../quota/quota-units';
import { RedisQuotaStore } from '../quota/redis-quota.store';
import { CounterReconciler } from './counter.reconciler';
import { RedisBalanceStore } from './redis-balance.store';
import { RedisBudgetCounters } from './redis-budget.counters';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/11';
const RUN = `sy:rec:test-${process.pid}-${Date.now()}:`;
const QUOTA = `${RUN}q:`;
const BAL = `${RUN}b:`;
const USD = 1e9;
const KEY_ID = '00000000-0000-4000-8000-00000000000a';

describe(CounterReconciler.name, () => {
  let t: TestDatabase;
  let admin: Redis;
  let balance: RedisBalanceStore;
  let quota: RedisQuotaStore;
  let budgets: RedisBudgetCounters;
  let pending = 0;
  let sut: CounterReconciler;
  const now = Date.now();
  const p = periodsAt(now);

  beforeAll(async () => {
    t = await openTestDatabase('postgres', 'reconcile');
    await applyMigrations(t.db);
    const db = t.db.prisma;
    await db.tenant.create({ data: { id: 'acme', monthlyBudgetUsd: '100' } });
    await db.virtualKey.create({ data: { id: KEY_ID, tenantId: 'acme', prefix: 'sk-sy-a', hash: hashKey('a') } });
    await db.creditEntry.create({ data: { tenantId: 'acme', amountUsd: '10', kind: 'top_up', actor: 'admin', reason: 'start', createdAt: new Date(now - 3_600_000) } });
    const usage = (requestId: string, cost: string) => ({ requestId, tenantId: 'acme', keyId: KEY_ID, model: 'm', dialect: 'openai', stream: false, status: 'ok', httpStatus: 200, inputTokens: 1, outputTokens: 1, costUsd: cost, latencyMs: 1, startedAt: new Date(now - 1000), finishedAt: new Date(now) });
    await db.usageRecord.createMany({ data: [usage('u1', '1.5'), usage('u2', '0.25')] });
    admin = new Redis(REDIS_URL);
    balance = new RedisBalanceStore(REDIS_URL, { prefix: BAL });
    quota = new RedisQuotaStore(REDIS_URL, { prefix: QUOTA });
    budgets = new RedisBudgetCounters(REDIS_URL, QUOTA);
    expect(await Promise.all([balance.ready(), quota.ready()])).toEqual([true, true]);
    sut = new CounterReconciler({ db: t.db, balance, budgets, pendingUsage: async () => pending });
    // The live counters as admissions left them: the balance seeded with the ledger's $1.75, and
    // the tenant's month counted by one request settled at $1.75.
    await balance.reserve({ account: { tenantId: 'acme', creditsNano: 10 * USD, seedSpentNano: 1.75 * USD }, requestId: 'x', nano: 0, now, leaseMs: 1000 });
    await balance.settle('acme', 'x', 0);
    const admitted = await quota.admit({ scopes: [{ id: 'tenant:acme', limits: { monthlyBudgetUsd: 100 } }], requestId: 'y', reserveTokens: 1, reserveUsd: 2, now, leaseMs: 30_000 });
    if (!admitted.admitted) throw new Error('not admitted');
    await quota.settle(admitted.ticket, { tokens: 1, usd: 1.75 }, now);
  });

  afterAll(async () => {
    const keys = await admin.keys(`${RUN}*`);
    if (keys.length) await admin.del(...keys);
    await Promise.all([admin.quit(), balance.close(), quota.close(), budgets.close()]);
    await t.dispose();
  });

  it('finds nothing to fix when the counters agree with the ledger', async () => {
    const report = await sut.run(now);
    expect(report).toMatchObject({ checked: 3, fixes: [] });
  });

  it('rebuilds a balance and a budget counter that drifted, and reports each difference', async () => {
    // A settle that never ran (Redis timed out, the lease charged in full) and one counted twice.
    await admin.hincrby(`${BAL}acme`, 's', 0.5 * USD);
    await admin.hincrby(`${QUOTA}tenant:acme:m:${p.monthId}`, 's', -0.25 * USD);

    const report = await sut.run(now);

    expect(report.fixes).toEqual([
      { counter: 'balance', scope: 'tenant:acme', period: '', counterUsd: 2.25, ledgerUsd: 1.75, deltaUsd: -0.5 },
      { counter: 'monthly_budget', scope: 'tenant:acme', period: p.monthId, counterUsd: 1.5, ledgerUsd: 1.75, deltaUsd: 0.25 },
    ]);
    expect((await balance.usage('acme', now)).spentNano).toBe(1.75 * USD);
    expect((await quota.usage('tenant:acme', now)).monthSpentUsd).toBe(1.75);
    expect((await sut.run(now)).fixes).toEqual([]);
  });

  it('compares nothing while usage events are still on their way to the ledger', async () => {
    await admin.hincrby(`${BAL}acme`, 's', 1);
    pending = 3;
    const report = await sut.run(now);
    pending = 0;
    expect(report).toMatchObject({ checked: 0, fixes: [], skipped: '3 usage event(s) not yet in the ledger; the next run compares' });
    expect((await sut.run(now)).fixes).toHaveLength(1);
  });

  it("rebuilds a stopping plan's counter from the month's ledger, as a budget's", async () => {
    const db = t.db.prisma;
    await db.plan.create({ data: { id: 'cap', name: 'Cap', includedUsd: '5', overage: 'stop' } });
    await db.tenant.create({ data: { id: 'beta', planId: 'cap' } });
    await db.usageRecord.create({ data: { requestId: 'b1', tenantId: 'beta', keyId: 'kb', model: 'm', dialect: 'openai', stream: false, status: 'ok', httpStatus: 200, inputTokens: 1, outputTokens: 1, costUsd: '0.75', latencyMs: 1, startedAt: new Date(now - 1000), finishedAt: new Date(now) } });
    // The plan's counter as admission left it, then a settle lost: it holds $0.25 of the ledger's $0.75.
    const admitted = await quota.admit({ scopes: [{ id: 'plan:beta', limits: { monthlyBudgetUsd: 5 } }], requestId: 'z', reserveTokens: 1, reserveUsd: 1, now, leaseMs: 30_000 });
    if (!admitted.admitted) throw new Error('not admitted');
    await quota.settle(admitted.ticket, { tokens: 1, usd: 0.25 }, now);

    const report = await sut.run(now);

    expect(report.fixes).toEqual([{ counter: 'plan', scope: 'plan:beta', period: p.monthId, counterUsd: 0.25, ledgerUsd: 0.75, deltaUsd: 0.5 }]);
    expect((await quota.usage('plan:beta', now)).monthSpentUsd).toBe(0.75);
  });
});
