import type { ModelPrice } from '@switchyard/shared';
import type { Database } from './database';

/** Every model's price history, newest first (billing and admission price from it). */
export async function loadPriceHistory(db: Database): Promise<Map<string, ModelPrice[]>> {
  const rows = await db.prisma.price.findMany({ orderBy: { effectiveFrom: 'desc' } });
  const prices = new Map<string, ModelPrice[]>();
  for (const r of rows) {
    const input = Number(r.inputPerMTok);
    const list = prices.get(r.modelName) ?? [];
    list.push({
      from: r.effectiveFrom.getTime(),
      input,
      output: Number(r.outputPerMTok),
      cachedInput: r.cachedInputPerMTok === null ? input : Number(r.cachedInputPerMTok),
      cacheWrite: r.cacheWritePerMTok === null ? input : Number(r.cacheWritePerMTok),
    });
    prices.set(r.modelName, list);
  }
  return prices;
}
