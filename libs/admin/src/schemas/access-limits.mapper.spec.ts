import { accessLimitData } from './access-limits.mapper';

describe(accessLimitData.name, () => {
  it('writes only the fields sent, in column names', () => {
    expect(accessLimitData({ rpm: 60, concurrency: 2, regions: ['eu'], ips: [] })).toEqual({ rpm: 60, maxConcurrency: 2, allowedRegions: ['eu'], allowedIps: [] });
    expect(accessLimitData({})).toEqual({});
  });

  it('clears a limit sent as null', () => {
    expect(accessLimitData({ rpm: null, tpm: null, concurrency: null })).toEqual({ rpm: null, tpm: null, maxConcurrency: null });
  });

  it('changes one budget at a time, or clears both with budget: null', () => {
    expect(accessLimitData({ budget: { dailyUsd: 2.5 } })).toEqual({ dailyBudgetUsd: '2.5' });
    expect(accessLimitData({ budget: { monthlyUsd: null } })).toEqual({ monthlyBudgetUsd: null });
    expect(accessLimitData({ budget: null })).toEqual({ dailyBudgetUsd: null, monthlyBudgetUsd: null });
  });
});
