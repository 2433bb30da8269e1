import { type ModelPrice, maxCostUsd, nanosToDecimal, usageCostNanos, usageCostUsd } from './model-price';

const o1: ModelPrice = { from: 0, input: 15, output: 60, cachedInput: 7.5, cacheWrite: 15, reasoning: 90, batchInput: 7.5, batchOutput: 30 };

describe('usageCostNanos', () => {
  it('prices reasoning tokens (part of the output) at the reasoning rate', () => {
    // 1,000 output tokens of which 400 reasoning: 600 × $60 + 400 × $90 per MTok, 100 input × $15.
    const nanos = usageCostNanos(o1, { inputTokens: 100, outputTokens: 1_000, reasoningTokens: 400 });

    expect(nanos).toBe(1_500_000n + 36_000_000n + 36_000_000n);
  });

  it('prices reasoning tokens at the output rate when the price has no reasoning rate', () => {
    const plain: ModelPrice = { from: 0, input: 1, output: 4, cachedInput: 1, cacheWrite: 1 };

    expect(usageCostNanos(plain, { outputTokens: 1_000, reasoningTokens: 400 })).toBe(4_000_000n);
  });

  it('prices a batch line at the batch rates, reasoning included, and cache reads at their own rate', () => {
    const nanos = usageCostNanos(o1, { inputTokens: 1_000, cachedInputTokens: 200, outputTokens: 100, reasoningTokens: 50 }, { batch: true });

    // Nano-dollars per token are the rate × 1,000: 800 × 7,500 + 200 × 7,500 + 100 × 30,000.
    expect(nanos).toBe(6_000_000n + 1_500_000n + 3_000_000n);
  });

  it('falls back to the interactive rates for a batch line when the price has no batch rates', () => {
    const plain: ModelPrice = { from: 0, input: 2, output: 8, cachedInput: 2, cacheWrite: 2 };

    expect(usageCostNanos(plain, { inputTokens: 1_000, outputTokens: 1_000 }, { batch: true })).toBe(usageCostNanos(plain, { inputTokens: 1_000, outputTokens: 1_000 }));
  });

  it('applies the multiplier to the exact sum and rounds once to the nano-dollar', () => {
    // 7 tokens at $0.00015/MTok = 1.05 nano-dollars; × 1.2 = 1.26 → 1; × 0.8 = 0.84 → 1; × 1.5 = 1.575 → 2.
    const cheap: ModelPrice = { from: 0, input: 0.00015, output: 0.6, cachedInput: 0.00015, cacheWrite: 0.00015 };

    expect(usageCostNanos(cheap, { inputTokens: 7 }, { multiplier: 1.2 })).toBe(1n);
    expect(usageCostNanos(cheap, { inputTokens: 7 }, { multiplier: 0.8 })).toBe(1n);
    expect(usageCostNanos(cheap, { inputTokens: 7 }, { multiplier: 1.5 })).toBe(2n);
    expect(usageCostNanos(cheap, { inputTokens: 7_000_000 }, { multiplier: 1.2 })).toBe(1_260_000n);
  });

  it('adds up many requests to exactly their number times one request (no float drift)', () => {
    const cheap: ModelPrice = { from: 0, input: 0.0001, output: 0.0003, cachedInput: 0.0001, cacheWrite: 0.0001 };
    let sum = 0n;
    for (let i = 0; i < 100_000; i++) sum += usageCostNanos(cheap, { inputTokens: 10, outputTokens: 10 });

    // Each request is 1 + 3 = 4 nano-dollars exactly; a float sum of 4e-9 a hundred thousand times drifts.
    expect(nanosToDecimal(sum)).toBe('0.000400000');
  });

  it('charges nothing without a price or usage', () => {
    expect(usageCostNanos(undefined, { inputTokens: 1 })).toBe(0n);
    expect(usageCostNanos(o1, undefined)).toBe(0n);
  });
});

describe('maxCostUsd', () => {
  it('reserves every output token at the dearest output rate, times the multiplier', () => {
    expect(maxCostUsd(o1, 1_000, 1_000)).toBeCloseTo((1_000 * 15 + 1_000 * 90) / 1e6, 12);
    expect(maxCostUsd(o1, 1_000, 1_000, { multiplier: 2 })).toBeCloseTo((2 * (1_000 * 15 + 1_000 * 90)) / 1e6, 12);
  });

  it('is never below what the same request is charged at settle', () => {
    const usage = { inputTokens: 500, cachedInputTokens: 100, cacheCreationInputTokens: 100, outputTokens: 800, reasoningTokens: 800 };

    expect(maxCostUsd(o1, 500, 800, { multiplier: 1.2 })).toBeGreaterThanOrEqual(usageCostUsd(o1, usage, { multiplier: 1.2 }));
  });
});

describe('maxCostUsd of a batch line', () => {
  const gpt: ModelPrice = { from: 0, input: 2, output: 8, cachedInput: 1, cacheWrite: 2, batchInput: 1, batchOutput: 4 };

  it('reserves at the batch rates only, where the price has them', () => {
    // Interactive: 1,000 × $2 + 1,000 × $8 per MTok; batch: the cache-write rate ($2, unchanged
    // for batches) is the dearest input rate, and $4 the output rate.
    expect(maxCostUsd(gpt, 1_000, 1_000)).toBeCloseTo(0.01, 12);
    expect(maxCostUsd(gpt, 1_000, 1_000, { batch: true })).toBeCloseTo(0.006, 12);
  });

  it('reserves at the interactive rates when the price has no batch rates', () => {
    const plain: ModelPrice = { from: 0, input: 2, output: 8, cachedInput: 2, cacheWrite: 2 };

    expect(maxCostUsd(plain, 1_000, 1_000, { batch: true })).toBe(maxCostUsd(plain, 1_000, 1_000));
  });

  it('is never below what the batch line is charged at settle', () => {
    const usage = { inputTokens: 500, cachedInputTokens: 100, cacheCreationInputTokens: 100, outputTokens: 800, reasoningTokens: 800 };

    expect(maxCostUsd(o1, 500, 800, { batch: true, multiplier: 1.2 })).toBeGreaterThanOrEqual(usageCostUsd(o1, usage, { batch: true, multiplier: 1.2 }));
  });
});

describe('nanosToDecimal', () => {
  it('writes nine decimals, signs included', () => {
    expect(nanosToDecimal(123_450n)).toBe('0.000123450');
    expect(nanosToDecimal(-1_500_000_000n)).toBe('-1.500000000');
  });
});
