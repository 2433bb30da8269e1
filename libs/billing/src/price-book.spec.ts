import type { Database } from '@switchyard/db';
import { PriceBook } from './price-book';

// The pricing arithmetic over price rows as the database returns them (Decimal-like values).
function bookWith(rows: object[]): PriceBook {
  const none = { findMany: async () => [] };
  const db = { prisma: { price: { findMany: async () => rows }, tenant: none, deployment: none } } as unknown as Database;
  return new PriceBook(db);
}

const row = (from: string, input: string, output: string, cachedInput: string | null, cacheWrite: string | null) => ({
  modelName: 'claude',
  effectiveFrom: new Date(from),
  inputPerMTok: input,
  outputPerMTok: output,
  cachedInputPerMTok: cachedInput,
  cacheWritePerMTok: cacheWrite,
  reasoningPerMTok: null,
  batchInputPerMTok: null,
  batchOutputPerMTok: null,
});

describe(PriceBook.name, () => {
  it('prices fresh input, cache reads, cache writes and output each at their own rate', async () => {
    const book = bookWith([row('2026-01-01', '3', '15', '0.3', '3.75')]);
    // 10,000 prompt tokens of which 4,000 read from the cache and 2,000 written to it; 1,000 out.
    const usage = { inputTokens: 10_000, cachedInputTokens: 4_000, cacheCreationInputTokens: 2_000, outputTokens: 1_000, reasoningTokens: 0 };

    const cost = await book.cost('claude', usage, Date.parse('2026-06-01'));

    expect(cost).toBeCloseTo((4_000 * 3 + 4_000 * 0.3 + 2_000 * 3.75 + 1_000 * 15) / 1e6, 12);
  });

  it('charges cache writes at the input price when no write price is set, and uses the price in force', async () => {
    const book = bookWith([row('2026-06-01', '6', '30', null, null), row('2026-01-01', '3', '15', null, null)]);
    const usage = { inputTokens: 1_000, cachedInputTokens: 0, cacheCreationInputTokens: 500, outputTokens: 100, reasoningTokens: 0 };

    expect(await book.cost('claude', usage, Date.parse('2026-03-01'))).toBeCloseTo((1_000 * 3 + 100 * 15) / 1e6, 12);
    expect(await book.cost('claude', usage, Date.parse('2026-07-01'))).toBeCloseTo((1_000 * 6 + 100 * 30) / 1e6, 12);
    expect(await book.cost('unknown', usage, Date.parse('2026-07-01'))).toBe(0);
  });
});
