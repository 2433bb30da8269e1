import { PROVIDER_IDS } from '@switchyard/providers';
import { normalizeOrigin } from '@switchyard/shared';
import { z } from 'zod';
import { guardrailsSchema } from './guardrails.schema';
import { isIpRange } from './ip-range';
import { passthroughSchema } from './passthrough.schema';
import { providerOptionsSchema } from './provider-options.schema';
import { isWellFormedSecretRef } from './secret-ref.resolver';
import { CONFIG_OWNERSHIPS, DEFAULT_BUDGET_THRESHOLD, PLAN_OVERAGES, DEFAULT_CORS_MAX_AGE_SECONDS, DEFAULT_ROUTING, NOTIFICATION_EVENTS, ROUTING_STRATEGIES, WEBHOOK_FORMATS, type SwitchyardConfig } from './switchyard-config.types';
import { isSealedRef } from './secrets/sealed-value.format';

// The shape of switchyard.yaml (docs/architecture.md §4). Strict objects everywhere: a misspelt key
// (`wieght: 3`) must fail loudly rather than silently fall back to its default.
// Cross-references (ids, names, duplicates) are checked in switchyard-config.checks.ts.

// Ids end up in metric labels, log fields and admin URLs, so they stay URL-safe.
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
  error: 'expected letters, digits, ".", "_" or "-", starting with a letter or digit',
});
// Model names are whatever upstreams and tenants use (`meta-llama/Llama-3-8B`, `qwen2.5:7b`).
const name = z.string().regex(/^\S+$/, { error: 'expected a name without spaces' });
const secretRef = z
  .string()
  .min(1)
  .refine(isWellFormedSecretRef, { error: 'expected env:NAME with NAME a valid environment variable name' });
// Tenant keys are the only thing between the internet and the upstream accounts: a short one is
// guessable. 32 characters of base64 is 192 bits; our generated keys carry 256 (43 characters).
export const MIN_TENANT_KEY_LENGTH = 32;
const tenantKey = secretRef.refine((ref) => ref.startsWith('env:') || [...ref].length >= MIN_TENANT_KEY_LENGTH, {
  error: (issue) =>
    `a key must be at least ${MIN_TENANT_KEY_LENGTH} characters (this one has ${[...String(issue.input)].length}); generate one, e.g. sk-$(openssl rand -hex 24)`,
});
// Not echoed: a URL may carry credentials (`https://user:key@host`), and messages reach logs.
const httpUrl = z.string().refine(isHttpUrl, { error: 'expected an http(s) URL' });
const port = z.int().min(1).max(65_535);
const positiveInt = z.int().min(1);
/** Counts stored in 32-bit integer columns (rpm, tpm, concurrency). */
const count = z.int().min(1).max(2_147_483_647);
const millis = z.int().min(1);
const money = z.number().min(0);

/** A YAML key written with nothing after it (`tenants:`) parses as null; treat it as absent. */
function section<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema);
}

// A browser origin as CORS compares it (scheme://host[:port]), or `*` for any.
const corsOrigin = z.string().refine((v) => normalizeOrigin(v) !== undefined, {
  error: 'expected an origin such as https://app.example.com (scheme, host and port only) or *',
});
const corsOrigins = z.array(corsOrigin).transform((list) => [...new Set(list.map((o) => normalizeOrigin(o) ?? o))]);
// Browsers cap how long they keep a preflight (Chromium: 2 hours), so more would only mislead.
const corsSchema = z.strictObject({ origins: corsOrigins.default([]), maxAgeSeconds: z.int().min(0).max(7200).default(DEFAULT_CORS_MAX_AGE_SECONDS) });

const serverSchema = z.strictObject({
  port: port.default(8080),
  adminToken: secretRef.optional(),
  region: name.optional(),
  cors: corsSchema.optional(),
});

const D = DEFAULT_ROUTING;
const share = z.number().min(0).max(1);
const routingSchema = z.strictObject({
  // Each retry adds load to an upstream that is already failing; past a handful it only hurts.
  retries: z.int().min(0).max(10).default(D.retries),
  timeouts: section(
    z.strictObject({
      connectMs: millis.default(D.timeouts.connectMs),
      firstTokenMs: millis.default(D.timeouts.firstTokenMs),
      idleMs: millis.default(D.timeouts.idleMs),
      totalMs: millis.default(D.timeouts.totalMs),
    }).prefault({}),
  ),
  retryBudget: section(z.strictObject({ ratio: share.default(D.retryBudget.ratio), minPerSecond: z.number().min(0).default(D.retryBudget.minPerSecond) }).prefault({})),
  circuitBreaker: section(
    z.strictObject({
      windowMs: millis.default(D.circuitBreaker.windowMs),
      minRequests: positiveInt.default(D.circuitBreaker.minRequests),
      failureRate: share.default(D.circuitBreaker.failureRate),
      openMs: millis.default(D.circuitBreaker.openMs),
      halfOpenRequests: positiveInt.default(D.circuitBreaker.halfOpenRequests),
    }).prefault({}),
  ),
  outlier: section(
    z.strictObject({
      consecutiveFailures: positiveInt.default(D.outlier.consecutiveFailures),
      ejectMs: millis.default(D.outlier.ejectMs),
      maxEjectMs: millis.default(D.outlier.maxEjectMs),
    }).prefault({}),
  ),
  probes: section(z.strictObject({ intervalMs: millis.default(D.probes.intervalMs) }).prefault({})),
  cache: section(
    z.strictObject({
      ttlSeconds: positiveInt.default(D.cache.ttlSeconds),
      maxEntryBytes: positiveInt.default(D.cache.maxEntryBytes),
      maxBytes: positiveInt.default(D.cache.maxBytes),
    }).prefault({}),
  ),
});

const providerSchema = z.strictObject({
  id,
  // The providers registry's ids: a provider type is valid exactly when an adapter serves it.
  type: z.enum(PROVIDER_IDS),
  baseUrl: httpUrl,
  // Local OpenAI-compatible servers (Ollama, vLLM) commonly need no key.
  apiKeys: z.array(secretRef).default([]),
  region: name.optional(),
  options: providerOptionsSchema.optional(),
  passthrough: passthroughSchema.optional(),
});

// USD per million tokens; the price columns keep six decimals, and a rate's micro-dollars must be
// a safe integer for the cost arithmetic (libs/shared model-price.ts).
const rate = money.max(1_000_000);
const priceSchema = z.strictObject({
  inputPerMTok: rate,
  outputPerMTok: rate,
  cachedInputPerMTok: rate.optional(),
  cacheWritePerMTok: rate.optional(),
  reasoningPerMTok: rate.optional(),
  batchInputPerMTok: rate.optional(),
  batchOutputPerMTok: rate.optional(),
});
// 1.2 = 20 % markup, 0.8 = a discount; 0 gives the tenant everything free. The column keeps six decimals.
const priceMultiplier = z.number().min(0).max(1000);

const deploymentSchema = z.strictObject({
  provider: id,
  model: name,
  // Weight 0 drains a deployment without deleting it.
  weight: z.number().min(0).default(1),
  priority: z.int().min(0).default(0),
  rpm: count.optional(),
  tpm: count.optional(),
  // What the upstream charges for this deployment (margins; the lowest-cost strategy). `price` is
  // the older name of the same thing.
  cost: priceSchema.optional(),
  price: priceSchema.optional(),
}).refine((d) => !(d.cost && d.price), { error: 'give cost or price (its older name), not both', path: ['price'] });

const modelSchema = z.strictObject({
  name,
  deployments: z.array(deploymentSchema).min(1),
  fallbacks: z.array(name).default([]),
  price: priceSchema.optional(),
  strategy: z.enum(ROUTING_STRATEGIES).default('weighted'),
  timeouts: z
    .strictObject({ connectMs: millis.optional(), firstTokenMs: millis.optional(), idleMs: millis.optional(), totalMs: millis.optional() })
    .optional(),
  contextWindow: positiveInt.optional(),
  contextFallback: name.optional(),
  hedge: z.strictObject({ afterMs: millis.optional(), percentile: z.number().gt(0).lt(100).optional() }).optional(),
  cache: z.strictObject({ ttlSeconds: positiveInt.optional() }).optional(),
});

const ipRange = z.string().refine(isIpRange, { error: (issue) => `expected an IP address or CIDR range such as 10.0.0.0/8, got ${JSON.stringify(issue.input)}` });
const modelPattern = z.string().regex(/^\S+$/, { error: 'expected a model name or pattern (`*` matches any characters) without spaces' });
// Labels for people and reports: small scalar values, so they fit a log line and a column.
const metadata = z.record(
  z.string().min(1),
  z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' }),
  // Zod's own words ("record", "Invalid key in record") mean nothing to someone editing YAML.
  {
    error: (issue) =>
      issue.code === 'invalid_type' ? 'expected a mapping such as { team: platform }' : issue.code === 'invalid_key' ? 'a label must not be empty' : undefined,
  },
);
// Not echoed: a date in the wrong place is easy to find by its path, a key in the wrong place must not be logged.
const dateTime = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time with a time zone, such as 2027-01-01T00:00:00Z' });

/** What a tenant and each of its keys may limit (AccessLimitsConfig). */
const accessLimits = {
  rpm: count.optional(),
  tpm: count.optional(),
  concurrency: count.optional(),
  models: z.array(modelPattern).optional(),
  budget: z.strictObject({ monthlyUsd: money.optional(), dailyUsd: money.optional() }).optional(),
  regions: z.array(name).optional(),
  ips: z.array(ipRange).optional(),
  metadata: metadata.optional(),
  guardrails: guardrailsSchema.optional(),
};

// Percent of the monthly budget or of the plan's included usage; past 100 only priced overage gets.
const spendThresholds = z
  .array(z.int().min(1).max(1000))
  .min(1)
  .refine((list) => list.every((v, i) => i === 0 || v > list[i - 1]), { error: 'expected ascending, distinct percentages such as [50, 80, 100]' });

const keySchema = z.strictObject({
  key: tenantKey,
  name: z.string().min(1).optional(),
  ...accessLimits,
  expiresAt: dateTime.optional(),
});

const tenantSchema = z.strictObject({
  id,
  name: z.string().min(1).optional(),
  ...accessLimits,
  priceMultiplier: priceMultiplier.optional(),
  observability: z.strictObject({ captureContent: z.boolean().default(false) }).optional(),
  audit: z.strictObject({ captureBodies: z.boolean().default(false) }).optional(),
  cors: z.strictObject({ origins: corsOrigins }).optional(),
  plan: id.optional(),
  alerts: z.strictObject({ spend: spendThresholds }).optional(),
  keys: z.array(keySchema).default([]),
});

// Plans (issue 16). Amounts are money columns numeric(18,9); included usage counts one unit.
const planSchema = z
  .strictObject({
    id,
    name: z.string().min(1).optional(),
    monthlyFeeUsd: money.default(0),
    included: z
      .strictObject({ usd: money.optional(), tokens: z.int().min(0).max(Number.MAX_SAFE_INTEGER).optional() })
      .refine((i) => i.usd === undefined || i.tokens === undefined, { error: 'give usd or tokens, not both: a plan counts one unit' })
      .optional(),
    overage: z.enum(PLAN_OVERAGES).default('price'),
    overageMultiplier: z.number().min(0).optional(),
  })
  .refine((p) => p.overage === 'price' || p.overageMultiplier === undefined, {
    path: ['overageMultiplier'],
    error: 'only a plan with overage: price charges overage; remove it or set overage: price',
  });

// Notifications (issue 13). A webhook's secret signs what it receives: a name to read it from or a
// sealed value, never the secret itself in the file.
const webhookSecret = secretRef.refine((ref) => ref.startsWith('env:') || isSealedRef(ref), {
  error: 'expected env:NAME or a sealed value (enc:v1:…); the signing secret is never written in the file',
});
const webhookSchema = z.strictObject({
  name: id,
  url: httpUrl,
  secret: webhookSecret,
  events: z.array(z.enum(NOTIFICATION_EVENTS)).min(1).default([...NOTIFICATION_EVENTS]),
  format: z.enum(WEBHOOK_FORMATS).default('slack'),
});
const notificationsSchema = z.strictObject({
  // Below 0.5 it would announce half the tenants every month; 1 would be exhaustion itself.
  budgetThreshold: z.number().min(0.5).lt(1).default(DEFAULT_BUDGET_THRESHOLD),
  webhooks: z.array(webhookSchema).default([]),
});

// Multi-region (issue 15). The link secret is read from the environment, never written in the file.
const peerCredential = secretRef.refine((ref) => ref.startsWith('env:'), {
  error: 'expected env:NAME; the secret shared with a peer region is never written in the file',
});
const regionSchema = z.strictObject({
  peers: z.array(z.strictObject({ name: id, url: httpUrl, credential: peerCredential })).default([]),
  readiness: section(z.strictObject({ minUsableModelShare: share.default(0) }).prefault({})),
  spillover: section(z.strictObject({ enabled: z.boolean().default(false) }).prefault({})),
});

export const switchyardConfigSchema = z.strictObject({
  configOwnership: z.enum(CONFIG_OWNERSHIPS).default('file'),
  server: section(serverSchema.prefault({})),
  routing: section(routingSchema.prefault({})),
  providers: section(z.array(providerSchema).default([])),
  models: section(z.array(modelSchema).default([])),
  tenants: section(z.array(tenantSchema).default([])),
  plans: section(z.array(planSchema).default([])),
  notifications: section(notificationsSchema.optional()),
  region: section(regionSchema.prefault({})),
}) satisfies z.ZodType<SwitchyardConfig>;

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}
