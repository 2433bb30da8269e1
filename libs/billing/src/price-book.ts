import { type Database, loadPriceHistory } from '@switchyard/db';
import type { Usage } from '@switchyard/ir';
import { type ModelPrice, priceAt, usageCostUsd } from '@switchyard/shared';

const REFRESH_MS = 30_000;

/**
 * Prices per million tokens by public model, with history: a request is charged at the price
 * in force when it started, so a price change never re-prices past usage.
 */
export class PriceBook {
  private prices = new Map<string, ModelPrice[]>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(private readonly db: Database) {}

  async refresh(): Promise<void> {
    this.prices = await loadPriceHistory(this.db);
    this.loadedAt = Date.now();
  }

  /** Cost in USD; 0 for a model without a price (it is still recorded, with its tokens). */
  async cost(model: string, usage: Usage | undefined, at: number): Promise<number> {
    if (Date.now() - this.loadedAt > REFRESH_MS) await (this.loading ??= this.refresh().finally(() => (this.loading = undefined)));
    return usageCostUsd(priceAt(this.prices.get(model), at), usage);
  }
}
