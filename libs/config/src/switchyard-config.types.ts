import type { GuardrailsConfig } from '@switchyard/guardrails';
import type { ProviderId } from '@switchyard/providers';

// The declarative configuration (switchyard.yaml), after validation and defaults.
// Shape contract: the example in docs/architecture.md §4 (camelCase keys). Secrets stay as
// references (`env:NAME`) here; they are resolved only where they are used.

/** A literal value or a reference such as `env:OPENAI_KEY_1`. */
export type SecretRef = string;

export interface ServerConfig {
  port: number;
  /** Reference to the admin bearer token; admin API disabled when absent. */
  adminToken?: SecretRef;
  region?: string;
  /** Browser origins allowed on the client API (CORS); absent = none. */
  cors?: CorsConfig;
}

/** How long browsers keep a preflight's answer by default (10 minutes, within every browser's cap). */
export const DEFAULT_CORS_MAX_AGE_SECONDS = 600;

export interface CorsConfig {
  /** Normalised origins (`https://app.example.com`) or `*`. */
  origins: string[];
  /** How long a browser may keep a preflight's answer (Access-Control-Max-Age). */
  maxAgeSeconds: number;
}

export interface RoutingTimeouts {
  connectMs: number;
  /** Until the first byte of the answer (headers, or the first stream event). */
  firstTokenMs: number;
  /** Between two stream chunks once the answer began. */
  idleMs: number;
  totalMs: number;
}

/** Retries may add at most `ratio` × recent requests (plus a floor), so a failing upstream is not stormed. */
export interface RetryBudgetConfig {
  ratio: number;
  minPerSecond: number;
}

/** Per deployment: open on a failure rate over a sliding window, half-open trials after `openMs`. */
export interface CircuitBreakerConfig {
  windowMs: number;
  minRequests: number;
  failureRate: number;
  openMs: number;
  halfOpenRequests: number;
}

/** Passive ejection from real traffic: consecutive failures eject for a growing time. */
export interface OutlierConfig {
  consecutiveFailures: number;
  ejectMs: number;
  maxEjectMs: number;
}

/** Active probes of ejected / open deployments. */
export interface ProbeConfig {
  intervalMs: number;
}

/** Response cache defaults; models opt in with `cache`. */
export interface CacheConfig {
  ttlSeconds: number;
  /** Answers bigger than this are not cached. */
  maxEntryBytes: number;
  /** In-memory LRU size (standalone without Redis). */
  maxBytes: number;
}

export interface RoutingConfig {
  retries: number;
  timeouts: RoutingTimeouts;
  retryBudget: RetryBudgetConfig;
  circuitBreaker: CircuitBreakerConfig;
  outlier: OutlierConfig;
  probes: ProbeConfig;
  cache: CacheConfig;
}

/** `routing` when the file says nothing: the schema's defaults, and the adapter's fallbacks. */
export const DEFAULT_ROUTING: RoutingConfig = {
  retries: 2,
  timeouts: { connectMs: 5_000, firstTokenMs: 30_000, idleMs: 30_000, totalMs: 600_000 },
  retryBudget: { ratio: 0.2, minPerSecond: 5 },
  circuitBreaker: { windowMs: 30_000, minRequests: 10, failureRate: 0.5, openMs: 30_000, halfOpenRequests: 2 },
  outlier: { consecutiveFailures: 5, ejectMs: 30_000, maxEjectMs: 300_000 },
  probes: { intervalMs: 10_000 },
  cache: { ttlSeconds: 300, maxEntryBytes: 1_048_576, maxBytes: 64 * 1_048_576 },
};

export const ROUTING_STRATEGIES = ['weighted', 'least-inflight', 'lowest-latency', 'lowest-cost'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

/** Per-model routing settings (stored in models.options). */
export interface ModelRoutingConfig {
  strategy: RoutingStrategy;
  /** Overrides of routing.timeouts for this model. */
  timeouts?: Partial<RoutingTimeouts>;
  /** Prompt tokens this model takes; a longer request goes to `contextFallback`. */
  contextWindow?: number;
  contextFallback?: string;
  /** Send a second attempt when no first token came after `afterMs` (or the deployment's p95 TTFT). */
  hedge?: { afterMs?: number; percentile?: number };
  /** Response caching for this model; off unless set. */
  cache?: { ttlSeconds?: number };
}

export interface ProviderConfig {
  id: string;
  /** One of the providers registry's ids (`PROVIDER_IDS` in @switchyard/providers). */
  type: ProviderId;
  baseUrl: string;
  apiKeys: SecretRef[];
  region?: string;
  /** Provider-specific settings, e.g. `apiVersion` for azure-openai. */
  options?: Record<string, string | number | boolean>;
  /** Which unmodelled client fields may reach this provider; its family's defaults when absent. */
  passthrough?: PassthroughConfig;
}

/**
 * The operator's passthrough policy for one provider (docs/translation-matrix.md lists each
 * family's defaults): `allow` extends them, `deny` narrows them and wins over `allow`. Entries
 * are field names as clients send them (`service_tier`, `tools.googleSearch`), `a.*` for every
 * field under `a`, or `*` for all.
 */
export interface PassthroughConfig {
  allow?: string[];
  deny?: string[];
}

export interface DeploymentConfig {
  provider: string;
  model: string;
  weight: number;
  priority: number;
  /** Upstream limits the router keeps under. */
  rpm?: number;
  tpm?: number;
  /**
   * What the upstream charges for this deployment: recorded per usage row as its upstream cost
   * (margin = charged − upstream), and what the lowest-cost strategy compares (the model's price
   * when absent).
   */
  cost?: PriceConfig;
  /** The older name of `cost` (one or the other). */
  price?: PriceConfig;
}

export interface PriceConfig {
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok?: number;
  /** Prompt-cache writes (Anthropic: 1.25× input); absent = the input price. */
  cacheWritePerMTok?: number;
  /** Reasoning tokens (part of the output); absent = the output price. */
  reasoningPerMTok?: number;
  /** Batch-API lines; absent = the input / output price. */
  batchInputPerMTok?: number;
  batchOutputPerMTok?: number;
}

export interface ModelConfig extends ModelRoutingConfig {
  name: string;
  deployments: DeploymentConfig[];
  fallbacks: string[];
  price?: PriceConfig;
}

/** Budgets in USD; a request is refused when its worst-case cost no longer fits. Absent = unlimited. */
export interface BudgetConfig {
  monthlyUsd?: number;
  dailyUsd?: number;
}

/** Free-form labels of the operator (team, owner, cost centre); stored, never interpreted. */
export type MetadataConfig = Record<string, string | number | boolean>;

/**
 * Limits and allow-lists a tenant and each of its keys may set; a request must pass both.
 * Absent means no limit (and, for lists, any).
 */
export interface AccessLimitsConfig {
  /** Requests per minute. */
  rpm?: number;
  /** Tokens per minute (prompt + completion, counted from the real usage). */
  tpm?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Allowed public model names; `*` matches any characters (`gpt-4o*`). Empty or absent = all. */
  models?: string[];
  budget?: BudgetConfig;
  /** Deployment regions requests may be served from; absent or empty = any. */
  regions?: string[];
  /** Client IP ranges (CIDR such as 10.0.0.0/8, or single addresses); absent = any. */
  ips?: string[];
  /**
   * Replaces the stored metadata when given; when absent the stored metadata (say, set through
   * the admin API) is left alone.
   */
  metadata?: MetadataConfig;
  /**
   * PII guardrails (docs/architecture.md, "PII guardrails"); a key's `pii` fields override its
   * tenant's. Absent clears them (the file is the truth, like the limits).
   */
  guardrails?: GuardrailsConfig;
}

export interface KeyConfig extends AccessLimitsConfig {
  /** The full key, usually a reference (`env:ACME_KEY`); stored only as a hash. */
  key: SecretRef;
  name?: string;
  /** ISO 8601 date-time with a time zone (`2027-01-01T00:00:00Z`); the key is refused from then on. */
  expiresAt?: string;
}

/** What the tenant's requests show in traces (docs/architecture.md §9, Traces). */
export interface TenantObservabilityConfig {
  /**
   * Put the prompt and completion of this tenant's chat requests on their traces, as the
   * OpenTelemetry GenAI conventions' `gen_ai.client.inference.operation.details` event (only
   * when tracing is on; bounded in size). Default false: no content in any trace.
   */
  captureContent: boolean;
}

/** The request audit's options of a tenant (docs/architecture.md, "Request audit and residency"). */
export interface TenantAuditConfig {
  /**
   * Keep each request's bodies in the request audit, after PII masking, sealed with the secret
   * box (SWITCHYARD_SECRET_KEYS) and capped in size; read only through the admin API. Default false.
   */
  captureBodies: boolean;
}

/** The tenant's limits count all its keys together, on top of each key's own. */
export interface TenantConfig extends AccessLimitsConfig {
  id: string;
  name?: string;
  /**
   * The tenant pays the catalogue price times this (1.2 = 20 % markup, 0.8 = 20 % off); absent = 1.
   * Per tenant: tenants have no groups.
   */
  priceMultiplier?: number;
  /** Absent: the defaults (no content capture). */
  observability?: TenantObservabilityConfig;
  /** Absent: the defaults (no body capture in the request audit). */
  audit?: TenantAuditConfig;
  /** Browser origins this tenant's keys may be used from, on top of `server.cors.origins`. */
  cors?: { origins: string[] };
  /** The id of a plan in `plans` (issue 16); absent = no plan (pay as you go). */
  plan?: string;
  /** Spend alerts (issue 16); absent = none. */
  alerts?: TenantAlertsConfig;
  keys: KeyConfig[];
}

/**
 * Spend alerts (issue 16): each threshold, in percent, is announced once per month to the
 * webhooks that take `spend` events, for the tenant's monthly budget and its plan's included usage.
 */
export interface TenantAlertsConfig {
  /** Ascending, distinct, 1–1000 (past 100 % only a plan with priced overage ever gets). */
  spend: number[];
}

// --- plans (issue 16: monthly fee, included usage, then overage or a hard stop) ---

/** Past the included usage: charged at the catalogue price (times the multiplier), or refused. */
export const PLAN_OVERAGES = ['price', 'stop'] as const;
export type PlanOverage = (typeof PLAN_OVERAGES)[number];

export interface PlanConfig {
  id: string;
  name?: string;
  /** Charged each month whatever the usage. */
  monthlyFeeUsd: number;
  /** Usage included each month: USD at catalogue prices or tokens (input + output), one of them; absent = none. */
  included?: { usd?: number; tokens?: number };
  overage: PlanOverage;
  /** `price` only: overage is charged at the catalogue price times this (1.2 = 20 % more); absent = 1. */
  overageMultiplier?: number;
}

/**
 * Who owns what the file declares (issue 19). `file` (the default, closest to the behaviour
 * before: every apply makes the database match the file): those objects are read-only in the
 * admin API (409 naming the file). `seed`: the file creates what is missing and never overwrites
 * or deletes; the admin API owns everything.
 */
export const CONFIG_OWNERSHIPS = ['file', 'seed'] as const;
export type ConfigOwnership = (typeof CONFIG_OWNERSHIPS)[number];

export interface SwitchyardConfig {
  /** Absent in hand-built configs: `file`. */
  configOwnership?: ConfigOwnership;
  server: ServerConfig;
  routing: RoutingConfig;
  providers: ProviderConfig[];
  models: ModelConfig[];
  tenants: TenantConfig[];
  /** Billing plans tenants may be on (issue 16); absent in hand-built configs = none. */
  plans?: PlanConfig[];
  /** Absent when the file has no `notifications` section: nothing is sent. */
  notifications?: NotificationsConfig;
  /**
   * Multi-region (issue 15): peers, readiness and spill-over; the region's own name is
   * `server.region`. Always set by the schema (defaults: NO_REGION_CONFIG); optional for configs built in code.
   */
  region?: RegionConfig;
}

// --- multi-region (issue 15: readiness for a global load balancer, spill-over to peers) ---

/** Another region's ingress this one may forward to, and the secret the two share. */
export interface RegionPeerConfig {
  /** The peer's region name (its `server.region`): what tenants' `regions` and the hop header name. */
  name: string;
  /** Its public ingress, e.g. https://eu-west.gw.example.com (paths are appended). */
  url: string;
  /** `env:NAME` of the link's secret: sent to this peer, and accepted from it. */
  credential: SecretRef;
}

export interface RegionConfig {
  /** Tried in order when spilling over. */
  peers: RegionPeerConfig[];
  readiness: {
    /** /readyz answers 503 when fewer than this share of the models have a usable deployment (0 = never for models). */
    minUsableModelShare: number;
  };
  spillover: {
    /** Forward a request whose model has no usable deployment here to a peer, instead of trying one anyway (panic mode). */
    enabled: boolean;
  };
}

// --- notifications (issue 13: webhooks for operators without Alertmanager) ---

/**
 * What a webhook is told about: spend against budgets, deployments' circuits and ejections, and
 * tenants' spend alert thresholds (issue 16).
 */
export const NOTIFICATION_EVENTS = ['budget', 'health', 'spend'] as const;
export type NotificationEventKind = (typeof NOTIFICATION_EVENTS)[number];
/** `slack`: a Slack incoming-webhook body with our fields alongside; `json`: our fields only. */
export const WEBHOOK_FORMATS = ['slack', 'json'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface WebhookConfig {
  /** Names the webhook in logs and in delivery job ids; unique. */
  name: string;
  /** Operator-declared; checked against the outbound policy like a provider's baseUrl. */
  url: string;
  /** HMAC-SHA256 signing secret: `env:NAME` or a sealed value (`enc:v1:…`, sealed for `webhook:<name>`). */
  secret: SecretRef;
  events: NotificationEventKind[];
  format: WebhookFormat;
}

export interface NotificationsConfig {
  /** Share of a budget whose crossing is announced (besides exhaustion); 0.9 = 90 %. */
  budgetThreshold: number;
  webhooks: WebhookConfig[];
}

export const DEFAULT_BUDGET_THRESHOLD = 0.9;
