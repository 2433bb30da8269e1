import { Dialect } from '@switchyard/ir';
import { rateLimitHeaders, resetDuration } from './rate-limit.headers';

describe(resetDuration.name, () => {
  it.each([
    [0, '0ms'],
    [20, '20ms'],
    [999.2, '1000ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [59_999, '59.999s'],
    [60_000, '1m0s'],
    [360_000, '6m0s'],
    [61_500, '1m1.5s'],
  ])('%d ms → %s, as OpenAI writes it', (ms, text) => {
    expect(resetDuration(ms)).toBe(text);
  });
});

describe(rateLimitHeaders.name, () => {
  const rate = { limitRequests: 60, remainingRequests: 59, resetRequestsMs: 1000, limitTokens: 10_000, remainingTokens: 9_000, resetTokensMs: 6_000 };

  it('gives every dialect the x-ratelimit-* headers', () => {
    expect(rateLimitHeaders(Dialect.DIALECT_OPENAI, rate)).toEqual({
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '59',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-limit-tokens': '10000',
      'x-ratelimit-remaining-tokens': '9000',
      'x-ratelimit-reset-tokens': '6s',
    });
    expect(Object.keys(rateLimitHeaders(Dialect.DIALECT_GEMINI, rate))).toHaveLength(6);
  });

  it('adds Anthropic\'s own headers, resets as instants, for Anthropic clients', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(rateLimitHeaders(Dialect.DIALECT_ANTHROPIC, rate, now)).toMatchObject({
      'anthropic-ratelimit-requests-limit': '60',
      'anthropic-ratelimit-requests-remaining': '59',
      'anthropic-ratelimit-requests-reset': '2026-01-01T00:00:01.000Z',
      'anthropic-ratelimit-tokens-limit': '10000',
      'anthropic-ratelimit-tokens-remaining': '9000',
      'anthropic-ratelimit-tokens-reset': '2026-01-01T00:00:06.000Z',
    });
  });

  it('leaves out a dimension without a limit, and everything when nothing is limited', () => {
    expect(rateLimitHeaders(Dialect.DIALECT_OPENAI, { limitRequests: 5, remainingRequests: 0, resetRequestsMs: 30 })).toEqual({
      'x-ratelimit-limit-requests': '5',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '30ms',
    });
    expect(rateLimitHeaders(Dialect.DIALECT_OPENAI, undefined)).toEqual({});
  });
});
