import { parseRetryAfterMs } from './retry-after';

const NOW = Date.parse('Wed, 06 Aug 2025 10:00:00 GMT');

describe(parseRetryAfterMs.name, () => {
  it.each([
    ['20', 20_000],
    ['0', 0],
    ['1.5', 1500],
    ['-3', 0],
    ['Wed, 06 Aug 2025 10:00:30 GMT', 30_000],
    ['Wed, 06 Aug 2025 09:59:00 GMT', 0],
    ['soon', 0],
    ['', 0],
    [undefined, 0],
    // Fuzz counterexample: 1e12 ms did not fit the error event's uint32 and could not be encoded.
    ['1e9', 86_400_000],
    ['Wed, 06 Aug 2125 10:00:00 GMT', 86_400_000],
  ])('reads %j as %i ms', (value, ms) => {
    expect(parseRetryAfterMs(value, NOW)).toBe(ms);
  });
});
