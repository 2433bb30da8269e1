import { configProblems } from './config-problems.testing';
import { parseConfig } from './switchyard-config.loader';

// Plans and spend alerts in switchyard.yaml (issue 16).

const file = (plans: string, tenant = 'plan: pro') => `plans:\n${plans}\ntenants:\n  - { id: acme, ${tenant} }\n`;

describe('plans in switchyard.yaml', () => {
  it('reads a plan with its defaults and a tenant on it with spend alerts', () => {
    const config = parseConfig(file('  - { id: pro, included: { usd: 20 } }', 'plan: pro, alerts: { spend: [50, 80, 100] }'), 'switchyard.yaml');
    expect(config.plans).toEqual([{ id: 'pro', monthlyFeeUsd: 0, included: { usd: 20 }, overage: 'price' }]);
    expect(config.tenants[0]).toMatchObject({ plan: 'pro', alerts: { spend: [50, 80, 100] } });
  });

  it('reads a token plan with a hard stop', () => {
    const config = parseConfig(file('  - { id: pro, name: Pro, monthlyFeeUsd: 49, included: { tokens: 5000000 }, overage: stop }'), 'switchyard.yaml');
    expect(config.plans).toEqual([{ id: 'pro', name: 'Pro', monthlyFeeUsd: 49, included: { tokens: 5_000_000 }, overage: 'stop' }]);
  });

  it('has no plans when the file has none', () => {
    expect(parseConfig('tenants: []', 'switchyard.yaml').plans).toEqual([]);
  });

  it.each([
    ['a plan counting dollars and tokens', file('  - { id: pro, included: { usd: 1, tokens: 10 } }'), /plans\[0\]\.included: give usd or tokens, not both/],
    ['a multiplier on a plan that stops', file('  - { id: pro, overage: stop, overageMultiplier: 2 }'), /plans\[0\]\.overageMultiplier: only a plan with overage: price/],
    ['an unknown overage', file('  - { id: pro, overage: throttle }'), /plans\[0\]\.overage/],
    ['a negative fee', file('  - { id: pro, monthlyFeeUsd: -1 }'), /plans\[0\]\.monthlyFeeUsd/],
    ['two plans of one id', file('  - { id: pro }\n  - { id: pro }'), /plans\[1\]\.id: duplicate plan id "pro"/],
    ['a tenant on an undeclared plan', file('  - { id: pro }', 'plan: gold'), /tenants\[0\]\.plan: unknown plan "gold"; declare it under plans/],
    ['thresholds out of order', file('  - { id: pro }', 'alerts: { spend: [80, 50] }'), /tenants\[0\]\.alerts\.spend: expected ascending, distinct percentages/],
    ['a threshold of 0 %', file('  - { id: pro }', 'alerts: { spend: [0, 50] }'), /tenants\[0\]\.alerts\.spend\[0\]/],
    ['no thresholds', file('  - { id: pro }', 'alerts: { spend: [] }'), /tenants\[0\]\.alerts\.spend/],
  ])('refuses %s', (_, text, problem) => {
    expect(configProblems(text).join('\n')).toMatch(problem);
  });
});
