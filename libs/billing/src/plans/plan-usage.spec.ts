import { planUsage, planUsageNano, toNano } from './plan-usage';

describe('planUsage', () => {
  const usdPlan = { monthlyFeeUsd: '49.00', includedUsd: '20', overage: 'price' as const, overageMultiplier: '1.5' };

  it('includes usage up to the included dollars and charges nothing past the fee below it', () => {
    expect(planUsage(usdPlan, 12.5, 1000)).toEqual({ feeUsd: 49, included: { usd: 12.5, tokens: 1000 }, overage: { usd: 0, tokens: 0, chargeUsd: 0 } });
  });

  it('charges the overage at the catalogue cost times the multiplier', () => {
    const u = planUsage(usdPlan, 30, 3000);
    expect(u.included).toEqual({ usd: 20, tokens: 2000 });
    expect(u.overage).toEqual({ usd: 10, tokens: 1000, chargeUsd: 15 });
  });

  it('splits a token plan at its included tokens, the cost pro rata', () => {
    const u = planUsage({ monthlyFeeUsd: 10, includedTokens: 1_000_000, overage: 'price' }, 3, 1_500_000);
    expect(u.included).toEqual({ usd: 2, tokens: 1_000_000 });
    expect(u.overage).toEqual({ usd: 1, tokens: 500_000, chargeUsd: 1 });
  });

  it('includes nothing on a plan without included usage', () => {
    expect(planUsage({ monthlyFeeUsd: 0, overage: 'price' }, 4, 10).overage).toEqual({ usd: 4, tokens: 10, chargeUsd: 4 });
  });

  it('keeps included + overage equal to the used amount, to the nano-dollar', () => {
    const used = 123_456_789_123n;
    const u = planUsageNano({ monthlyFeeUsd: '0', includedTokens: 333, overage: 'price', overageMultiplier: '0.333333333' }, used, 1000n);
    expect(u.included.nano + u.overage.nano).toBe(used);
    expect(u.included.tokens + u.overage.tokens).toBe(1000n);
  });

  it('reads decimals exactly, as Prisma and the file hand them', () => {
    expect(toNano('0.000000001')).toBe(1n);
    expect(toNano(1e-7)).toBe(100n);
    expect(toNano('18.1234567895')).toBe(18_123_456_790n);
    expect(() => toNano('abc')).toThrow(RangeError);
  });
});
