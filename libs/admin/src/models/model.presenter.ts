import type { Deployment, Model, Price, Prisma } from '@switchyard/db';
import { jsonState } from '../schemas/json-state';
import type { DeploymentView, ModelView, PriceView } from './model.routes';

export type ModelRow = Model & { deployments: Deployment[]; prices: Price[] };

/** How a model is read for its view: deployments in tier order, and the price in force now. */
export function modelInclude(now = new Date()) {
  return {
    deployments: { orderBy: [{ priority: 'asc' as const }, { providerId: 'asc' as const }, { upstreamModel: 'asc' as const }] },
    prices: { where: { effectiveFrom: { lte: now } }, orderBy: { effectiveFrom: 'desc' as const }, take: 1 },
  };
}

type Json = Record<string, unknown>;

export function jsonObject(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function numbers(value: unknown): Record<string, number> | null {
  if (value === undefined) return null;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(jsonObject(value))) if (typeof v === 'number') out[k] = v;
  return out;
}

export function modelViewOf(row: ModelRow): ModelView {
  const o = jsonObject(row.options);
  const latest = row.prices[0];
  return {
    name: row.name,
    strategy: row.strategy,
    fallbacks: row.fallbacks,
    timeouts: numbers(o['timeouts']),
    contextWindow: typeof o['contextWindow'] === 'number' ? o['contextWindow'] : null,
    contextFallback: typeof o['contextFallback'] === 'string' ? o['contextFallback'] : null,
    hedge: numbers(o['hedge']),
    cache: numbers(o['cache']),
    deployments: row.deployments.map(deploymentViewOf),
    price: latest ? priceViewOf(latest) : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function deploymentViewOf(d: Deployment): DeploymentView {
  const o = jsonObject(d.options);
  const cost = jsonObject(o['cost'] ?? o['price']);
  const num = (k: string) => (typeof cost[k] === 'number' ? cost[k] : null);
  const input = num('inputPerMTok');
  const output = num('outputPerMTok');
  const rates =
    input === null || output === null
      ? null
      : {
          inputPerMTok: input,
          outputPerMTok: output,
          cachedInputPerMTok: num('cachedInputPerMTok'),
          cacheWritePerMTok: num('cacheWritePerMTok'),
          reasoningPerMTok: num('reasoningPerMTok'),
          batchInputPerMTok: num('batchInputPerMTok'),
          batchOutputPerMTok: num('batchOutputPerMTok'),
        };
  return {
    id: d.id,
    provider: d.providerId,
    model: d.upstreamModel,
    weight: d.weight,
    priority: d.priority,
    rpm: d.rpm,
    tpm: d.tpm,
    cost: rates,
    price: rates,
  };
}

export function priceViewOf(p: Price): PriceView {
  const n = (v: { toString(): string } | null) => (v === null ? null : Number(v.toString()));
  return {
    id: p.id,
    model: p.modelName,
    inputPerMTok: Number(p.inputPerMTok.toString()),
    outputPerMTok: Number(p.outputPerMTok.toString()),
    cachedInputPerMTok: n(p.cachedInputPerMTok),
    cacheWritePerMTok: n(p.cacheWritePerMTok),
    reasoningPerMTok: n(p.reasoningPerMTok),
    batchInputPerMTok: n(p.batchInputPerMTok),
    batchOutputPerMTok: n(p.batchOutputPerMTok),
    effectiveFrom: p.effectiveFrom.toISOString(),
  };
}

/** The model's own settings for the audit log (deployments and prices have rows of their own). */
export function modelAuditState(view: ModelView): Prisma.InputJsonObject {
  const { createdAt: _c, updatedAt: _u, deployments: _d, price: _p, ...state } = view;
  return jsonState(state);
}

export function deploymentAuditState(model: string, view: DeploymentView): Prisma.InputJsonObject {
  const { id: _id, ...state } = view;
  return jsonState({ modelName: model, ...state });
}
