import { ADAPTER_FAMILIES, type AdapterFamily } from '@switchyard/providers';
import { z } from 'zod';
import { envAdapterAddresses, envBoolean, envEnum, envGrpcTarget, envInteger, envIpRanges, envNames, envOrigins, envPort, envSecretKeys, envString, envUrl } from './env-var.schemas';
import { FILES_STORES, type FilesStore, refuseHalfFilesStore } from './files-store.settings';
import { DEFAULT_UPSTREAM_ENV_PREFIX, type OutboundPolicy } from './outbound/outbound-policy.types';
import { refuseUpstreamEnvPrefix } from './outbound/upstream-env-ref.rules';
import { loadProcessEnv } from './process-env.loader';
import type { SecretBox } from './secrets/secret-box';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * How much of an upstream's answer the adapter reads (issue 10): past a limit the call ends
 * with a 502 "answer too large" instead of growing the process without bound.
 */
export const UPSTREAM_RESPONSE_LIMIT_DEFAULTS = {
  // A JSON answer is held whole and parsed. The largest legitimate ones are embeddings: 2,048
  // inputs (OpenAI's maximum) of 1,536 floats at ~12 characters each is ~38 MB, and a long
  // answer with logprobs comes close; 64 MiB leaves room for them and no more.
  jsonBytes: 64 * 1024 * 1024,
  // A stream is not held, only read through, so this is a runaway guard: 128k output tokens
  // as OpenAI chunks (~200 bytes each) is ~26 MB, with top logprobs several times that.
  streamBytes: 256 * 1024 * 1024,
  // One server-sent event is held until it ends; Gemini sends a generated image inline as one
  // event of base64 (several MB), token deltas are tiny.
  eventBytes: 16 * 1024 * 1024,
} as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The process settings every Switchyard app reads, validated once at boot. */
export interface SwitchyardEnv {
  /** HTTP port; each app picks its own default when unset. */
  PORT?: number;
  HOST: string;
  /** Path of switchyard.yaml, applied at start. */
  SWITCHYARD_CONFIG: string;
  /** Postgres; unset in standalone mode means embedded PGlite under SWITCHYARD_DATA_DIR. */
  DATABASE_URL?: string;
  /**
   * The region's read replica (issue 15): the hot path's reloads (keys, prices, catalogue) and the
   * configuration change feed read here; writes always go to DATABASE_URL. Unset: DATABASE_URL.
   */
  DATABASE_READ_URL?: string;
  SWITCHYARD_DATA_DIR: string;
  /** Redis; unset in standalone mode means in-memory limiters, cache and queue. */
  REDIS_URL?: string;
  SWITCHYARD_REGION?: string;
  /** Bearer token for /admin/v1 (the bootstrap platform admin); the admin API is disabled when unset. */
  SWITCHYARD_ADMIN_TOKEN?: string;
  /** OIDC sign-in to the admin API (issue 18): the JWTs' issuer; OIDC is off when unset. */
  SWITCHYARD_ADMIN_OIDC_ISSUER?: string;
  /** The audience the admin API's JWTs must name. */
  SWITCHYARD_ADMIN_OIDC_AUDIENCE?: string;
  /** The provider's signing keys (JWKS) by URL … */
  SWITCHYARD_ADMIN_OIDC_JWKS_URL?: string;
  /** … or in a file. */
  SWITCHYARD_ADMIN_OIDC_JWKS_FILE?: string;
  /** The claim holding the admin role (platform, tenant, read-only). */
  SWITCHYARD_ADMIN_OIDC_ROLE_CLAIM: string;
  /** The claim holding a tenant admin's tenant id. */
  SWITCHYARD_ADMIN_OIDC_TENANT_CLAIM: string;
  LOG_LEVEL: LogLevel;
  /** Which provider family this adapter worker serves (apps/adapter only). */
  ADAPTER_PROVIDER?: AdapterFamily;
  AUTH_GRPC_URL?: string;
  ROUTER_GRPC_URL?: string;
  /** Adapter worker address per provider family. */
  ADAPTER_GRPC_URLS?: Partial<Record<AdapterFamily, string>>;
  BILLING_GRPC_URL?: string;
  /** Port this process serves gRPC on (auth, router, adapter). */
  GRPC_PORT?: number;
  /** Largest request body accepted; larger ones get 413. */
  MAX_BODY_BYTES: number;
  /** A concurrency slot whose holder stopped renewing it (crashed) frees itself after this long. */
  SWITCHYARD_QUOTA_LEASE_MS: number;
  /** When the quota store (Redis) cannot answer: `closed` refuses with 503, `open` admits uncounted. */
  SWITCHYARD_QUOTA_ON_ERROR: 'closed' | 'open';
  /** How often the balance and budget counters are rebuilt from the ledger (issue 16); 0 = only on request. */
  SWITCHYARD_RECONCILE_INTERVAL_MS: number;
  /** Load balancers / proxies (IPs or CIDR ranges) whose X-Forwarded-For is believed for IP allow-lists. */
  SWITCHYARD_TRUSTED_PROXIES?: string[];
  /** Browser origins allowed on the client API (CORS); replaces `server.cors.origins` of the file. */
  SWITCHYARD_CORS_ORIGINS?: string[];
  /** Access-Control-Max-Age of preflight answers; replaces `server.cors.maxAgeSeconds`. */
  SWITCHYARD_CORS_MAX_AGE_SECONDS?: number;
  /** Largest upstream JSON answer (chat, embeddings, token counts) the adapter reads. */
  SWITCHYARD_MAX_UPSTREAM_RESPONSE_BYTES: number;
  /** Largest total of one upstream stream the adapter reads. */
  SWITCHYARD_MAX_UPSTREAM_STREAM_BYTES: number;
  /** Largest single server-sent event (or unended line) of an upstream stream. */
  SWITCHYARD_MAX_UPSTREAM_EVENT_BYTES: number;
  /** Most inputs one embeddings call may carry (`input` array, batchEmbedContents `requests`); more get 400. */
  SWITCHYARD_MAX_EMBED_INPUTS: number;
  /** Most tokens one request may ask for: input estimate plus max output tokens × choices; more get 400. */
  SWITCHYARD_MAX_REQUEST_TOKENS: number;
  /** Upstream keys written `env:NAME` resolve only names starting with this (never the gateway's own settings). */
  SWITCHYARD_OUTBOUND_ENV_PREFIX: string;
  /** Plain http: upstreams are allowed (default: https only). */
  SWITCHYARD_OUTBOUND_ALLOW_HTTP: boolean;
  /** Loopback, private, CGNAT and unspecified upstream addresses are allowed (metadata and link-local never are). */
  SWITCHYARD_OUTBOUND_ALLOW_PRIVATE: boolean;
  /**
   * The keys that seal and open upstream keys stored in the database (`id:<base64 32 bytes>,…`,
   * the first seals), as the box built from them; unset (or blank) means none.
   */
  SWITCHYARD_SECRET_KEYS?: SecretBox;
  /** A request whose headers have not all arrived after this long is answered 408 and closed. */
  SWITCHYARD_HTTP_HEADERS_TIMEOUT_MS: number;
  /** A request (headers and body) not received in full after this long is answered 408 and closed. */
  SWITCHYARD_HTTP_REQUEST_TIMEOUT_MS: number;
  /** An idle keep-alive connection is closed after this long. */
  SWITCHYARD_HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
  /** Open HTTP connections at most; further ones are closed as they arrive. */
  SWITCHYARD_HTTP_MAX_CONNECTIONS: number;
  /** Serves GET /metrics without a token on this port (for Prometheus); on the public port it needs the admin token. */
  SWITCHYARD_METRICS_PORT?: number;
  /** Start (and apply) even when `env:` references of switchyard.yaml do not resolve, with a warning per variable. */
  SWITCHYARD_ALLOW_UNRESOLVED_ENV: boolean;
  /** Logs (issue 13): one access line per request at the ingress; on by default. */
  SWITCHYARD_ACCESS_LOG: boolean;
  /** How often a region looks for configuration changes made in other regions (the change feed, issue 15). */
  SWITCHYARD_CONFIG_FEED_POLL_MS: number;
  /** Days the request audit keeps a row (issue 18); 0 keeps every row. Billing deletes older ones. */
  SWITCHYARD_AUDIT_RETENTION_DAYS: number;
  /** Largest captured body kept per request and direction (tenants[].audit.captureBodies), in bytes; longer ones are cut. */
  SWITCHYARD_AUDIT_BODY_MAX_BYTES: number;
  /** Largest file accepted by POST /v1/files (issue 17), in bytes; larger uploads get 413. */
  SWITCHYARD_FILES_MAX_BYTES: number;
  /** Where file bytes live, and the S3-compatible bucket's settings (libs/config/src/files-store.settings.ts). */
  SWITCHYARD_FILES_STORE: FilesStore;
  SWITCHYARD_FILES_S3_BUCKET?: string;
  SWITCHYARD_FILES_S3_ENDPOINT?: string;
  SWITCHYARD_FILES_S3_REGION?: string;
  SWITCHYARD_FILES_S3_PREFIX: string;
  SWITCHYARD_FILES_S3_FORCE_PATH_STYLE: boolean;
  /** Batches one process runs at once (issue 17). */
  SWITCHYARD_BATCH_WORKERS: number;
  /** Lines of one batch in flight at once: a batch's share of its tenant's concurrency. */
  SWITCHYARD_BATCH_LINE_CONCURRENCY: number;
  /** A killed batch worker's batch is handed to another worker within about twice this (BullMQ lock). */
  SWITCHYARD_BATCH_LOCK_MS: number;
  /** How often a process that runs batches deletes expired files (issue 17, file expiry). */
  SWITCHYARD_FILES_SWEEP_MS: number;
  /**
   * Budgets across regions (issue 15): `share` — this region enforces SWITCHYARD_BUDGET_SHARE_PERCENT
   * of every budget from its own Redis; `global` — every region counts limits and budgets in the
   * one Redis at SWITCHYARD_QUOTA_REDIS_URL.
   */
  SWITCHYARD_BUDGET_MODE: BudgetMode;
  /** This region's share of every budget in `share` mode, in per cent (the regions' shares should sum to 100 or less). */
  SWITCHYARD_BUDGET_SHARE_PERCENT: number;
  /** Where auth counts limits and budgets when it is not REDIS_URL: the global counter of `global` mode. */
  SWITCHYARD_QUOTA_REDIS_URL?: string;
  /** Raw usage rows older than this many days are deleted by billing (rollups are kept); unset keeps them forever. */
  SWITCHYARD_USAGE_RETENTION_DAYS?: number;
  /** Days a stored Responses API answer (`store: true`) is kept (issue 17); 0 keeps it until deleted. */
  SWITCHYARD_RESPONSES_RETENTION_DAYS: number;
  /**
   * Share mode's ledger-driven rebalancing (issue 15), read by billing: how often it publishes each
   * region's allowance of every budget; 0 (the default) never.
   */
  SWITCHYARD_BUDGET_REBALANCE_MS: number;
  /** Every region that enforces a share of the budgets (the rebalancing gives each an allowance); required with it. */
  SWITCHYARD_BUDGET_REGIONS: string[];
  /**
   * The cluster ingress admits keys with nothing to count (no limits, budgets, plan or prepaid
   * balance) from its own copy of the key directory, without asking auth (issue 11); on by
   * default, effective when the ingress has a database URL and Redis. false: auth admits every request.
   */
  SWITCHYARD_INGRESS_ADMITS_UNLIMITED: boolean;
  /**
   * Cluster hot path (issue 11): the ingress's Route, Admit and Settle calls and the router's
   * Generate calls go as frames on a few long-lived streams (RouteMux, AdmitMux, SettleMux,
   * GenerateMux) instead of a gRPC call each. On by
   * default; false: a call each, as before (docs/architecture.md §6).
   */
  SWITCHYARD_GRPC_MUX: boolean;
}

export const BUDGET_MODES = ['share', 'global'] as const;
export type BudgetMode = (typeof BUDGET_MODES)[number];

// The fields alone: zod refuses .pick() and .shape look-ups are clearer on a schema without refinements.
const switchyardEnvFields = z.object({
  PORT: envPort().optional(),
  HOST: envString().default('0.0.0.0'),
  SWITCHYARD_CONFIG: envString().default('./switchyard.yaml'),
  DATABASE_URL: envUrl('postgresql:', 'postgres:').optional(),
  DATABASE_READ_URL: envUrl('postgresql:', 'postgres:').optional(),
  SWITCHYARD_DATA_DIR: envString().default('./data'),
  REDIS_URL: envUrl('redis:', 'rediss:').optional(),
  SWITCHYARD_REGION: envString().optional(),
  // The admin token opens every tenant, key and provider: it must not be guessable (the same floor
  // as tenant keys).
  SWITCHYARD_ADMIN_TOKEN: envString()
    .refine((t) => [...t].length >= MIN_ADMIN_TOKEN_LENGTH, { error: (issue) => adminTokenTooShort(String(issue.input)) })
    .optional(),
  SWITCHYARD_ADMIN_OIDC_ISSUER: envString().optional(),
  SWITCHYARD_ADMIN_OIDC_AUDIENCE: envString().optional(),
  SWITCHYARD_ADMIN_OIDC_JWKS_URL: envUrl('https:', 'http:').optional(),
  SWITCHYARD_ADMIN_OIDC_JWKS_FILE: envString().optional(),
  SWITCHYARD_ADMIN_OIDC_ROLE_CLAIM: envString().default('switchyard_role'),
  SWITCHYARD_ADMIN_OIDC_TENANT_CLAIM: envString().default('switchyard_tenant'),
  LOG_LEVEL: envEnum(LOG_LEVELS).default('info'),
  ADAPTER_PROVIDER: envEnum(ADAPTER_FAMILIES).optional(),
  AUTH_GRPC_URL: envGrpcTarget().optional(),
  ROUTER_GRPC_URL: envGrpcTarget().optional(),
  ADAPTER_GRPC_URLS: envAdapterAddresses().optional(),
  BILLING_GRPC_URL: envGrpcTarget().optional(),
  GRPC_PORT: envPort().optional(),
  // 4 MiB holds a long conversation with a few base64 images; bigger uploads belong in files APIs.
  MAX_BODY_BYTES: envInteger(1).default(4 * 1024 * 1024),
  SWITCHYARD_QUOTA_LEASE_MS: envInteger(1000).default(30_000),
  SWITCHYARD_QUOTA_ON_ERROR: envEnum(['closed', 'open']).default('closed'),
  // Five minutes: drift comes from rare failed settles; a run reads a month of usage rows.
  SWITCHYARD_RECONCILE_INTERVAL_MS: envInteger(0).default(300_000),
  SWITCHYARD_TRUSTED_PROXIES: envIpRanges().optional(),
  SWITCHYARD_CORS_ORIGINS: envOrigins().optional(),
  // Browsers cap a preflight's life (Chromium: 2 hours): more would only mislead.
  SWITCHYARD_CORS_MAX_AGE_SECONDS: envInteger(0, 7200).optional(),
  SWITCHYARD_MAX_UPSTREAM_RESPONSE_BYTES: envInteger(1024).default(UPSTREAM_RESPONSE_LIMIT_DEFAULTS.jsonBytes),
  SWITCHYARD_MAX_UPSTREAM_STREAM_BYTES: envInteger(1024).default(UPSTREAM_RESPONSE_LIMIT_DEFAULTS.streamBytes),
  SWITCHYARD_MAX_UPSTREAM_EVENT_BYTES: envInteger(1024).default(UPSTREAM_RESPONSE_LIMIT_DEFAULTS.eventBytes),
  // OpenAI's documented maximum ("any array must be 2048 dimensions or less"), the largest any
  // supported upstream takes in one call (Gemini's batchEmbedContents stops at 100 and says so).
  SWITCHYARD_MAX_EMBED_INPUTS: envInteger(1).default(2048),
  // The largest context window (~2M tokens, Gemini) plus the largest output a request can ask of
  // a real model (n ≤ 128 choices × 128k tokens at OpenAI ≈ 16.8M): a servable request is never
  // refused, a max_tokens of 2^31 is, before admission reserves it.
  SWITCHYARD_MAX_REQUEST_TOKENS: envInteger(1).default(20_000_000),
  SWITCHYARD_OUTBOUND_ENV_PREFIX: envString()
    .superRefine((prefix, ctx) => {
      const problem = refuseUpstreamEnvPrefix(prefix, gatewaySettingNames());
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
    })
    .default(DEFAULT_UPSTREAM_ENV_PREFIX),
  SWITCHYARD_OUTBOUND_ALLOW_HTTP: envBoolean().default(false),
  SWITCHYARD_OUTBOUND_ALLOW_PRIVATE: envBoolean().default(false),
  SWITCHYARD_SECRET_KEYS: envSecretKeys().optional(),
  // Headers are a few kilobytes: a client (or balancer) that has not sent them in 10 s is stalling.
  SWITCHYARD_HTTP_HEADERS_TIMEOUT_MS: envInteger(1000).default(10_000),
  // Node's default is 300 s, long enough for a slow-body client to hold memory and a slot for
  // minutes (issue 10). 30 s still uploads a full 4 MiB body at about 1.1 Mbit/s; behind a load
  // balancer, which forwards at LAN speed, the body takes milliseconds.
  SWITCHYARD_HTTP_REQUEST_TIMEOUT_MS: envInteger(1000).default(30_000),
  // Above the common load-balancer idle timeout (60 s, AWS ALB and GCP's default), so the
  // balancer closes an idle connection first and never sends a request into one we are closing.
  SWITCHYARD_HTTP_KEEP_ALIVE_TIMEOUT_MS: envInteger(1000).default(75_000),
  // Behind a load balancer a replica sees the balancer's pooled connections (tens to hundreds);
  // 1024 leaves room for direct clients while bounding sockets, and with them buffers, far
  // below the process's memory (and the common 1024-descriptor soft limit's neighbourhood).
  SWITCHYARD_HTTP_MAX_CONNECTIONS: envInteger(1).default(1024),
  SWITCHYARD_METRICS_PORT: envPort().optional(),
  // Off: a missing variable stops the start naming it (issue 19; libs/config/src/env-refs).
  SWITCHYARD_ALLOW_UNRESOLVED_ENV: envBoolean().default(false),
  // Logs (issue 13): off leaves the ingress's per-request lines out (a proxy in front may log them).
  SWITCHYARD_ACCESS_LOG: envBoolean().default(true),
  // A change made in one region reaches every region within 2 s (issue 15): one poll period, the
  // replica's lag and a reload fit in that at 500 ms. Each poll is one index-only max(id).
  SWITCHYARD_CONFIG_FEED_POLL_MS: envInteger(100, 60_000).default(500),
  // 90 days: a quarter, what compliance reviews usually ask to look back over; 0 turns pruning off.
  SWITCHYARD_AUDIT_RETENTION_DAYS: envInteger(0, 36_500).default(90),
  // 64 KiB per direction bounds a row (and the queue's job) whatever the tenant sends; a longer body is cut and says so.
  SWITCHYARD_AUDIT_BODY_MAX_BYTES: envInteger(1024, 4 * 1024 * 1024).default(64 * 1024),
  // 200 MiB: OpenAI's own limit for a batch input file; an upload is held in memory once while stored.
  SWITCHYARD_FILES_MAX_BYTES: envInteger(1024).default(200 * 1024 * 1024),
  // The database by default: nothing to run beside the gateway. Credentials: the AWS SDK's chain.
  SWITCHYARD_FILES_STORE: envEnum(FILES_STORES).default('database'),
  SWITCHYARD_FILES_S3_BUCKET: envString().min(1).optional(),
  SWITCHYARD_FILES_S3_ENDPOINT: envUrl('http:', 'https:').optional(),
  SWITCHYARD_FILES_S3_REGION: envString().min(1).optional(),
  SWITCHYARD_FILES_S3_PREFIX: envString().default(''),
  SWITCHYARD_FILES_S3_FORCE_PATH_STYLE: envBoolean().default(false),
  // Two batches and four lines each: eight upstream calls at most per process, well under the
  // interactive concurrency a tenant is usually given, so batches take what is left.
  SWITCHYARD_BATCH_WORKERS: envInteger(1, 64).default(2),
  SWITCHYARD_BATCH_LINE_CONCURRENCY: envInteger(1, 256).default(4),
  // BullMQ's default lock; a dead worker's batch resumes within about a minute.
  SWITCHYARD_BATCH_LOCK_MS: envInteger(1000, 600_000).default(30_000),
  // Expired files are invisible from their expiry on; the sweep only frees their storage, so a
  // minute is plenty (expiries are at least an hour apart from creation).
  SWITCHYARD_FILES_SWEEP_MS: envInteger(1000, 86_400_000).default(60_000),
  // One region, or every region at 100 %: the behaviour before regions (each enforces the whole budget).
  SWITCHYARD_BUDGET_MODE: envEnum(BUDGET_MODES).default('share'),
  SWITCHYARD_BUDGET_SHARE_PERCENT: envInteger(1, 100).default(100),
  SWITCHYARD_QUOTA_REDIS_URL: envUrl('redis:', 'rediss:').optional(),
  // Issue 16: statements and reports read rollups, so raw rows may go; a century is the ceiling
  // only so the cut-off date stays a real date.
  SWITCHYARD_USAGE_RETENTION_DAYS: envInteger(1, 36_500).optional(),
  // 30 days: what OpenAI keeps a stored response for (docs: conversation state); 0 keeps them until deleted.
  SWITCHYARD_RESPONSES_RETENTION_DAYS: envInteger(0, 36_500).default(30),
  // Not faster than a second: each run scans the month's ledger rows by tenant and key.
  SWITCHYARD_BUDGET_REBALANCE_MS: z.union([z.literal('0').transform(() => 0), envInteger(1000)]).default(0),
  SWITCHYARD_BUDGET_REGIONS: envNames().default([]),
  SWITCHYARD_INGRESS_ADMITS_UNLIMITED: envBoolean().default(true),
  // On: a quarter to a third less gateway CPU per request in the whole-cluster A/B (docs/architecture.md §7).
  SWITCHYARD_GRPC_MUX: envBoolean().default(true),
});

export const switchyardEnvSchema = switchyardEnvFields
  .superRefine((env, ctx) => {
    // Node refuses to start a server whose headers may take longer than the whole request.
    if (env.SWITCHYARD_BUDGET_MODE === 'global' && !env.SWITCHYARD_QUOTA_REDIS_URL) {
      ctx.addIssue({ code: 'custom', path: ['SWITCHYARD_QUOTA_REDIS_URL'], message: 'required when SWITCHYARD_BUDGET_MODE is global: the one Redis every region counts budgets in' });
    }
    if (env.SWITCHYARD_BUDGET_MODE === 'global' && env.SWITCHYARD_BUDGET_SHARE_PERCENT !== 100) {
      ctx.addIssue({ code: 'custom', path: ['SWITCHYARD_BUDGET_SHARE_PERCENT'], message: 'applies to SWITCHYARD_BUDGET_MODE=share only; in global mode every region enforces the whole budget from one counter' });
    }
    refuseHalfOidc(env, ctx);
    refuseHalfFilesStore(env, ctx);
    if (env.SWITCHYARD_BUDGET_REBALANCE_MS > 0 && !env.SWITCHYARD_BUDGET_REGIONS.length) {
      ctx.addIssue({ code: 'custom', path: ['SWITCHYARD_BUDGET_REGIONS'], message: 'required when SWITCHYARD_BUDGET_REBALANCE_MS is set: every region that enforces a share of the budgets, so each gets an allowance' });
    }
    if (env.SWITCHYARD_BUDGET_REBALANCE_MS > 0 && env.SWITCHYARD_BUDGET_MODE === 'global') {
      ctx.addIssue({ code: 'custom', path: ['SWITCHYARD_BUDGET_REBALANCE_MS'], message: 'applies to SWITCHYARD_BUDGET_MODE=share only; in global mode one counter holds the whole budget' });
    }
    if (env.SWITCHYARD_HTTP_HEADERS_TIMEOUT_MS > env.SWITCHYARD_HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({ code: 'custom', path: ['SWITCHYARD_HTTP_HEADERS_TIMEOUT_MS'], message: `must not exceed SWITCHYARD_HTTP_REQUEST_TIMEOUT_MS (${env.SWITCHYARD_HTTP_REQUEST_TIMEOUT_MS})` });
    }
  }) satisfies z.ZodType<SwitchyardEnv>;

/** OIDC is all or nothing: an issuer needs an audience and exactly one key set, and those need an issuer. */
function refuseHalfOidc(env: z.output<typeof switchyardEnvFields>, ctx: z.RefinementCtx): void {
  const jwksSources = [env.SWITCHYARD_ADMIN_OIDC_JWKS_URL, env.SWITCHYARD_ADMIN_OIDC_JWKS_FILE].filter((v) => v !== undefined).length;
  if (env.SWITCHYARD_ADMIN_OIDC_ISSUER === undefined) {
    if (env.SWITCHYARD_ADMIN_OIDC_AUDIENCE !== undefined || jwksSources > 0) {
      ctx.addIssue({ code: 'custom', path: ['SWITCHYARD_ADMIN_OIDC_ISSUER'], message: 'required with SWITCHYARD_ADMIN_OIDC_AUDIENCE or a JWKS: the issuer every admin JWT must name' });
    }
    return;
  }
  if (env.SWITCHYARD_ADMIN_OIDC_AUDIENCE === undefined) {
    ctx.addIssue({ code: 'custom', path: ['SWITCHYARD_ADMIN_OIDC_AUDIENCE'], message: 'required with SWITCHYARD_ADMIN_OIDC_ISSUER: the audience every admin JWT must name' });
  }
  if (jwksSources !== 1) {
    ctx.addIssue({ code: 'custom', path: ['SWITCHYARD_ADMIN_OIDC_JWKS_URL'], message: 'set exactly one of SWITCHYARD_ADMIN_OIDC_JWKS_URL and SWITCHYARD_ADMIN_OIDC_JWKS_FILE with SWITCHYARD_ADMIN_OIDC_ISSUER' });
  }
}

/** The admin API's OIDC settings (the shape of libs/admin's OidcOptions), or undefined when OIDC is off. */
export function adminOidcOf(env: SwitchyardEnv):
  | { issuer: string; audience: string; jwks: { url: string } | { file: string }; roleClaim: string; tenantClaim: string }
  | undefined {
  const { SWITCHYARD_ADMIN_OIDC_ISSUER: issuer, SWITCHYARD_ADMIN_OIDC_AUDIENCE: audience, SWITCHYARD_ADMIN_OIDC_JWKS_URL: url, SWITCHYARD_ADMIN_OIDC_JWKS_FILE: file } = env;
  if (issuer === undefined || audience === undefined) return undefined;
  const jwks = url !== undefined ? { url } : file !== undefined ? { file } : undefined;
  if (!jwks) return undefined;
  return { issuer, audience, jwks, roleClaim: env.SWITCHYARD_ADMIN_OIDC_ROLE_CLAIM, tenantClaim: env.SWITCHYARD_ADMIN_OIDC_TENANT_CLAIM };
}

/** How much of an upstream answer the adapter reads, in bytes. */
export interface UpstreamLimits {
  /** One JSON answer (chat, embeddings, token counts). */
  jsonBytes: number;
  /** One stream, in total. */
  streamBytes: number;
  /** One server-sent event, or one line not ended yet. */
  eventBytes: number;
}

/** The adapter's upstream answer limits from the environment (standalone and apps/adapter). */
export function upstreamLimits(env: SwitchyardEnv): UpstreamLimits {
  return {
    jsonBytes: env.SWITCHYARD_MAX_UPSTREAM_RESPONSE_BYTES,
    streamBytes: env.SWITCHYARD_MAX_UPSTREAM_STREAM_BYTES,
    eventBytes: env.SWITCHYARD_MAX_UPSTREAM_EVENT_BYTES,
  };
}

/** The public HTTP server's deadlines and connection cap (standalone and the cluster ingress). */
export function httpServerSettings(env: SwitchyardEnv): { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; maxConnections: number } {
  return {
    headersTimeoutMs: env.SWITCHYARD_HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.SWITCHYARD_HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: env.SWITCHYARD_HTTP_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: env.SWITCHYARD_HTTP_MAX_CONNECTIONS,
  };
}

/** The ingress's ceilings on one request (standalone and the cluster ingress). */
export function requestLimitSettings(env: SwitchyardEnv): { maxEmbedInputs: number; maxRequestTokens: number } {
  return { maxEmbedInputs: env.SWITCHYARD_MAX_EMBED_INPUTS, maxRequestTokens: env.SWITCHYARD_MAX_REQUEST_TOKENS };
}

/** Every variable the gateway reads as its own setting: none may ever resolve as an upstream key. */
export function gatewaySettingNames(): string[] {
  return Object.keys(switchyardEnvFields.shape);
}

/**
 * The outbound policy of the settings validated at boot, which every process holding it (the
 * adapter, the admin API, config loading) is given: none reads SWITCHYARD_OUTBOUND_* itself.
 */
export function outboundPolicyOf(env: Pick<SwitchyardEnv, 'SWITCHYARD_OUTBOUND_ENV_PREFIX' | 'SWITCHYARD_OUTBOUND_ALLOW_HTTP' | 'SWITCHYARD_OUTBOUND_ALLOW_PRIVATE'>): OutboundPolicy {
  return { envPrefix: env.SWITCHYARD_OUTBOUND_ENV_PREFIX, allowHttp: env.SWITCHYARD_OUTBOUND_ALLOW_HTTP, allowPrivate: env.SWITCHYARD_OUTBOUND_ALLOW_PRIVATE };
}

/** The admin API's bearer token (env or `server.adminToken`) is at least this long. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** Why an admin token is refused, naming its length, never its value. */
export function adminTokenTooShort(token: string): string {
  return `the admin token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (this one has ${[...token].length}); generate one, e.g. $(openssl rand -hex 24)`;
}

export function loadSwitchyardEnv(env: NodeJS.ProcessEnv = process.env): SwitchyardEnv {
  return loadProcessEnv(switchyardEnvSchema, env);
}

/** Where auth counts limits and budgets, and which share of each budget it enforces (issue 15). */
export function regionBudgetSettings(env: Pick<SwitchyardEnv, 'REDIS_URL' | 'SWITCHYARD_BUDGET_MODE' | 'SWITCHYARD_BUDGET_SHARE_PERCENT' | 'SWITCHYARD_QUOTA_REDIS_URL'>): { quotaRedisUrl?: string; share: number } {
  return { quotaRedisUrl: env.SWITCHYARD_QUOTA_REDIS_URL ?? env.REDIS_URL, share: env.SWITCHYARD_BUDGET_MODE === 'share' ? env.SWITCHYARD_BUDGET_SHARE_PERCENT / 100 : 1 };
}
