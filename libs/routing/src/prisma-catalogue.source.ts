import { ROUTING_STRATEGIES, type RoutingStrategy, type RoutingTimeouts } from '@switchyard/config';
import { Logger } from '@nestjs/common';
import type { Database } from '@switchyard/db';
import { isProviderId } from '@switchyard/providers';
import type { CatalogueSnapshot, CatalogueSource, DeploymentEntry, ModelEntry, PriceEntry, ProviderEntry } from './catalogue.types';

type Json = Record<string, unknown>;

function object(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function priceOf(value: unknown): PriceEntry | undefined {
  const p = object(value);
  const input = num(p['inputPerMTok']);
  const output = num(p['outputPerMTok']);
  return input === undefined || output === undefined ? undefined : { inputPerMTok: input, outputPerMTok: output };
}

/** models.options as written by applyConfig / the admin API; unknown or malformed keys are ignored. */
function modelSettings(strategy: string, options: unknown): Pick<ModelEntry, 'strategy' | 'timeouts' | 'contextWindow' | 'contextFallback' | 'hedge' | 'cacheTtlSeconds'> {
  const o = object(options);
  const t = object(o['timeouts']);
  const timeouts: Partial<RoutingTimeouts> = {};
  for (const k of ['connectMs', 'firstTokenMs', 'idleMs', 'totalMs'] as const) {
    const v = num(t[k]);
    if (v !== undefined) timeouts[k] = v;
  }
  const hedge = object(o['hedge']);
  const cache = object(o['cache']);
  const fallback = o['contextFallback'];
  return {
    strategy: (ROUTING_STRATEGIES as readonly string[]).includes(strategy) ? (strategy as RoutingStrategy) : 'weighted',
    timeouts: Object.keys(timeouts).length ? timeouts : undefined,
    contextWindow: num(o['contextWindow']),
    contextFallback: typeof fallback === 'string' ? fallback : undefined,
    hedge: o['hedge'] === undefined ? undefined : { afterMs: num(hedge['afterMs']), percentile: num(hedge['percentile']) },
    cacheTtlSeconds: o['cache'] === undefined ? undefined : (num(cache['ttlSeconds']) ?? 0),
  };
}

/** Builds the router's snapshot from the config tables (two queries, at start and on refresh). */
export class PrismaCatalogueSource implements CatalogueSource {
  private readonly log = new Logger('Catalogue');
  private readonly reported = new Set<string>();

  constructor(private readonly db: Database) {}

  // A type this router does not know (written by a newer release during a rolling upgrade: the
  // config and admin API accept only known ones) leaves the provider and its deployments out of
  // the snapshot, said once per provider and type rather than at every reload.
  private unknownType(id: string, type: string): void {
    const key = `${id}\u0000${type}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.log.warn(`provider ${id} has type "${type}", which this router does not know: its deployments are left out`);
  }

  async load(): Promise<CatalogueSnapshot> {
    const [providers, models] = await Promise.all([
      this.db.prisma.provider.findMany(),
      this.db.prisma.model.findMany({ include: { deployments: true, prices: { where: { effectiveFrom: { lte: new Date() } }, orderBy: { effectiveFrom: 'desc' }, take: 1 } }, orderBy: { name: 'asc' } }),
    ]);
    const byId = new Map<string, ProviderEntry>();
    for (const p of providers) {
      if (!isProviderId(p.type)) {
        this.unknownType(p.id, p.type);
        continue;
      }
      byId.set(p.id, { id: p.id, type: p.type, baseUrl: p.baseUrl, apiKeys: p.apiKeys, region: p.region ?? '', optionsJson: JSON.stringify(p.options ?? {}), passthroughJson: JSON.stringify(p.passthrough ?? {}) });
    }
    const out = new Map<string, ModelEntry>();
    for (const m of models) {
      const tiers = new Map<number, DeploymentEntry[]>();
      const latest = m.prices[0];
      const modelPrice = latest ? { inputPerMTok: Number(latest.inputPerMTok), outputPerMTok: Number(latest.outputPerMTok) } : undefined;
      for (const d of m.deployments) {
        const provider = byId.get(d.providerId);
        if (!provider || d.weight <= 0) continue;
        const tier = tiers.get(d.priority) ?? [];
        tier.push({
          id: d.id,
          provider,
          upstreamModel: d.upstreamModel,
          weight: d.weight,
          priority: d.priority,
          rpm: d.rpm ?? undefined,
          tpm: d.tpm ?? undefined,
          // The deployment's upstream cost (`cost`, or `price`, its older name), else the model's price.
          price: priceOf(object(d.options)['cost'] ?? object(d.options)['price']) ?? modelPrice,
        });
        tiers.set(d.priority, tier);
      }
      out.set(m.name, {
        name: m.name,
        fallbacks: m.fallbacks,
        tiers: [...tiers.entries()].sort(([a], [b]) => a - b).map(([, t]) => t),
        created: Math.floor(m.createdAt.getTime() / 1000),
        ...modelSettings(m.strategy, m.options),
      });
    }
    return { models: out };
  }
}
