import { nanoUsdOf, usdOfNano } from './nano-usd';

describe('nano-USD amounts', () => {
  it('reads the decimal text Postgres gives for numeric(18,9)', () => {
    expect(nanoUsdOf('0.000000001')).toBe(1n);
    expect(nanoUsdOf('12.5')).toBe(12_500_000_000n);
    expect(nanoUsdOf('-3.000000007')).toBe(-3_000_000_007n);
    expect(nanoUsdOf('999999999.999999999')).toBe(999_999_999_999_999_999n);
    expect(nanoUsdOf('7')).toBe(7_000_000_000n);
  });

  it('refuses what is not an exact amount at the ledger scale', () => {
    for (const bad of ['', '1e-9', '0.0000000001', 'abc', '1.2.3', 'NaN']) expect(() => nanoUsdOf(bad)).toThrow(/not a USD amount/);
  });

  it('writes nine decimals and round-trips', () => {
    expect(usdOfNano(0n)).toBe('0.000000000');
    expect(usdOfNano(-1n)).toBe('-0.000000001');
    expect(usdOfNano(12_500_000_000n)).toBe('12.500000000');
    for (const text of ['0.123456789', '-41.000000010', '100.000000000']) expect(usdOfNano(nanoUsdOf(text))).toBe(text);
  });
});
