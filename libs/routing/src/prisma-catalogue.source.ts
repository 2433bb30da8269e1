import type { Database } from '@switchyard/db';
import type { CatalogueSnapshot, CatalogueSource, DeploymentEntry, ModelEntry, ProviderEntry } from './catalogue.types';

/** Builds the router's snapshot from the config tables (two queries, at start and on refresh). */
export class PrismaCatalogueSource implements CatalogueSource {
  constructor(private readonly db: Database) {}

  async load(): Promise<CatalogueSnapshot> {
    const [providers, models] = await Promise.all([
      this.db.prisma.provider.findMany(),
      this.db.prisma.model.findMany({ include: { deployments: true }, orderBy: { name: 'asc' } }),
    ]);
    const byId = new Map<string, ProviderEntry>(
      providers.map((p) => [p.id, { id: p.id, type: p.type, baseUrl: p.baseUrl, apiKeys: p.apiKeys, region: p.region ?? '', optionsJson: JSON.stringify(p.options ?? {}) }]),
    );
    const out = new Map<string, ModelEntry>();
    for (const m of models) {
      const tiers = new Map<number, DeploymentEntry[]>();
      for (const d of m.deployments) {
        const provider = byId.get(d.providerId);
        if (!provider || d.weight <= 0) continue;
        const tier = tiers.get(d.priority) ?? [];
        tier.push({ id: d.id, provider, upstreamModel: d.upstreamModel, weight: d.weight, priority: d.priority });
        tiers.set(d.priority, tier);
      }
      out.set(m.name, {
        name: m.name,
        fallbacks: m.fallbacks,
        tiers: [...tiers.entries()].sort(([a], [b]) => a - b).map(([, t]) => t),
        created: Math.floor(m.createdAt.getTime() / 1000),
      });
    }
    return { models: out };
  }
}
