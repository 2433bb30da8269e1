import type { Database } from '@switchyard/db';
import type { Usage } from '@switchyard/ir';

interface PriceRow {
  from: number;
  input: number;
  output: number;
  cachedInput: number;
  cacheWrite: number;
}

const REFRESH_MS = 30_000;

/**
 * Prices per million tokens by public model, with history: a request is charged at the price
 * in force when it started, so a price change never re-prices past usage.
 */
export class PriceBook {
  private prices = new Map<string, PriceRow[]>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(private readonly db: Database) {}

  async refresh(): Promise<void> {
    const rows = await this.db.prisma.price.findMany({ orderBy: { effectiveFrom: 'desc' } });
    const next = new Map<string, PriceRow[]>();
    for (const r of rows) {
      const list = next.get(r.modelName) ?? [];
      const input = Number(r.inputPerMTok);
      list.push({
        from: r.effectiveFrom.getTime(),
        input,
        output: Number(r.outputPerMTok),
        cachedInput: r.cachedInputPerMTok === null ? input : Number(r.cachedInputPerMTok),
        cacheWrite: r.cacheWritePerMTok === null ? input : Number(r.cacheWritePerMTok),
      });
      next.set(r.modelName, list);
    }
    this.prices = next;
    this.loadedAt = Date.now();
  }

  /** Cost in USD; 0 for a model without a price (it is still recorded, with its tokens). */
  async cost(model: string, usage: Usage | undefined, at: number): Promise<number> {
    if (Date.now() - this.loadedAt > REFRESH_MS) await (this.loading ??= this.refresh().finally(() => (this.loading = undefined)));
    const list = this.prices.get(model);
    const price = list?.find((p) => p.from <= at) ?? list?.[list.length - 1];
    if (!price || !usage) return 0;
    // inputTokens counts every prompt token; cache reads and writes are priced apart.
    const input = usage.inputTokens ?? 0;
    const cached = Math.min(usage.cachedInputTokens ?? 0, input);
    const written = Math.min(usage.cacheCreationInputTokens ?? 0, input - cached);
    const fresh = input - cached - written;
    return (fresh * price.input + cached * price.cachedInput + written * price.cacheWrite + (usage.outputTokens ?? 0) * price.output) / 1_000_000;
  }
}
