// The declarative configuration (switchyard.yaml), after validation and defaults.
// Shape contract: ../shared/DESIGN.md §4 (camelCase keys). Secrets stay as references
// (`env:NAME`) here; they are resolved only where they are used.

export const PROVIDER_TYPES = ['openai', 'azure-openai', 'openai-compatible', 'anthropic', 'gemini'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** A literal value or a reference such as `env:OPENAI_KEY_1`. */
export type SecretRef = string;

export interface ServerConfig {
  port: number;
  /** Reference to the admin bearer token; admin API disabled when absent. */
  adminToken?: SecretRef;
  region?: string;
}

export interface RoutingTimeouts {
  connectMs: number;
  firstTokenMs: number;
  totalMs: number;
}

export interface RoutingConfig {
  retries: number;
  timeouts: RoutingTimeouts;
}

/** `routing` when the file says nothing: the schema's defaults, and the adapter's fallbacks. */
export const DEFAULT_ROUTING: RoutingConfig = { retries: 2, timeouts: { connectMs: 5_000, firstTokenMs: 30_000, totalMs: 600_000 } };

export interface ProviderConfig {
  id: string;
  type: ProviderType;
  baseUrl: string;
  apiKeys: SecretRef[];
  region?: string;
  /** Provider-specific settings, e.g. `apiVersion` for azure-openai. */
  options?: Record<string, string | number | boolean>;
}

export interface DeploymentConfig {
  provider: string;
  model: string;
  weight: number;
  priority: number;
  rpm?: number;
  tpm?: number;
}

export interface PriceConfig {
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok?: number;
}

export interface ModelConfig {
  name: string;
  deployments: DeploymentConfig[];
  fallbacks: string[];
  price?: PriceConfig;
}

export interface KeyConfig {
  /** The full key, usually a reference (`env:ACME_KEY`); stored only as a hash. */
  key: SecretRef;
  name?: string;
  rpm?: number;
  tpm?: number;
  /** Allowed public model names (wildcards allowed); empty or absent means all. */
  models?: string[];
}

export interface TenantConfig {
  id: string;
  name?: string;
  budget?: { monthlyUsd?: number; dailyUsd?: number };
  keys: KeyConfig[];
}

export interface SwitchyardConfig {
  server: ServerConfig;
  routing: RoutingConfig;
  providers: ProviderConfig[];
  models: ModelConfig[];
  tenants: TenantConfig[];
}

/** Adapter worker families: `apps/adapter` runs once per family (`ADAPTER_PROVIDER=openai`). */
export const ADAPTER_FAMILIES = ['openai', 'anthropic', 'gemini'] as const;
export type AdapterFamily = (typeof ADAPTER_FAMILIES)[number];

/** Which adapter worker serves a provider type: the openai worker also speaks Azure and the OpenAI-compatible family. */
export const ADAPTER_FAMILY_OF = {
  openai: 'openai',
  'azure-openai': 'openai',
  'openai-compatible': 'openai',
  anthropic: 'anthropic',
  gemini: 'gemini',
} as const satisfies Record<ProviderType, AdapterFamily>;
