// The router's in-memory view of the model catalogue, rebuilt from the database. The hot path
// reads only this snapshot, never the database (STYLE.md rule 6).

export interface ProviderEntry {
  id: string;
  type: string;
  baseUrl: string;
  apiKeys: string[];
  region: string;
  optionsJson: string;
}

export interface DeploymentEntry {
  id: string;
  provider: ProviderEntry;
  upstreamModel: string;
  weight: number;
  priority: number;
}

export interface ModelEntry {
  name: string;
  fallbacks: string[];
  /** Deployments grouped by priority tier, lowest priority value first. */
  tiers: DeploymentEntry[][];
  created: number;
}

export interface CatalogueSnapshot {
  models: ReadonlyMap<string, ModelEntry>;
}

export interface CatalogueSource {
  load(): Promise<CatalogueSnapshot>;
}

export const CATALOGUE_SOURCE = Symbol('CatalogueSource');
export const ROUTING_CONFIG = Symbol('RoutingConfig');
