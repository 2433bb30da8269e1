import type { DescribeKeyResponse } from '@switchyard/ir';
import { periodsOf, renderMe } from './me.render';

const NOW = Date.parse('2026-12-07T15:30:00Z');
const USAGE = { requests: 0, tokens: 0, inFlight: 0, daySpentUsd: 0, dayReservedUsd: 0, monthSpentUsd: 0, monthReservedUsd: 0 };

const DESCRIBED: DescribeKeyResponse = {
  tenantId: 'acme',
  tenantName: 'Acme Corp',
  keyId: 'k-1',
  keyPrefix: 'sk-sy-ab12cd',
  keyName: '',
  expiresAtMs: 0,
  models: ['gpt-*'],
  tenantModels: [],
  keyLimits: { rpm: 60, tpm: 10_000 },
  tenantLimits: { rpm: 100, dailyBudgetUsd: 5, monthlyBudgetUsd: 100 },
  keyUsage: { ...USAGE, requests: 3, tokens: 1200 },
  tenantUsage: { ...USAGE, requests: 98, daySpentUsd: 1.1, dayReservedUsd: 0.2, monthSpentUsd: 40.1 },
  corsOrigins: [],
};

describe(renderMe.name, () => {
  it('renders the key, its tenant, limits, the tightest remaining, budgets and spend in OpenAI conventions', () => {
    const body = JSON.parse(renderMe(DESCRIBED, { key: { todayUsd: 0.1 + 0.2, monthUsd: 2 }, tenant: { todayUsd: 1.1, monthUsd: 40.1 } }, NOW));
    expect(body).toEqual({
      object: 'switchyard.me',
      tenant: { id: 'acme', name: 'Acme Corp', models: [] },
      key: { id: 'k-1', prefix: 'sk-sy-ab12cd', name: null, expires_at: null, models: ['gpt-*'] },
      limits: { key: { rpm: 60, tpm: 10_000, max_concurrency: null }, tenant: { rpm: 100, tpm: null, max_concurrency: null } },
      // The tenant has 2 requests left this minute, the key 57: the tenant's bind.
      remaining: { requests_per_minute: 2, tokens_per_minute: 8800 },
      budgets: [
        { scope: 'tenant', period: 'daily', limit_usd: 5, used_usd: 1.1, reserved_usd: 0.2, remaining_usd: 3.7, resets_at: Date.parse('2026-12-08T00:00:00Z') / 1000 },
        { scope: 'tenant', period: 'monthly', limit_usd: 100, used_usd: 40.1, reserved_usd: 0, remaining_usd: 59.9, resets_at: Date.parse('2027-01-01T00:00:00Z') / 1000 },
      ],
      balance: null,
      plan: null,
      spend: { key: { today_usd: 0.3, month_usd: 2 }, tenant: { today_usd: 1.1, month_usd: 40.1 } },
    });
  });

  it("renders the tenant's plan: used from the plan's counter when admission keeps one, else from the ledger", () => {
    const spend = { key: { todayUsd: 0, monthUsd: 2 }, tenant: { todayUsd: 0, monthUsd: 12.5, monthTokens: 700 } };
    const MONTH_ENDS = Date.parse('2027-01-01T00:00:00Z') / 1000;
    const counted = JSON.parse(renderMe({ ...DESCRIBED, plan: { id: 'starter', name: 'Starter', unit: 'tokens', included: 5_000_000, overage: 'stop', used: 1500, reserved: 600 } }, spend, NOW));
    expect(counted.plan).toEqual({ id: 'starter', name: 'Starter', unit: 'tokens', included: 5_000_000, used: 1500, reserved: 600, remaining: 4_997_900, used_from: 'quota', overage: 'stop', resets_at: MONTH_ENDS });

    const priced = JSON.parse(renderMe({ ...DESCRIBED, plan: { id: 'pro', name: '', unit: 'usd', included: 20, overage: 'price' } }, spend, NOW));
    expect(priced.plan).toEqual({ id: 'pro', name: null, unit: 'usd', included: 20, used: 12.5, reserved: 0, remaining: 7.5, used_from: 'ledger', overage: 'price', resets_at: MONTH_ENDS });

    const unread = JSON.parse(renderMe({ ...DESCRIBED, plan: { id: 'pro', name: '', unit: 'usd', included: 20, overage: 'price' } }, undefined, NOW));
    expect(unread.plan).toMatchObject({ id: 'pro', included: 20, used: null, reserved: null, remaining: null, used_from: null });
  });

  it('says null where nothing limits and where the ledger could not be read', () => {
    const body = JSON.parse(renderMe({ ...DESCRIBED, keyLimits: undefined, tenantLimits: undefined, keyUsage: undefined, tenantUsage: undefined, expiresAtMs: Date.parse('2027-01-01T00:00:00Z') }, undefined, NOW));
    expect(body.remaining).toEqual({ requests_per_minute: null, tokens_per_minute: null });
    expect(body.budgets).toEqual([]);
    expect(body.spend).toBeNull();
    expect(body.key.expires_at).toBe(Date.parse('2027-01-01T00:00:00Z') / 1000);
  });
});

describe(periodsOf.name, () => {
  it('gives the UTC day, the first day of the month and when each period ends, across a year end', () => {
    expect(periodsOf(Date.parse('2026-12-31T23:59:59Z'))).toEqual({
      today: '2026-12-31',
      monthStart: '2026-12-01',
      dayEnds: Date.parse('2027-01-01T00:00:00Z'),
      monthEnds: Date.parse('2027-01-01T00:00:00Z'),
    });
  });
});
