import type { ModelPrice } from '@switchyard/shared';
import type { Database } from './database';

type Money = { toString(): string } | null;

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
      ...optional('reasoning', r.reasoningPerMTok),
      ...optional('batchInput', r.batchInputPerMTok),
      ...optional('batchOutput', r.batchOutputPerMTok),
    });
    prices.set(r.modelName, list);
  }
  return prices;
}

/** The tenants that pay other than the catalogue price: tenant id → multiplier. */
export async function loadPriceMultipliers(db: Database): Promise<Map<string, number>> {
  const rows = await db.prisma.tenant.findMany({ where: { priceMultiplier: { not: null } }, select: { id: true, priceMultiplier: true } });
  return new Map(rows.map((r) => [r.id, Number(r.priceMultiplier)]));
}

/**
 * What each deployment declaring one costs upstream, by deployment id (the id usage events
 * carry). `options.cost` (switchyard.yaml `deployments[].cost`), else the older `options.price`,
 * which meant the same (what the deployment costs, for the lowest-cost strategy).
 */
export async function loadDeploymentCosts(db: Database): Promise<Map<string, ModelPrice>> {
  const rows = await db.prisma.deployment.findMany({ select: { id: true, options: true } });
  const costs = new Map<string, ModelPrice>();
  for (const r of rows) {
    const cost = deploymentCostOf(r.options);
    if (cost) costs.set(r.id, cost);
  }
  return costs;
}

/** A deployment's declared cost from its options JSON; undefined without input and output rates. */
export function deploymentCostOf(options: unknown): ModelPrice | undefined {
  const o = objectOf(options);
  const c = objectOf(o['cost'] ?? o['price']);
  const rate = (k: string) => (typeof c[k] === 'number' ? c[k] : undefined);
  const input = rate('inputPerMTok');
  const output = rate('outputPerMTok');
  if (input === undefined || output === undefined) return undefined;
  const reasoning = rate('reasoningPerMTok');
  const batchInput = rate('batchInputPerMTok');
  const batchOutput = rate('batchOutputPerMTok');
  return {
    from: 0,
    input,
    output,
    cachedInput: rate('cachedInputPerMTok') ?? input,
    cacheWrite: rate('cacheWritePerMTok') ?? input,
    ...(reasoning !== undefined && { reasoning }),
    ...(batchInput !== undefined && { batchInput }),
    ...(batchOutput !== undefined && { batchOutput }),
  };
}

function optional<K extends 'reasoning' | 'batchInput' | 'batchOutput'>(key: K, value: Money): Partial<Record<K, number>> {
  return value === null ? {} : ({ [key]: Number(value.toString()) } as Record<K, number>);
}

function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
