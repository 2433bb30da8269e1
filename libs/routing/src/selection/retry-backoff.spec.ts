import { backoffMs } from './retry-backoff';

describe(backoffMs.name, () => {
  it.each([
    // attempt, retry-after, random, expected
    [1, 0, 0.999, 499],
    [2, 0, 0.5, 500],
    [3, 0, 0.999, 1998],
    [5, 0, 0.999, 7992],
    [10, 0, 0.999, 7992],
    [1000, 0, 0.999, 7992],
    [1, 3000, 0.999, 3000],
    [1, 3000, 0, 3000],
    [5, 3000, 0.5, 4000],
    [1, 0, 0, 0],
    [0, 0, 0.999, 249],
    [-3, 0, 0.999, 249],
    [Number.NaN, 0, 0.999, 249],
    [1, -5, 0.5, 250],
    [1, Number.NaN, 0.5, 250],
  ])('attempt %d with retry-after %d and random %d waits %d ms', (attempt, retryAfter, random, ms) => {
    expect(backoffMs(attempt, retryAfter, () => random)).toBe(ms);
  });

  it('stays within [retry-after, max(retry-after, 8 s)) for every draw', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      for (const random of [0, 0.25, 0.5, 0.75, 0.999999]) {
        const ms = backoffMs(attempt, 100, () => random);
        expect(ms).toBeGreaterThanOrEqual(100);
        expect(ms).toBeLessThan(8000);
      }
    }
  });
});
