import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { type RunningApp, SIMULATOR_OUTBOUND_ENV, eventually, freePort, startApp, waitForReady } from './process-harness';
import { createTestDatabase } from './postgres-harness';

// The gateway of the limits suite: two standalone processes sharing one Postgres database and
// one Redis database, so every limit is counted by two replicas at once, as in production.
// Each scenario has its own key and its own public model (served by its own upstream model on
// the simulator), so counters and simulator recordings of one test never leak into another.

export const LIMITS_REDIS_URL = process.env['TEST_LIMITS_REDIS_URL'] ?? 'redis://127.0.0.1:6379/14';
/** Short, so a lease left by a killed process runs out within the test (the minimum is 1000). */
export const LEASE_MS = 2000;
export const SIM_SECRET = 'sk-upstream-limits';

/** Keys, literal in the file (test keys only). `name` is stored with the key: tests find its id by it. */
export const KEYS = {
  open: 'sk-lim-open-0123456789abcdef0123456789',
  rpm25: 'sk-lim-rpm25-0123456789abcdef0123456789',
  conc3: 'sk-lim-conc3-0123456789abcdef0123456789',
  budget: 'sk-lim-budget-0123456789abcdef0123456789',
  budgetDefault: 'sk-lim-budgetdefault-0123456789abcdef0123456789',
  broke: 'sk-lim-broke-0123456789abcdef0123456789',
  lease: 'sk-lim-lease-0123456789abcdef0123456789',
  rpm1: 'sk-lim-rpm1-0123456789abcdef0123456789',
  counted: 'sk-lim-counted-0123456789abcdef0123456789',
  expired: 'sk-lim-expired-0123456789abcdef0123456789',
  revoked: 'sk-lim-revoked-0123456789abcdef0123456789',
  keyModels: 'sk-lim-keymodels-0123456789abcdef0123456789',
  tenantModels: 'sk-lim-tenantmodels-0123456789abcdef0123456789',
  keyIp: 'sk-lim-keyip-0123456789abcdef0123456789',
  tenantIp: 'sk-lim-tenantip-0123456789abcdef0123456789',
  eu: 'sk-lim-eu-0123456789abcdef0123456789',
} as const;
export type KeyName = keyof typeof KEYS;

/** Public model → upstream model name on the simulator. */
export const MODELS = {
  chat: { public: 'lim-chat', upstream: 'sim-chat' },
  rpm: { public: 'lim-rpm', upstream: 'sim-rpm' },
  slow: { public: 'lim-slow', upstream: 'sim-slow' },
  budget: { public: 'lim-budget', upstream: 'sim-budget' },
  lease: { public: 'lim-lease', upstream: 'sim-lease' },
  /** Deployed only in region `us`. */
  usOnly: { public: 'lim-us', upstream: 'sim-us' },
  other: { public: 'other-chat', upstream: 'sim-other' },
} as const;

/** Prices of lim-chat (and the others) and of lim-budget, USD per million tokens. */
export const CHAT_PRICE = { input: 1.5, output: 6 };
export const BUDGET_PRICE = { input: 10, output: 100 };
/**
 * The budget scenario: each request asks for BUDGET_MAX_TOKENS output tokens, so its reservation is
 * ≈ 0.1 USD; the daily budget holds 10 of them and not 11, with room to spare either way for the
 * prompt bound (a few tokens).
 */
export const BUDGET_MAX_TOKENS = 1000;
export const BUDGET_DAILY_USD = 1.05;
export const RPM_LIMIT = 25;
export const CONCURRENCY_LIMIT = 3;
export const HEADERS_RPM = 5;
export const HEADERS_TPM = 100_000;

function writeLimitsConfig(simulatorUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-limits-'));
  const path = join(dir, 'switchyard.yaml');
  const model = (m: { public: string; upstream: string }, provider = 'sim', price = CHAT_PRICE) =>
    `  - name: ${m.public}\n    deployments: [{ provider: ${provider}, model: ${m.upstream} }]\n    price: { inputPerMTok: ${price.input}, outputPerMTok: ${price.output} }\n`;
  writeFileSync(
    path,
    `server: { port: 8080 }
# No retries (one upstream call per admitted request); long timeouts, so a stalled stream holds
# its concurrency slot until the test lets go of it.
routing: { retries: 0, timeouts: { connectMs: 2000, firstTokenMs: 30000, idleMs: 30000, totalMs: 60000 } }
providers:
  - { id: sim, type: openai, baseUrl: '${simulatorUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
  - { id: sim-us, type: openai, baseUrl: '${simulatorUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY], region: us }
models:
${model(MODELS.chat)}${model(MODELS.rpm)}${model(MODELS.slow)}${model(MODELS.budget, 'sim', BUDGET_PRICE)}${model(MODELS.lease)}${model(MODELS.usOnly, 'sim-us')}${model(MODELS.other)}tenants:
  - id: team
    keys:
      - { key: ${KEYS.open}, name: open }
      - { key: ${KEYS.rpm25}, name: rpm25, rpm: ${RPM_LIMIT}, tpm: 10000000 }
      - { key: ${KEYS.conc3}, name: conc3, concurrency: ${CONCURRENCY_LIMIT} }
      - { key: ${KEYS.budget}, name: budget, budget: { dailyUsd: ${BUDGET_DAILY_USD} } }
      - { key: ${KEYS.budgetDefault}, name: budget-default, budget: { dailyUsd: 100 } }
      - { key: ${KEYS.broke}, name: broke, rpm: 1000, tpm: 1000000, budget: { dailyUsd: 0.000001 } }
      - { key: ${KEYS.lease}, name: lease, concurrency: 1 }
      - { key: ${KEYS.rpm1}, name: rpm1, rpm: 1, tpm: 1000000 }
      - { key: ${KEYS.counted}, name: counted, rpm: ${HEADERS_RPM}, tpm: ${HEADERS_TPM} }
      - { key: ${KEYS.expired}, name: expired, expiresAt: '2020-01-01T00:00:00Z' }
      - { key: ${KEYS.revoked}, name: revoked }
      - { key: ${KEYS.keyModels}, name: key-models, models: ['other-*'] }
      - { key: ${KEYS.keyIp}, name: key-ip, ips: [10.0.0.0/8] }
      - { key: ${KEYS.eu}, name: eu, regions: [eu] }
  - id: narrow
    models: ['other-*']
    keys:
      - { key: ${KEYS.tenantModels}, name: tenant-models }
  - id: walled
    ips: [10.0.0.0/8]
    keys:
      - { key: ${KEYS.tenantIp}, name: tenant-ip }
`,
  );
  return path;
}

export interface LimitsGateway {
  /** Base URLs of the two processes. */
  a: string;
  b: string;
  apps: { a: RunningApp; b: RunningApp };
  redis: Redis;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** The stored id of a key, by its name. */
  keyId(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts both processes on a fresh database and an emptied Redis database. The second starts
 * once the first is ready: both apply migrations and the file at boot, and the first does it
 * alone (the second then finds nothing to change).
 */
export async function startLimitsGateway(simulatorUrl: string): Promise<LimitsGateway> {
  const redis = new Redis(LIMITS_REDIS_URL);
  await redis.flushdb();
  const db = await createTestDatabase('sy_limits');
  const env = {
    ...SIMULATOR_OUTBOUND_ENV,
    SWITCHYARD_UPSTREAM_SIM_KEY: SIM_SECRET,
    SWITCHYARD_CONFIG: writeLimitsConfig(simulatorUrl),
    DATABASE_URL: db.url,
    REDIS_URL: LIMITS_REDIS_URL,
    SWITCHYARD_QUOTA_LEASE_MS: String(LEASE_MS),
    HOST: '127.0.0.1',
  };
  const [portA, portB] = [await freePort(), await freePort()];
  const started: RunningApp[] = [];
  const stopAll = async () => {
    await Promise.all(started.map((app) => app.stop()));
    redis.disconnect();
    await db.drop();
  };
  const start = async (port: number): Promise<{ url: string; app: RunningApp }> => {
    const app = startApp('standalone', { ...env, PORT: String(port) });
    started.push(app);
    const url = `http://127.0.0.1:${port}`;
    await waitForReady(url, app);
    return { url, app };
  };
  try {
    const a = await start(portA);
    const b = await start(portB);
    const ids = new Map<string, string>();
    return {
      a: a.url,
      b: b.url,
      apps: { a: a.app, b: b.app },
      redis,
      query: db.query,
      async keyId(name) {
        let id = ids.get(name);
        if (!id) {
          const [row] = await db.query<{ id: string }>('SELECT id FROM virtual_keys WHERE name = $1', [name]);
          if (!row) throw new Error(`no key named ${name}`);
          id = row.id;
          ids.set(name, id);
        }
        return id;
      },
      close: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The ledger rows (usage_records, written by the billing consumer) of one key, once there are `count`. */
export async function ledgerOf(gw: LimitsGateway, keyName: string, count: number): Promise<{ costUsd: number; costNano: bigint; status: string }[]> {
  const keyId = await gw.keyId(keyName);
  return eventually(
    async () => {
      const rows = await gw.query<{ cost_usd: string; status: string }>('SELECT cost_usd::text, status FROM usage_records WHERE key_id = $1', [keyId]);
      if (rows.length < count) throw new Error(`${rows.length} of ${count} rows`);
      return rows.map((r) => ({ costUsd: Number(r.cost_usd), costNano: decimalToNano(r.cost_usd), status: r.status }));
    },
    15_000,
    `${count} ledger rows of key ${keyName}`,
  );
}

/** An exact NUMERIC(18,9) as integer nano-dollars (no floating point in sums compared to a budget). */
export function decimalToNano(value: string): bigint {
  const [whole = '0', frac = ''] = value.split('.');
  return BigInt(whole) * 1_000_000_000n + BigInt(frac.padEnd(9, '0').slice(0, 9));
}
