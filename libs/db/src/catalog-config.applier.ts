import { describeUpstreamKey, displayBaseUrl, providerKeyContext, sealUpstreamKey, type ModelConfig, type ProviderConfig, type SecretBox } from '@switchyard/config';
import { sameState, usd, usdOrNull, type ConfigApplyContext, type DecimalValue, type EntityState } from './config-apply.context';
import type { ConfigState, ConfigValue } from './config-change.types';
import type { Deployment, Price, Provider } from './generated/prisma/client';

/**
 * Upserts providers by id. Providers absent from the file are left alone. Literal upstream keys
 * are sealed when a secret box is configured (re-using the stored sealed value when it still
 * opens to the same key, so applying twice changes nothing).
 */
export async function applyProviders(ctx: ConfigApplyContext, providers: ProviderConfig[], box?: SecretBox): Promise<void> {
  const existing = new Map((await ctx.tx.provider.findMany()).map((row) => [row.id, row]));
  for (const p of providers) {
    const previous = existing.get(p.id)?.apiKeys ?? [];
    const data = {
      type: p.type,
      baseUrl: p.baseUrl,
      // References (env:NAME) as written, resolved by the adapters that use them; literals sealed.
      apiKeys: p.apiKeys.map((ref) => sealUpstreamKey(ref, box, providerKeyContext(p.id), previous)),
      region: p.region ?? null,
      options: p.options ?? {},
      // {} is the family's defaults; an operator's allow/deny is stored as written.
      passthrough: { ...p.passthrough },
    };
    const current = existing.get(p.id);
    await ctx.sync({
      entity: 'provider',
      id: p.id,
      current: current && providerState(current),
      desired: providerState(data),
      redact: redactApiKeys,
      write: async () => {
        if (current) await ctx.tx.provider.update({ where: { id: p.id }, data });
        else await ctx.tx.provider.create({ data: { id: p.id, ...data } });
        return p.id;
      },
    });
  }
}

/**
 * Upserts models by public name, then their deployments (removing the deployments of each
 * listed model that the file no longer lists), then their prices (a new Price row only when
 * the price differs from the latest one). Models absent from the file are left alone.
 */
export async function applyModels(ctx: ConfigApplyContext, models: ModelConfig[]): Promise<void> {
  const names = models.map((m) => m.name);
  const existing = new Map((await ctx.tx.model.findMany({ where: { name: { in: names } } })).map((r) => [r.name, r]));
  for (const m of models) {
    const current = existing.get(m.name);
    await ctx.sync({
      entity: 'model',
      id: m.name,
      current: current && { fallbacks: current.fallbacks, strategy: current.strategy, options: current.options as ConfigState },
      desired: { fallbacks: m.fallbacks, strategy: m.strategy, options: modelOptions(m) },
      write: async () => {
        const data = { fallbacks: m.fallbacks, strategy: m.strategy, options: modelOptions(m) };
        if (current) await ctx.tx.model.update({ where: { name: m.name }, data });
        else await ctx.tx.model.create({ data: { name: m.name, ...data } });
        return m.name;
      },
    });
  }
  await applyDeployments(ctx, models, names);
  await applyPrices(ctx, models, names);
}

async function applyDeployments(ctx: ConfigApplyContext, models: ModelConfig[], names: string[]): Promise<void> {
  const rows = await ctx.tx.deployment.findMany({ where: { modelName: { in: names } } });
  const existing = new Map(rows.map((row) => [deploymentId(row.modelName, row.providerId, row.upstreamModel), row]));
  for (const m of models) {
    for (const d of m.deployments) {
      const id = deploymentId(m.name, d.provider, d.model);
      const current = existing.get(id);
      existing.delete(id);
      const data = { weight: d.weight, priority: d.priority, rpm: d.rpm ?? null, tpm: d.tpm ?? null, options: deploymentOptions(d) };
      const key = { modelName: m.name, providerId: d.provider, upstreamModel: d.model };
      await ctx.sync({
        entity: 'deployment',
        id,
        current: current && deploymentState(current),
        desired: deploymentState({ ...key, ...data }),
        write: async () => {
          if (current) return (await ctx.tx.deployment.update({ where: { id: current.id }, data })).id;
          return (await ctx.tx.deployment.create({ data: { ...key, ...data } })).id;
        },
      });
    }
  }
  for (const [id, row] of existing) {
    await ctx.apply({
      entity: 'deployment',
      id,
      action: 'delete',
      before: deploymentState(row),
      write: async () => (await ctx.tx.deployment.delete({ where: { id: row.id } })).id,
    });
  }
}

async function applyPrices(ctx: ConfigApplyContext, models: ModelConfig[], names: string[]): Promise<void> {
  const rows = await ctx.tx.price.findMany({ where: { modelName: { in: names } }, orderBy: { effectiveFrom: 'desc' } });
  const latest = new Map<string, Price>();
  for (const row of rows) if (!latest.has(row.modelName)) latest.set(row.modelName, row);
  for (const m of models) {
    // A model without a price in the file keeps its price history untouched.
    if (!m.price) continue;
    const current = latest.get(m.name);
    const after = priceState(m.price);
    if (current && sameState(priceState(current), after)) {
      ctx.unchanged('price', m.name);
      continue;
    }
    const price = m.price;
    await ctx.apply({
      entity: 'price',
      id: m.name,
      // Prices are append-only: a change inserts a newer row, audited as an update of the price.
      action: current ? 'update' : 'create',
      before: current && priceState(current),
      after,
      write: async () => {
        await ctx.tx.price.create({
          data: {
            modelName: m.name,
            inputPerMTok: price.inputPerMTok,
            outputPerMTok: price.outputPerMTok,
            cachedInputPerMTok: price.cachedInputPerMTok ?? null,
            cacheWritePerMTok: price.cacheWritePerMTok ?? null,
            reasoningPerMTok: price.reasoningPerMTok ?? null,
            batchInputPerMTok: price.batchInputPerMTok ?? null,
            batchOutputPerMTok: price.batchOutputPerMTok ?? null,
          },
        });
        return m.name;
      },
    });
  }
}

function deploymentId(model: string, provider: string, upstreamModel: string): string {
  return `${model}/${provider}/${upstreamModel}`;
}

function providerState(p: Pick<Provider, 'type' | 'baseUrl' | 'apiKeys' | 'region'> & { options: unknown; passthrough: unknown }): EntityState {
  return {
    type: p.type,
    baseUrl: p.baseUrl,
    apiKeys: p.apiKeys,
    region: p.region,
    options: p.options as ConfigState,
    // Only a policy that says something is part of the state, so providers on the defaults read as before.
    ...(isPolicy(p.passthrough) ? { passthrough: p.passthrough as ConfigState } : {}),
  };
}

function isPolicy(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0;
}

/**
 * A reference (`env:NAME`) is safe to log, a sealed value by its key id; a literal key never;
 * nor credentials or a query in a base URL stored before they were refused.
 */
function redactApiKeys(state: EntityState): EntityState {
  const apiKeys = state.apiKeys as string[];
  return { ...state, baseUrl: displayBaseUrl(state.baseUrl as string), apiKeys: apiKeys.map((ref) => (ref.startsWith('env:') ? ref : ref.startsWith('enc:') ? describeUpstreamKey(ref) : '[literal]')) };
}

/** The per-model routing settings stored in models.options (strategy has its own column). */
function modelOptions(m: ModelConfig): ConfigState {
  const o: Record<string, ConfigValue> = {};
  if (m.timeouts) o['timeouts'] = { ...m.timeouts };
  if (m.contextWindow !== undefined) o['contextWindow'] = m.contextWindow;
  if (m.contextFallback !== undefined) o['contextFallback'] = m.contextFallback;
  if (m.hedge) o['hedge'] = { ...m.hedge };
  if (m.cache) o['cache'] = { ...m.cache };
  return o;
}

function deploymentState(
  d: Pick<Deployment, 'modelName' | 'providerId' | 'upstreamModel' | 'weight' | 'priority' | 'rpm' | 'tpm'> & { options: unknown },
): EntityState {
  return {
    model: d.modelName,
    provider: d.providerId,
    upstreamModel: d.upstreamModel,
    weight: d.weight,
    priority: d.priority,
    rpm: d.rpm,
    tpm: d.tpm,
    options: d.options as ConfigState,
  };
}

interface PriceValues {
  inputPerMTok: DecimalValue;
  outputPerMTok: DecimalValue;
  cachedInputPerMTok?: DecimalValue | null;
  cacheWritePerMTok?: DecimalValue | null;
  reasoningPerMTok?: DecimalValue | null;
  batchInputPerMTok?: DecimalValue | null;
  batchOutputPerMTok?: DecimalValue | null;
}

/** The rates issue 16 added appear only when set, so prices without them read as before. */
function priceState(p: PriceValues): EntityState {
  const extra = (['reasoningPerMTok', 'batchInputPerMTok', 'batchOutputPerMTok'] as const).flatMap((k) => (p[k] == null ? [] : [[k, usd(p[k])] as const]));
  return {
    inputPerMTok: usd(p.inputPerMTok),
    outputPerMTok: usd(p.outputPerMTok),
    cachedInputPerMTok: usdOrNull(p.cachedInputPerMTok),
    cacheWritePerMTok: usdOrNull(p.cacheWritePerMTok),
    ...Object.fromEntries(extra),
  };
}

/** A deployment's upstream cost in deployments.options: `cost`, or `price` as the file spelt it. */
function deploymentOptions(d: ModelConfig['deployments'][number]): ConfigState {
  if (d.cost) return { cost: { ...d.cost } };
  return d.price ? { price: { ...d.price } } : {};
}
