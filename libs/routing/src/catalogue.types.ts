import type { RoutingStrategy, RoutingTimeouts } from '@switchyard/config';
import type { ProviderId } from '@switchyard/providers';

// The router's in-memory view of the model catalogue, rebuilt from the database. The hot path
// reads only this snapshot, never the database (docs/architecture.md §1).

export interface ProviderEntry {
  id: string;
  /** The provider family's id; a database row of an unknown type is left out at load. */
  type: ProviderId;
  baseUrl: string;
  apiKeys: string[];
  region: string;
  optionsJson: string;
  /** The operator's passthrough policy as JSON; absent or empty: the family's defaults. */
  passthroughJson?: string;
}

/** USD per million tokens. */
export interface PriceEntry {
  inputPerMTok: number;
  outputPerMTok: number;
}

export interface DeploymentEntry {
  id: string;
  provider: ProviderEntry;
  upstreamModel: string;
  weight: number;
  priority: number;
  /** Upstream limits the router keeps under (per router replica, see docs/architecture.md). */
  rpm?: number;
  tpm?: number;
  /** The deployment's own price, else the model's; undefined when neither is known. */
  price?: PriceEntry;
}

export interface ModelEntry {
  name: string;
  fallbacks: string[];
  /** Deployments grouped by priority tier, lowest priority value first. */
  tiers: DeploymentEntry[][];
  created: number;
  strategy?: RoutingStrategy;
  /** Overrides of routing.timeouts. */
  timeouts?: Partial<RoutingTimeouts>;
  contextWindow?: number;
  contextFallback?: string;
  hedge?: { afterMs?: number; percentile?: number };
  /** Response-cache TTL; undefined = this model is not cached. */
  cacheTtlSeconds?: number;
}

export interface CatalogueSnapshot {
  models: ReadonlyMap<string, ModelEntry>;
}

export interface CatalogueSource {
  load(): Promise<CatalogueSnapshot>;
}
