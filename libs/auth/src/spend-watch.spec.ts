import type { SpendAlert } from '@switchyard/notify';
import type { KeyRecord } from './key-directory.types';
import { tenantPlanQuota } from './plan-quota';
import { MemoryQuotaStore, type SettledSpend } from './quota';
import { SpendWatch } from './spend-watch';

// Which settles and refusals become spend alerts (issue 16); delivery is spend-alerts.spec.ts.

const AT = Date.UTC(2026, 11, 6, 12);
const record = (over: Partial<KeyRecord>): KeyRecord => ({ id: 'k1', tenantId: 'acme', models: [], expiresAt: undefined, revoked: false, spendAlerts: [50, 80, 100], ...over });
const spent = (scope: string, before: number, after: number): SettledSpend => ({ scope, usedNano: after - before, daySpentNano: after, monthSpentNano: after });

describe(SpendWatch.name, () => {
  let alerts: SpendAlert[];
  let sut: SpendWatch;
  const quota = new MemoryQuotaStore();

  beforeEach(() => {
    alerts = [];
    sut = new SpendWatch({ notify: (a) => alerts.push(a) }, quota);
  });

  it('announces each threshold of the monthly budget crossed by a settle, and only those', () => {
    sut.load([record({ tenantLimits: { monthlyBudgetUsd: 10 } })]);
    sut.settled([spent('tenant:acme', 1e9, 4.9e9)], AT);
    sut.settled([spent('tenant:acme', 4.9e9, 8.5e9)], AT);
    sut.settled([spent('tenant:acme', 8.5e9, 9e9)], AT);
    expect(alerts.map((a) => [a.basis, a.thresholdPercent, a.spent, a.limit, a.unit, a.periodId])).toEqual([
      ['budget', 50, 8.5, 10, 'usd', '202612'],
      ['budget', 80, 8.5, 10, 'usd', '202612'],
    ]);
  });

  it('counts a token plan in tokens', () => {
    sut.load([record({ plan: tenantPlanQuota('capped', 'tokens', 1000, true) })]);
    sut.settled([spent('plan-tokens:acme', 700, 1000)], AT);
    expect(alerts.map((a) => [a.basis, a.planId, a.thresholdPercent, a.spent, a.limit, a.unit])).toEqual([
      ['plan', 'capped', 80, 1000, 1000, 'tokens'],
      ['plan', 'capped', 100, 1000, 1000, 'tokens'],
    ]);
  });

  it('announces the thresholds of a prepaid balance crossed by a charge, as percentages of the credits', () => {
    sut.load([record({ balance: { tenantId: 'acme', creditsNano: 20e9, seedSpentNano: 0 } })]);
    sut.balanceSettled({ tenantId: 'acme', spentNano: 9e9, usedNano: 9e9 }, AT);
    sut.balanceSettled({ tenantId: 'acme', spentNano: 17e9, usedNano: 8e9 }, AT);
    sut.balanceSettled({ tenantId: 'other', spentNano: 20e9, usedNano: 20e9 }, AT);
    expect(alerts.map((a) => [a.basis, a.thresholdPercent, a.spent, a.limit, a.unit])).toEqual([
      ['balance', 50, 17, 20, 'usd'],
      ['balance', 80, 17, 20, 'usd'],
    ]);
  });

  it('ignores tenants without thresholds and scopes that are not theirs', () => {
    sut.load([record({ spendAlerts: [], tenantLimits: { monthlyBudgetUsd: 10 } })]);
    sut.settled([spent('tenant:acme', 0, 10e9), spent('key:k1', 0, 10e9)], AT);
    expect(alerts).toEqual([]);
  });

  it('announces the thresholds up to 100 % at the first refusal of a plan that stops, once per process and month', async () => {
    sut.load([record({ plan: tenantPlanQuota('starter', 'usd', 1, true), spendAlerts: [50, 100, 150] })]);
    sut.refused('plan:acme', AT);
    sut.refused('plan:acme', AT);
    await new Promise((r) => setImmediate(r));
    expect(alerts.map((a) => a.thresholdPercent)).toEqual([50, 100]);
  });
});
