import { z } from 'zod';
import { ConfigError } from './config.error';
import { envPort } from './env-var.schemas';
import { loadProcessEnv } from './process-env.loader';
import { SecretBox } from './secrets/secret-box';
import { adminOidcOf, gatewaySettingNames, loadSwitchyardEnv, outboundPolicyOf, regionBudgetSettings } from './switchyard-env.schema';

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadSwitchyardEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(loadSwitchyardEnv.name, () => {
  it('applies the defaults to an empty environment', () => {
    expect(loadSwitchyardEnv({})).toEqual({
      HOST: '0.0.0.0',
      SWITCHYARD_ADMIN_OIDC_ROLE_CLAIM: 'switchyard_role',
      SWITCHYARD_ADMIN_OIDC_TENANT_CLAIM: 'switchyard_tenant',
      SWITCHYARD_CONFIG: './switchyard.yaml',
      SWITCHYARD_ALLOW_UNRESOLVED_ENV: false,
      SWITCHYARD_DATA_DIR: './data',
      LOG_LEVEL: 'info',
      MAX_BODY_BYTES: 4 * 1024 * 1024,
      SWITCHYARD_QUOTA_LEASE_MS: 30_000,
      SWITCHYARD_QUOTA_ON_ERROR: 'closed',
      SWITCHYARD_RECONCILE_INTERVAL_MS: 300_000,
      SWITCHYARD_MAX_UPSTREAM_RESPONSE_BYTES: 64 * 1024 * 1024,
      SWITCHYARD_MAX_UPSTREAM_STREAM_BYTES: 256 * 1024 * 1024,
      SWITCHYARD_MAX_UPSTREAM_EVENT_BYTES: 16 * 1024 * 1024,
      SWITCHYARD_MAX_EMBED_INPUTS: 2048,
      SWITCHYARD_MAX_REQUEST_TOKENS: 20_000_000,
      SWITCHYARD_OUTBOUND_ENV_PREFIX: 'SWITCHYARD_UPSTREAM_',
      SWITCHYARD_OUTBOUND_ALLOW_HTTP: false,
      SWITCHYARD_OUTBOUND_ALLOW_PRIVATE: false,
      SWITCHYARD_HTTP_HEADERS_TIMEOUT_MS: 10_000,
      SWITCHYARD_HTTP_REQUEST_TIMEOUT_MS: 30_000,
      SWITCHYARD_HTTP_KEEP_ALIVE_TIMEOUT_MS: 75_000,
      SWITCHYARD_HTTP_MAX_CONNECTIONS: 1024,
      SWITCHYARD_ACCESS_LOG: true,
      SWITCHYARD_CONFIG_FEED_POLL_MS: 500,
      SWITCHYARD_AUDIT_RETENTION_DAYS: 90,
      SWITCHYARD_RESPONSES_RETENTION_DAYS: 30,
      SWITCHYARD_AUDIT_BODY_MAX_BYTES: 65536,
      SWITCHYARD_FILES_MAX_BYTES: 200 * 1024 * 1024,
      SWITCHYARD_FILES_STORE: 'database',
      SWITCHYARD_FILES_S3_PREFIX: '',
      SWITCHYARD_FILES_S3_FORCE_PATH_STYLE: false,
      SWITCHYARD_BATCH_WORKERS: 2,
      SWITCHYARD_BATCH_LINE_CONCURRENCY: 4,
      SWITCHYARD_BATCH_LOCK_MS: 30_000,
      SWITCHYARD_FILES_SWEEP_MS: 60_000,
      SWITCHYARD_BUDGET_MODE: 'share',
      SWITCHYARD_BUDGET_SHARE_PERCENT: 100,
      SWITCHYARD_BUDGET_REBALANCE_MS: 0,
      SWITCHYARD_BUDGET_REGIONS: [],
      SWITCHYARD_INGRESS_ADMITS_UNLIMITED: true,
      SWITCHYARD_GRPC_MUX: true,
    });
  });

  it('budgets across regions: a share in per cent, or one global counter that must be named', () => {
    expect(regionBudgetSettings(loadSwitchyardEnv({ REDIS_URL: 'redis://r:6379', SWITCHYARD_BUDGET_SHARE_PERCENT: '40' }))).toEqual({ quotaRedisUrl: 'redis://r:6379', share: 0.4 });
    expect(regionBudgetSettings(loadSwitchyardEnv({ REDIS_URL: 'redis://r:6379', SWITCHYARD_BUDGET_MODE: 'global', SWITCHYARD_QUOTA_REDIS_URL: 'rediss://budgets.global:6380' }))).toEqual({
      quotaRedisUrl: 'rediss://budgets.global:6380',
      share: 1,
    });
    expect(problemsOf({ SWITCHYARD_BUDGET_MODE: 'global' })).toEqual(['SWITCHYARD_QUOTA_REDIS_URL: required when SWITCHYARD_BUDGET_MODE is global: the one Redis every region counts budgets in']);
    expect(problemsOf({ SWITCHYARD_BUDGET_MODE: 'global', SWITCHYARD_QUOTA_REDIS_URL: 'redis://g:6379', SWITCHYARD_BUDGET_SHARE_PERCENT: '50' })).toEqual([
      'SWITCHYARD_BUDGET_SHARE_PERCENT: applies to SWITCHYARD_BUDGET_MODE=share only; in global mode every region enforces the whole budget from one counter',
    ]);
    expect(problemsOf({ SWITCHYARD_BUDGET_SHARE_PERCENT: '0' })).toEqual(['SWITCHYARD_BUDGET_SHARE_PERCENT: expected an integer 1-100, got "0"']);
  });

  it('parses every setting into its type', () => {
    const env = loadSwitchyardEnv({
      PORT: '8080',
      HOST: '127.0.0.1',
      SWITCHYARD_CONFIG: '/etc/switchyard/switchyard.yaml',
      DATABASE_URL: 'postgresql://switchyard:pw@db:5432/switchyard',
      DATABASE_READ_URL: 'postgresql://switchyard:pw@db-replica:5432/switchyard',
      SWITCHYARD_DATA_DIR: '/var/lib/switchyard',
      REDIS_URL: 'rediss://redis:6380',
      SWITCHYARD_REGION: 'eu-west',
      SWITCHYARD_ADMIN_TOKEN: 'admin-token-0123456789abcdef0123456789',
      LOG_LEVEL: 'debug',
      ADAPTER_PROVIDER: 'anthropic',
      AUTH_GRPC_URL: 'auth:50051',
      ROUTER_GRPC_URL: '[::1]:50052',
      ADAPTER_GRPC_URLS: 'openai=127.0.0.1:50053, anthropic=127.0.0.1:50054',
      BILLING_GRPC_URL: 'billing.switchyard.svc.cluster.local:50055',
      GRPC_PORT: '50051',
      MAX_BODY_BYTES: '1048576',
      SWITCHYARD_QUOTA_LEASE_MS: '5000',
      SWITCHYARD_QUOTA_ON_ERROR: 'open',
      SWITCHYARD_RECONCILE_INTERVAL_MS: '60000',
      SWITCHYARD_TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.1',
      SWITCHYARD_MAX_UPSTREAM_RESPONSE_BYTES: '1048576',
      SWITCHYARD_MAX_UPSTREAM_STREAM_BYTES: '8388608',
      SWITCHYARD_MAX_UPSTREAM_EVENT_BYTES: '65536',
      SWITCHYARD_MAX_EMBED_INPUTS: '100',
      SWITCHYARD_MAX_REQUEST_TOKENS: '2000000',
      SWITCHYARD_OUTBOUND_ENV_PREFIX: 'LLM_KEY_',
      SWITCHYARD_OUTBOUND_ALLOW_HTTP: 'true',
      SWITCHYARD_OUTBOUND_ALLOW_PRIVATE: '1',
      SWITCHYARD_HTTP_HEADERS_TIMEOUT_MS: '5000',
      SWITCHYARD_HTTP_REQUEST_TIMEOUT_MS: '20000',
      SWITCHYARD_HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
      SWITCHYARD_HTTP_MAX_CONNECTIONS: '500',
      SWITCHYARD_METRICS_PORT: '9464',
      SWITCHYARD_ACCESS_LOG: 'false',
      SWITCHYARD_CONFIG_FEED_POLL_MS: '250',
      SWITCHYARD_AUDIT_RETENTION_DAYS: '30',
      SWITCHYARD_RESPONSES_RETENTION_DAYS: '7',
      SWITCHYARD_AUDIT_BODY_MAX_BYTES: '2048',
      SWITCHYARD_FILES_MAX_BYTES: '1048576',
      SWITCHYARD_BATCH_WORKERS: '3',
      SWITCHYARD_BATCH_LINE_CONCURRENCY: '8',
      SWITCHYARD_BATCH_LOCK_MS: '5000',
      SWITCHYARD_FILES_SWEEP_MS: '2000',
      SWITCHYARD_BUDGET_SHARE_PERCENT: '60',
      SWITCHYARD_QUOTA_REDIS_URL: 'redis://limits:6379/2',
      SWITCHYARD_BUDGET_REBALANCE_MS: '30000',
      SWITCHYARD_BUDGET_REGIONS: 'eu-west, us-east',
      SWITCHYARD_INGRESS_ADMITS_UNLIMITED: 'false',
      SWITCHYARD_GRPC_MUX: 'false',
    });

    expect(env).toEqual({
      PORT: 8080,
      SWITCHYARD_ADMIN_OIDC_ROLE_CLAIM: 'switchyard_role',
      SWITCHYARD_ADMIN_OIDC_TENANT_CLAIM: 'switchyard_tenant',
      HOST: '127.0.0.1',
      SWITCHYARD_CONFIG: '/etc/switchyard/switchyard.yaml',
      SWITCHYARD_ALLOW_UNRESOLVED_ENV: false,
      DATABASE_URL: 'postgresql://switchyard:pw@db:5432/switchyard',
      DATABASE_READ_URL: 'postgresql://switchyard:pw@db-replica:5432/switchyard',
      SWITCHYARD_DATA_DIR: '/var/lib/switchyard',
      REDIS_URL: 'rediss://redis:6380',
      SWITCHYARD_REGION: 'eu-west',
      SWITCHYARD_ADMIN_TOKEN: 'admin-token-0123456789abcdef0123456789',
      LOG_LEVEL: 'debug',
      ADAPTER_PROVIDER: 'anthropic',
      AUTH_GRPC_URL: 'auth:50051',
      ROUTER_GRPC_URL: '[::1]:50052',
      ADAPTER_GRPC_URLS: { openai: '127.0.0.1:50053', anthropic: '127.0.0.1:50054' },
      BILLING_GRPC_URL: 'billing.switchyard.svc.cluster.local:50055',
      GRPC_PORT: 50051,
      MAX_BODY_BYTES: 1048576,
      SWITCHYARD_QUOTA_LEASE_MS: 5000,
      SWITCHYARD_QUOTA_ON_ERROR: 'open',
      SWITCHYARD_RECONCILE_INTERVAL_MS: 60000,
      SWITCHYARD_TRUSTED_PROXIES: ['10.0.0.0/8', '192.168.1.1'],
      SWITCHYARD_MAX_UPSTREAM_RESPONSE_BYTES: 1048576,
      SWITCHYARD_MAX_UPSTREAM_STREAM_BYTES: 8388608,
      SWITCHYARD_MAX_UPSTREAM_EVENT_BYTES: 65536,
      SWITCHYARD_MAX_EMBED_INPUTS: 100,
      SWITCHYARD_MAX_REQUEST_TOKENS: 2_000_000,
      SWITCHYARD_OUTBOUND_ENV_PREFIX: 'LLM_KEY_',
      SWITCHYARD_OUTBOUND_ALLOW_HTTP: true,
      SWITCHYARD_OUTBOUND_ALLOW_PRIVATE: true,
      SWITCHYARD_HTTP_HEADERS_TIMEOUT_MS: 5000,
      SWITCHYARD_HTTP_REQUEST_TIMEOUT_MS: 20_000,
      SWITCHYARD_HTTP_KEEP_ALIVE_TIMEOUT_MS: 65_000,
      SWITCHYARD_HTTP_MAX_CONNECTIONS: 500,
      SWITCHYARD_METRICS_PORT: 9464,
      SWITCHYARD_ACCESS_LOG: false,
      SWITCHYARD_CONFIG_FEED_POLL_MS: 250,
      SWITCHYARD_AUDIT_RETENTION_DAYS: 30,
      SWITCHYARD_RESPONSES_RETENTION_DAYS: 7,
      SWITCHYARD_AUDIT_BODY_MAX_BYTES: 2048,
      SWITCHYARD_FILES_MAX_BYTES: 1048576,
      SWITCHYARD_FILES_STORE: 'database',
      SWITCHYARD_FILES_S3_PREFIX: '',
      SWITCHYARD_FILES_S3_FORCE_PATH_STYLE: false,
      SWITCHYARD_BATCH_WORKERS: 3,
      SWITCHYARD_BATCH_LINE_CONCURRENCY: 8,
      SWITCHYARD_BATCH_LOCK_MS: 5000,
      SWITCHYARD_FILES_SWEEP_MS: 2000,
      SWITCHYARD_BUDGET_MODE: 'share',
      SWITCHYARD_BUDGET_SHARE_PERCENT: 60,
      SWITCHYARD_QUOTA_REDIS_URL: 'redis://limits:6379/2',
      SWITCHYARD_BUDGET_REBALANCE_MS: 30000,
      SWITCHYARD_BUDGET_REGIONS: ['eu-west', 'us-east'],
      SWITCHYARD_INGRESS_ADMITS_UNLIMITED: false,
      SWITCHYARD_GRPC_MUX: false,
    });
  });

  it('turns the OIDC variables into the admin API\'s settings, off when no issuer is set', () => {
    expect(adminOidcOf(loadSwitchyardEnv({}))).toBeUndefined();
    const env = loadSwitchyardEnv({ SWITCHYARD_ADMIN_OIDC_ISSUER: 'https://login.example', SWITCHYARD_ADMIN_OIDC_AUDIENCE: 'switchyard-admin', SWITCHYARD_ADMIN_OIDC_JWKS_FILE: '/etc/switchyard/jwks.json', SWITCHYARD_ADMIN_OIDC_ROLE_CLAIM: 'groups' });
    expect(adminOidcOf(env)).toEqual({ issuer: 'https://login.example', audience: 'switchyard-admin', jwks: { file: '/etc/switchyard/jwks.json' }, roleClaim: 'groups', tenantClaim: 'switchyard_tenant' });
  });

  it('rebalancing of share-mode budgets: needs the regions, not in global mode, not faster than a second', () => {
    expect(problemsOf({ SWITCHYARD_BUDGET_REBALANCE_MS: '30000' })).toEqual(['SWITCHYARD_BUDGET_REGIONS: required when SWITCHYARD_BUDGET_REBALANCE_MS is set: every region that enforces a share of the budgets, so each gets an allowance']);
    expect(problemsOf({ SWITCHYARD_BUDGET_REBALANCE_MS: '30000', SWITCHYARD_BUDGET_REGIONS: 'a,b', SWITCHYARD_BUDGET_MODE: 'global', SWITCHYARD_QUOTA_REDIS_URL: 'redis://g:6379' })).toEqual([
      'SWITCHYARD_BUDGET_REBALANCE_MS: applies to SWITCHYARD_BUDGET_MODE=share only; in global mode one counter holds the whole budget',
    ]);
    expect(problemsOf({ SWITCHYARD_BUDGET_REBALANCE_MS: '500', SWITCHYARD_BUDGET_REGIONS: 'a' })).toHaveLength(1);
    expect(problemsOf({ SWITCHYARD_BUDGET_REGIONS: 'a, a' })).toEqual(['SWITCHYARD_BUDGET_REGIONS: a name is listed twice in "a, a"']);
    expect(loadSwitchyardEnv({ SWITCHYARD_BUDGET_REBALANCE_MS: '0' }).SWITCHYARD_BUDGET_REBALANCE_MS).toBe(0);
  });

  it('refuses a headers timeout longer than the request timeout, naming both', () => {
    expect(problemsOf({ SWITCHYARD_HTTP_HEADERS_TIMEOUT_MS: '40000', SWITCHYARD_HTTP_REQUEST_TIMEOUT_MS: '30000' })).toEqual([
      'SWITCHYARD_HTTP_HEADERS_TIMEOUT_MS: must not exceed SWITCHYARD_HTTP_REQUEST_TIMEOUT_MS (30000)',
    ]);
  });

  it('treats an empty variable as unset', () => {
    const env = loadSwitchyardEnv({ PORT: '', LOG_LEVEL: '' });

    expect(env.PORT).toBeUndefined();
    expect(env.LOG_LEVEL).toBe('info');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT: expected an integer 1-65535, got "abc"'],
    [{ GRPC_PORT: '70000' }, 'GRPC_PORT: expected an integer 1-65535, got "70000"'],
    [{ MAX_BODY_BYTES: '4MiB' }, 'MAX_BODY_BYTES: expected an integer ≥ 1, got "4MiB"'],
    [{ SWITCHYARD_MAX_UPSTREAM_EVENT_BYTES: '10' }, 'SWITCHYARD_MAX_UPSTREAM_EVENT_BYTES: expected an integer ≥ 1024, got "10"'],
    [{ SWITCHYARD_ADMIN_TOKEN: 'admin' }, 'SWITCHYARD_ADMIN_TOKEN: the admin token must be at least 32 characters (this one has 5); generate one, e.g. $(openssl rand -hex 24)'],
    [{ SWITCHYARD_MAX_EMBED_INPUTS: '0' }, 'SWITCHYARD_MAX_EMBED_INPUTS: expected an integer ≥ 1, got "0"'],
    [{ SWITCHYARD_MAX_REQUEST_TOKENS: '2M' }, 'SWITCHYARD_MAX_REQUEST_TOKENS: expected an integer ≥ 1, got "2M"'],
    [{ SWITCHYARD_TRUSTED_PROXIES: '10.0.0.0/8, proxy.local' }, 'SWITCHYARD_TRUSTED_PROXIES: expected IP addresses or CIDR ranges, got "proxy.local"'],
    [{ SWITCHYARD_QUOTA_ON_ERROR: 'maybe' }, 'SWITCHYARD_QUOTA_ON_ERROR: expected one of closed, open, got "maybe"'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL: expected one of debug, info, warn, error, got "verbose"'],
    [{ ADAPTER_PROVIDER: 'bedrock' }, 'ADAPTER_PROVIDER: expected one of openai, anthropic, gemini, got "bedrock"'],
    [{ AUTH_GRPC_URL: 'http://auth:50051' }, 'AUTH_GRPC_URL: expected host:port or a gRPC target (dns:, ipv4:, ipv6:), got "http://auth:50051"'],
    [{ ROUTER_GRPC_URL: 'ipv4:127.0.0.1:1,router:2' }, 'ROUTER_GRPC_URL: expected host:port or a gRPC target (dns:, ipv4:, ipv6:), got "ipv4:127.0.0.1:1,router:2"'],
    [{ ROUTER_GRPC_URL: 'ipv6:[::1]:1,127.0.0.1:2' }, 'ROUTER_GRPC_URL: expected host:port or a gRPC target (dns:, ipv4:, ipv6:), got "ipv6:[::1]:1,127.0.0.1:2"'],
    [{ BILLING_GRPC_URL: 'dns:///billing' }, 'BILLING_GRPC_URL: expected host:port or a gRPC target (dns:, ipv4:, ipv6:), got "dns:///billing"'],
    [{ ADAPTER_GRPC_URLS: 'openai=a:1,b:2' }, 'ADAPTER_GRPC_URLS: expected provider=host:port, got "b:2"'],
    [{ ADAPTER_GRPC_URLS: 'openai:50053' }, 'ADAPTER_GRPC_URLS: expected provider=host:port, got "openai:50053"'],
    [{ ADAPTER_GRPC_URLS: 'bedrock=h:1' }, 'ADAPTER_GRPC_URLS: unknown provider "bedrock", expected one of openai, anthropic, gemini'],
    [{ ADAPTER_GRPC_URLS: 'openai=a:1,openai=b:2' }, 'ADAPTER_GRPC_URLS: provider "openai" is listed twice'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL: expected a redis:// or rediss:// URL, got a value that is not a URL'],
    [{ SWITCHYARD_OUTBOUND_ALLOW_HTTP: 'yes please' }, 'SWITCHYARD_OUTBOUND_ALLOW_HTTP: expected true or false, got "yes please"'],
    [{ SWITCHYARD_OUTBOUND_ENV_PREFIX: 'SWITCHYARD_' }, 'SWITCHYARD_OUTBOUND_ENV_PREFIX: "SWITCHYARD_" would cover every SWITCHYARD_ setting; use a narrower prefix such as SWITCHYARD_UPSTREAM_'],
    [{ SWITCHYARD_OUTBOUND_ENV_PREFIX: 'S' }, 'SWITCHYARD_OUTBOUND_ENV_PREFIX: "S" would cover every SWITCHYARD_ setting; use a narrower prefix such as SWITCHYARD_UPSTREAM_'],
    [{ SWITCHYARD_OUTBOUND_ENV_PREFIX: 'DATABASE' }, 'SWITCHYARD_OUTBOUND_ENV_PREFIX: "DATABASE" would cover the gateway\'s own settings DATABASE_URL, DATABASE_READ_URL; use a narrower prefix'],
    [{ SWITCHYARD_OUTBOUND_ENV_PREFIX: 'SWITCHYARD_SECRET' }, 'SWITCHYARD_OUTBOUND_ENV_PREFIX: "SWITCHYARD_SECRET" would cover the gateway\'s own setting SWITCHYARD_SECRET_KEYS; use a narrower prefix'],
    [{ SWITCHYARD_OUTBOUND_ENV_PREFIX: 'SWITCHYARD_A' }, 'SWITCHYARD_OUTBOUND_ENV_PREFIX: "SWITCHYARD_A" would cover the gateway\'s own settings SWITCHYARD_ADMIN_TOKEN, SWITCHYARD_ADMIN_OIDC_ISSUER, SWITCHYARD_ADMIN_OIDC_AUDIENCE, SWITCHYARD_ADMIN_OIDC_JWKS_URL, SWITCHYARD_ADMIN_OIDC_JWKS_FILE, SWITCHYARD_ADMIN_OIDC_ROLE_CLAIM, SWITCHYARD_ADMIN_OIDC_TENANT_CLAIM, SWITCHYARD_ALLOW_UNRESOLVED_ENV, SWITCHYARD_ACCESS_LOG, SWITCHYARD_AUDIT_RETENTION_DAYS, SWITCHYARD_AUDIT_BODY_MAX_BYTES; use a narrower prefix'],
    [{ SWITCHYARD_ADMIN_OIDC_ISSUER: 'https://login.example', SWITCHYARD_ADMIN_OIDC_JWKS_URL: 'https://login.example/jwks' }, 'SWITCHYARD_ADMIN_OIDC_AUDIENCE: required with SWITCHYARD_ADMIN_OIDC_ISSUER: the audience every admin JWT must name'],
    [{ SWITCHYARD_ADMIN_OIDC_AUDIENCE: 'switchyard-admin' }, 'SWITCHYARD_ADMIN_OIDC_ISSUER: required with SWITCHYARD_ADMIN_OIDC_AUDIENCE or a JWKS: the issuer every admin JWT must name'],
    [
      { SWITCHYARD_ADMIN_OIDC_ISSUER: 'https://login.example', SWITCHYARD_ADMIN_OIDC_AUDIENCE: 'a', SWITCHYARD_ADMIN_OIDC_JWKS_URL: 'https://login.example/jwks', SWITCHYARD_ADMIN_OIDC_JWKS_FILE: '/etc/jwks.json' },
      'SWITCHYARD_ADMIN_OIDC_JWKS_URL: set exactly one of SWITCHYARD_ADMIN_OIDC_JWKS_URL and SWITCHYARD_ADMIN_OIDC_JWKS_FILE with SWITCHYARD_ADMIN_OIDC_ISSUER',
    ],
    [{ SWITCHYARD_OUTBOUND_ENV_PREFIX: 'MY-KEYS' }, 'SWITCHYARD_OUTBOUND_ENV_PREFIX: expected the start of an environment variable name, got "MY-KEYS"'],
  ])('names the variable and why for %j', (env, expected) => {
    expect(problemsOf(env)).toEqual([expected]);
  });

  it('takes replica lists and dns targets, which grpc-js balances round-robin', () => {
    const env = loadSwitchyardEnv({
      AUTH_GRPC_URL: 'ipv4:127.0.0.1:50051,127.0.0.1:50061',
      ROUTER_GRPC_URL: 'dns:///router-headless.switchyard.svc:50052',
      BILLING_GRPC_URL: 'ipv6:[::1]:50055,[::1]:50065',
      ADAPTER_GRPC_URLS: 'openai=ipv4:127.0.0.1:50053, 127.0.0.1:50063,anthropic=dns:adapter-anthropic:50053',
    });

    expect(env).toMatchObject({
      AUTH_GRPC_URL: 'ipv4:127.0.0.1:50051,127.0.0.1:50061',
      ROUTER_GRPC_URL: 'dns:///router-headless.switchyard.svc:50052',
      BILLING_GRPC_URL: 'ipv6:[::1]:50055,[::1]:50065',
      ADAPTER_GRPC_URLS: { openai: 'ipv4:127.0.0.1:50053,127.0.0.1:50063', anthropic: 'dns:adapter-anthropic:50053' },
    });
  });

  it('never echoes a connection URL, which may carry a password', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/switchyard' })).toEqual([
      'DATABASE_URL: expected a postgresql:// or postgres:// URL, got a mysql:// URL',
    ]);
  });

  it('reports every bad variable at once, one per line', () => {
    expect(() => loadSwitchyardEnv({ PORT: '0', LOG_LEVEL: 'loud' })).toThrow(
      'PORT: expected an integer 1-65535, got "0"\nLOG_LEVEL: expected one of debug, info, warn, error, got "loud"',
    );
  });
});

describe(outboundPolicyOf.name, () => {
  it('is the strict default without settings, and the validated settings otherwise', () => {
    expect(outboundPolicyOf(loadSwitchyardEnv({}))).toEqual({ envPrefix: 'SWITCHYARD_UPSTREAM_', allowHttp: false, allowPrivate: false });
    expect(outboundPolicyOf(loadSwitchyardEnv({ SWITCHYARD_OUTBOUND_ALLOW_HTTP: 'true', SWITCHYARD_OUTBOUND_ENV_PREFIX: 'LLM_KEY_' }))).toEqual({
      envPrefix: 'LLM_KEY_',
      allowHttp: true,
      allowPrivate: false,
    });
  });

  it('keeps an empty prefix setting at the default rather than covering every variable', () => {
    expect(outboundPolicyOf(loadSwitchyardEnv({ SWITCHYARD_OUTBOUND_ENV_PREFIX: '' })).envPrefix).toBe('SWITCHYARD_UPSTREAM_');
  });

  it('covers none of the gateway settings with its default prefix', () => {
    expect(gatewaySettingNames().filter((name) => name.startsWith('SWITCHYARD_UPSTREAM_'))).toEqual([]);
    expect(gatewaySettingNames()).toEqual(expect.arrayContaining(['SWITCHYARD_SECRET_KEYS', 'SWITCHYARD_ADMIN_TOKEN', 'DATABASE_URL', 'REDIS_URL']));
  });
});

describe('SWITCHYARD_SECRET_KEYS', () => {
  const K1 = Buffer.alloc(32, 1).toString('base64');
  const K2 = Buffer.alloc(32, 2).toString('base64');

  it('is the box its keys build, sealing with the first and opening with all', () => {
    const box = loadSwitchyardEnv({ SWITCHYARD_SECRET_KEYS: `k2:${K2},k1:${K1}` }).SWITCHYARD_SECRET_KEYS;
    const older = SecretBox.fromEnv(`k1:${K1}`) as SecretBox;

    expect(box).toBeInstanceOf(SecretBox);
    expect(box?.keyIds).toEqual(['k2', 'k1']);
    expect(box?.open(older.seal('sk-old', 'provider:p'), 'provider:p')).toBe('sk-old');
  });

  it('is unset when empty or blank', () => {
    expect(loadSwitchyardEnv({ SWITCHYARD_SECRET_KEYS: '' }).SWITCHYARD_SECRET_KEYS).toBeUndefined();
    expect(loadSwitchyardEnv({ SWITCHYARD_SECRET_KEYS: '   ' }).SWITCHYARD_SECRET_KEYS).toBeUndefined();
  });

  it('stops the boot naming the variable and each bad entry, never echoing a key', () => {
    const short = Buffer.alloc(16, 3).toString('base64');
    const problems = problemsOf({ SWITCHYARD_SECRET_KEYS: `k1:${short},k2:,k3:${K1}`, PORT: 'abc' });

    expect(problems).toEqual([
      'PORT: expected an integer 1-65535, got "abc"',
      'SWITCHYARD_SECRET_KEYS: entry 1 ("k1"): the key must be 32 bytes, got 16',
      'SWITCHYARD_SECRET_KEYS: entry 2 ("k2"): the key is empty',
    ]);
    expect(problems.join('\n')).not.toContain(short.slice(0, 8));
    expect(problems.join('\n')).not.toContain(K1.slice(0, 8));
  });
});

describe(loadProcessEnv.name, () => {
  it('reads only the variables its schema declares', () => {
    const schema = z.object({ SIMULATOR_PORT: envPort().default(9000) });

    expect(loadProcessEnv(schema, { SIMULATOR_PORT: '9100', PORT: 'not-mine' })).toEqual({ SIMULATOR_PORT: 9100 });
  });
});
