// Ledger-driven rebalancing of share-mode budgets (docs/architecture.md §6, "Data across
// regions"): the allowances of one budget never sum past it (given what is spent), none is below
// what its region spent, and unused headroom follows recent spend.
import { type AllowancePlanInput, type RegionSpend, planAllowances } from './budget-allowance.plan';

const NANO = 1_000_000_000n;
const periods = { daily: 'd:20261207', monthly: 'm:202612' };

function spend(day: bigint, recent = day, month = day): RegionSpend {
  return { day, month, recent };
}

function plan(over: Partial<AllowancePlanInput>): Map<string, bigint> {
  const rows = planAllowances({ regions: ['eu', 'us'], scopes: [{ scope: 'tenant:acme', daily: 10n * NANO }], spend: new Map(), periods, ...over });
  return new Map(rows.map((r) => [`${r.period}/${r.region}`, r.allowanceNano]));
}

const sum = (m: Map<string, bigint>, prefix: string) => [...m].filter(([k]) => k.startsWith(prefix)).reduce((a, [, v]) => a + v, 0n);

describe(planAllowances.name, () => {
  it('splits an untouched budget evenly', () => {
    const out = plan({});
    expect(out.get('d:20261207/eu')).toBe(5n * NANO);
    expect(out.get('d:20261207/us')).toBe(5n * NANO);
  });

  it('gives a region its spend plus the larger part of what is left when it is the one spending', () => {
    // eu spent $4 (all of it lately), us nothing: $6 left, eu gets 1/8 + 3/4 of it, us 1/8.
    const out = plan({ spend: new Map([['tenant:acme', new Map([['eu', spend(4n * NANO)]])]]) });
    expect(out.get('d:20261207/eu')).toBe(4n * NANO + (6n * NANO * 7n) / 8n);
    expect(out.get('d:20261207/us')).toBe((6n * NANO) / 8n);
    expect(sum(out, 'd:')).toBe(10n * NANO);
  });

  it('never sums past the budget, rounding every part down to the nano-dollar', () => {
    const out = plan({ regions: ['a', 'b', 'c'], scopes: [{ scope: 'tenant:acme', daily: 10n * NANO + 1n }], spend: new Map([['tenant:acme', new Map([['a', spend(1n, 7n)], ['b', spend(2n, 11n)], ['c', spend(3n, 13n)]])]]) });
    expect(sum(out, 'd:')).toBeLessThanOrEqual(10n * NANO + 1n);
    expect(sum(out, 'd:')).toBeGreaterThan(10n * NANO - 3n);
  });

  it('counts spend of regions it gives nothing (rows without a region, a region not listed) against the budget', () => {
    const out = plan({ spend: new Map([['tenant:acme', new Map([['', spend(3n * NANO, 0n)], ['ap', spend(3n * NANO, 0n)]])]]) });
    expect(out.get('d:20261207/eu')).toBe(2n * NANO);
    expect(out.get('d:20261207/us')).toBe(2n * NANO);
  });

  it('keeps each region at what it spent once the budget is spent, and gives no headroom', () => {
    const out = plan({ spend: new Map([['tenant:acme', new Map([['eu', spend(8n * NANO)], ['us', spend(3n * NANO)]])]]) });
    expect(out.get('d:20261207/eu')).toBe(8n * NANO);
    expect(out.get('d:20261207/us')).toBe(3n * NANO);
  });

  it('plans the daily and the monthly budget each from its own period', () => {
    const out = plan({ scopes: [{ scope: 'tenant:acme', daily: 10n * NANO, monthly: 100n * NANO }], spend: new Map([['tenant:acme', new Map([['eu', spend(2n * NANO, 2n * NANO, 60n * NANO)]])]]) });
    expect(out.get('m:202612/eu')).toBe(60n * NANO + (40n * NANO * 7n) / 8n);
    expect(out.get('m:202612/us')).toBe((40n * NANO) / 8n);
    expect(sum(out, 'm:')).toBe(100n * NANO);
    expect(sum(out, 'd:')).toBe(10n * NANO);
  });

  it('gives nothing for a scope without budgets, and nothing without regions', () => {
    expect(planAllowances({ regions: ['eu'], scopes: [{ scope: 'key:k' }], spend: new Map(), periods })).toEqual([]);
    expect(planAllowances({ regions: [], scopes: [{ scope: 'key:k', daily: NANO }], spend: new Map(), periods })).toEqual([]);
  });
});
