import { AdapterServiceDefinition, AuthServiceDefinition, BillingServiceDefinition, RouterServiceDefinition } from '@switchyard/ir';
import { ADAPTER_FAMILY_OF, type ProviderId } from '@switchyard/providers';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CHART, type Container, type K8sObject, type ValuesFile, appOf, ofKind, plainEnv, valuesPath } from './helm-chart';
import { ROOT } from './process-harness';

// What the chart's wiring checks compare the rendered objects with: what each app reads.
export const GRPC_SERVICE_OF: Record<string, string> = {
  auth: AuthServiceDefinition.fullName,
  router: RouterServiceDefinition.fullName,
  billing: BillingServiceDefinition.fullName,
  adapter: AdapterServiceDefinition.fullName,
};
/** The paths the HTTP edge serves for probes (libs/ingress health.controller.ts). */
export const HEALTH_PATHS = ['/healthz', '/readyz'];

/** The secrets each app reads (apps/<app>/src/main.ts and its module), beyond upstream, tenant and webhook keys. */
export const SECRETS_READ: Record<string, string[]> = {
  // The replica: the copy of the keys the ingress admits keys without limits from (issue 11).
  ingress: ['REDIS_URL', 'SWITCHYARD_ADMIN_TOKEN', 'DATABASE_URL', 'DATABASE_READ_URL', 'SWITCHYARD_SECRET_KEYS'],
  // The replica (keys) and the global quota Redis (budgets across regions, issue 15).
  auth: ['DATABASE_URL', 'DATABASE_READ_URL', 'REDIS_URL', 'SWITCHYARD_QUOTA_REDIS_URL'],
  router: ['DATABASE_URL', 'DATABASE_READ_URL', 'REDIS_URL'],
  // SWITCHYARD_SECRET_KEYS: sealed webhook secrets (the notification worker's box).
  billing: ['DATABASE_URL', 'REDIS_URL', 'SWITCHYARD_SECRET_KEYS'],
  adapter: ['SWITCHYARD_SECRET_KEYS'],
  standalone: ['DATABASE_URL', 'DATABASE_READ_URL', 'REDIS_URL', 'SWITCHYARD_QUOTA_REDIS_URL', 'SWITCHYARD_ADMIN_TOKEN', 'SWITCHYARD_SECRET_KEYS'],
  // `switchyard apply`: migrations, the config bus, sealing, tenant keys.
  'standalone apply': ['DATABASE_URL', 'REDIS_URL', 'SWITCHYARD_SECRET_KEYS'],
};

export const HTTP_SETTINGS = ['MAX_BODY_BYTES', 'SWITCHYARD_MAX_EMBED_INPUTS', 'SWITCHYARD_MAX_REQUEST_TOKENS', 'SWITCHYARD_HTTP_HEADERS_TIMEOUT_MS', 'SWITCHYARD_HTTP_REQUEST_TIMEOUT_MS', 'SWITCHYARD_HTTP_KEEP_ALIVE_TIMEOUT_MS', 'SWITCHYARD_HTTP_MAX_CONNECTIONS'];
export const OUTBOUND = ['SWITCHYARD_OUTBOUND_ENV_PREFIX', 'SWITCHYARD_OUTBOUND_ALLOW_HTTP', 'SWITCHYARD_OUTBOUND_ALLOW_PRIVATE'];
export const UPSTREAM_LIMITS = ['SWITCHYARD_MAX_UPSTREAM_RESPONSE_BYTES', 'SWITCHYARD_MAX_UPSTREAM_STREAM_BYTES', 'SWITCHYARD_MAX_UPSTREAM_EVENT_BYTES'];
export const QUOTA = ['SWITCHYARD_QUOTA_LEASE_MS', 'SWITCHYARD_QUOTA_ON_ERROR'];
export const BUDGET = ['SWITCHYARD_BUDGET_MODE', 'SWITCHYARD_BUDGET_SHARE_PERCENT'];
export const FEED = ['SWITCHYARD_CONFIG_FEED_POLL_MS'];
export const AUDIT_RETENTION = ['SWITCHYARD_AUDIT_RETENTION_DAYS'];
export const AUDIT_BODIES = ['SWITCHYARD_AUDIT_BODY_MAX_BYTES'];
// Files and batches, stored Responses (issue 17): where they are served, and the batch worker.
export const FILES = ['SWITCHYARD_FILES_MAX_BYTES', 'SWITCHYARD_BATCH_LOCK_MS'];
export const BATCH_WORKER = ['SWITCHYARD_BATCH_WORKERS', 'SWITCHYARD_BATCH_LINE_CONCURRENCY', 'SWITCHYARD_FILES_SWEEP_MS', 'SWITCHYARD_BATCH_LOCK_MS'];
export const RESPONSES = ['SWITCHYARD_RESPONSES_RETENTION_DAYS'];

export interface Values {
  region?: string;
  metrics: { enabled: boolean };
  otel: { enabled: boolean };
  adminToken: { value?: string; existingSecret?: string };
  database: { url?: string; existingSecret?: string };
  databaseRead: { url?: string; existingSecret?: string };
  quotaRedis: { url?: string; existingSecret?: string };
  config: {
    providers?: { type: ProviderId; apiKeys?: string[] }[];
    tenants?: { keys?: { key: string }[] }[];
    notifications?: { webhooks?: { secret: string }[] };
    region?: { peers?: { name: string; url: string; credential: string }[] };
  };
  secretKeys: { value?: string; existingSecret?: string };
  settings: { files: { store: string; s3: { bucket: string; endpoint: string; region: string; prefix: string } } };
  filesBucket: { existingSecret: string };
}

/** The chart's defaults overlaid with a values file (maps merged, the rest replaced), as helm does. */
export function valuesOf(file: ValuesFile): Values {
  const merge = (a: unknown, b: unknown): unknown => {
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
      for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
      return out;
    }
    return b === undefined ? a : b;
  };
  return merge(parseYaml(readFileSync(resolve(CHART, 'values.yaml'), 'utf8')), parseYaml(readFileSync(valuesPath(file), 'utf8'))) as Values;
}

/** What each app reads from the environment for these values (apps/*\/src/main.ts, the env schema). */
export function requiredEnv(app: string, c: Container, v: Values): string[] {
  const admin = Boolean((v.adminToken.value || v.adminToken.existingSecret) && (v.database.url || v.database.existingSecret));
  const common = ['HOST', 'LOG_LEVEL', ...(v.metrics.enabled && app !== 'standalone apply' ? ['SWITCHYARD_METRICS_PORT'] : [])];
  const region = v.region ? ['SWITCHYARD_REGION'] : [];
  const webhooks = (v.config.notifications?.webhooks ?? []).length > 0;
  const sealing = Boolean(v.secretKeys.value || v.secretKeys.existingSecret);
  const replica = v.databaseRead.url || v.databaseRead.existingSecret ? ['DATABASE_READ_URL'] : [];
  const quotaRedis = v.quotaRedis.url || v.quotaRedis.existingSecret ? ['SWITCHYARD_QUOTA_REDIS_URL'] : [];
  switch (app) {
    case 'ingress':
      return [...common, 'PORT', 'AUTH_GRPC_URL', 'ROUTER_GRPC_URL', 'REDIS_URL', ...HTTP_SETTINGS, ...region, 'SWITCHYARD_CONFIG', ...OUTBOUND, ...peerSecretsOf(v), ...AUDIT_BODIES, ...(sealing ? ['SWITCHYARD_SECRET_KEYS'] : []), 'DATABASE_URL', ...replica, ...RESPONSES, ...FILES, ...filesStoreEnvOf(v), 'SWITCHYARD_INGRESS_ADMITS_UNLIMITED', ...FEED, ...(admin ? ['SWITCHYARD_ADMIN_TOKEN', 'BILLING_GRPC_URL'] : [])];
    case 'auth':
      return [...common, 'GRPC_PORT', 'DATABASE_URL', ...replica, 'REDIS_URL', 'SWITCHYARD_CONFIG', ...OUTBOUND, ...QUOTA, ...BUDGET, ...quotaRedis, ...FEED];
    case 'router':
      return [...common, 'GRPC_PORT', 'DATABASE_URL', ...replica, 'REDIS_URL', 'ADAPTER_GRPC_URLS', 'SWITCHYARD_CONFIG', ...OUTBOUND, ...FEED];
    case 'billing':
      return [...common, 'GRPC_PORT', 'DATABASE_URL', 'REDIS_URL', 'AUTH_GRPC_URL', 'ROUTER_GRPC_URL', ...BATCH_WORKER, ...region, 'SWITCHYARD_CONFIG', ...OUTBOUND, ...AUDIT_RETENTION, ...(webhooks && sealing ? ['SWITCHYARD_SECRET_KEYS'] : []), ...webhookSecretsOf(v), ...filesStoreEnvOf(v)];
    case 'adapter':
      return [...common, 'GRPC_PORT', 'ADAPTER_PROVIDER', ...UPSTREAM_LIMITS, ...OUTBOUND, ...upstreamKeysOf(v, plainEnv(c, 'ADAPTER_PROVIDER'))];
    case 'standalone':
      return [...common, 'PORT', 'SWITCHYARD_CONFIG', 'SWITCHYARD_DATA_DIR', 'DATABASE_URL', ...replica, 'REDIS_URL', ...HTTP_SETTINGS, ...region, ...QUOTA, ...BUDGET, ...quotaRedis, ...FEED, ...AUDIT_RETENTION, ...AUDIT_BODIES, ...RESPONSES, ...FILES, ...filesStoreEnvOf(v), ...BATCH_WORKER, ...UPSTREAM_LIMITS, ...OUTBOUND, ...upstreamKeysOf(v), ...tenantKeysOf(v), ...webhookSecretsOf(v), ...peerSecretsOf(v)];
    case 'standalone apply':
      return ['LOG_LEVEL', 'DATABASE_URL', 'REDIS_URL', ...OUTBOUND, ...tenantKeysOf(v)];
    default:
      throw new Error(`unknown app ${app}`);
  }
}

/** `env:` upstream keys of the config's providers (of one adapter family, when given). */
export function upstreamKeysOf(v: Values, family?: string): string[] {
  const keys = (v.config.providers ?? []).filter((p) => family === undefined || ADAPTER_FAMILY_OF[p.type] === family).flatMap((p) => p.apiKeys ?? []);
  return [...new Set(keys.filter((k) => k.startsWith('env:')).map((k) => k.slice(4)))];
}
/** `env:` signing secrets of the webhooks of `notifications`. */
export function webhookSecretsOf(v: Values): string[] {
  const refs = (v.config.notifications?.webhooks ?? []).map((w) => String(w.secret));
  return [...new Set(refs.filter((k) => k.startsWith('env:')).map((k) => k.slice(4)))];
}
/** The files bucket's access key, from filesBucket.existingSecret, when the files are in a bucket. */
export function filesBucketKeysOf(v: Values): string[] {
  return v.settings.files.store === 's3' && v.filesBucket.existingSecret ? ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] : [];
}
/** Where file bytes live (issue 17), for the ingress, billing and standalone: the S3 settings that are set, and the bucket's key. */
export function filesStoreEnvOf(v: Values): string[] {
  const s3 = v.settings.files.s3;
  if (v.settings.files.store !== 's3') return ['SWITCHYARD_FILES_STORE'];
  const set = ([['SWITCHYARD_FILES_S3_ENDPOINT', s3.endpoint], ['SWITCHYARD_FILES_S3_REGION', s3.region], ['SWITCHYARD_FILES_S3_PREFIX', s3.prefix]] as const).filter(([, value]) => value).map(([name]) => name);
  return ['SWITCHYARD_FILES_STORE', 'SWITCHYARD_FILES_S3_BUCKET', 'SWITCHYARD_FILES_S3_FORCE_PATH_STYLE', ...set, ...filesBucketKeysOf(v)];
}
/** `env:` link secrets of the peer regions of `region.peers`. */
export function peerSecretsOf(v: Values): string[] {
  const refs = (v.config.region?.peers ?? []).map((p) => String(p.credential));
  return [...new Set(refs.filter((k) => k.startsWith('env:')).map((k) => k.slice(4)))];
}
export function tenantKeysOf(v: Values): string[] {
  const keys = (v.config.tenants ?? []).flatMap((t) => t.keys ?? []).map((k) => String(k.key));
  return [...new Set(keys.filter((k) => k.startsWith('env:')).map((k) => k.slice(4)))];
}

/** A plausible value for a secret held in a Secret the chart does not render (existingSecret). */
export const SAMPLE_SECRET: Record<string, string> = {
  DATABASE_URL: 'postgresql://u@db:5432/sy',
  DATABASE_READ_URL: 'postgresql://u@db-replica:5432/sy',
  REDIS_URL: 'redis://redis:6379/0',
  SWITCHYARD_QUOTA_REDIS_URL: 'rediss://quota-redis:6380/0',
  SWITCHYARD_ADMIN_TOKEN: 'a'.repeat(40),
  SWITCHYARD_SECRET_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

/** The container's environment as the process would see it, secrets read from the rendered Secrets. */
export function resolvedEnv(c: Container, objects: K8sObject[]): Record<string, string> {
  const secrets = new Map(ofKind(objects, 'Secret').map((s) => [s.metadata.name, s.data ?? {}]));
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef) {
      const { name, key } = e.valueFrom.secretKeyRef;
      const data = secrets.get(name);
      env[e.name] = data ? Buffer.from(String(data[key]), 'base64').toString('utf8') : (SAMPLE_SECRET[e.name] ?? 'sample-secret');
    }
  }
  return env;
}

export const appName = (c: Container): string => {
  const { app, args } = appOf(c);
  return args[0] === 'apply' ? 'standalone apply' : app;
};


/** The apps whose source reads switchyard.yaml's path (`SWITCHYARD_CONFIG`), found in apps/<app>/src. */
export function appsReadingConfig(): string[] {
  const reads = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? reads(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && readFileSync(join(dir, e.name), 'utf8').includes('SWITCHYARD_CONFIG')));
  return readdirSync(resolve(ROOT, 'apps')).filter((app) => reads(resolve(ROOT, 'apps', app, 'src'))).sort();
}
