import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningApp, SIMULATOR_OUTBOUND_ENV, startApp, waitForReady } from './process-harness';

// Two standalone gateways as two regions (issue 15), each on its own PGlite with the same
// tenants and keys from its file (as regions sharing one Postgres see the same keys), and the
// link secret they share. Tenant acme has a daily budget (counted in each region's own memory),
// so a spilled request's cost shows in the counters of the region that served it.

export const REGION_KEYS = {
  acme: 'sk-test-acme-region-01-0123456789abcdef012345',
  local: 'sk-test-local-region-02-0123456789abcdef012345',
  admin: 'admin-token-region-0123456789abcdef0123',
  link: 'peer-link-secret-0123456789abcdef0123456789',
  upstream: 'sk-upstream-region',
} as const;

export interface RegionGateway {
  readonly name: string;
  readonly baseUrl: string;
  readonly app: RunningApp;
  /** GET with the admin token, parsed; throws on a non-200 answer. */
  admin<T>(path: string): Promise<T>;
  stop(): Promise<number | null>;
}

/** One region: `server.region` is `name`, one model `m` on `simUrl` (provider region `name`), `regionYaml` its region section. */
export async function startRegion(name: string, port: number, simUrl: string, regionYaml: string): Promise<RegionGateway> {
  const dir = mkdtempSync(join(tmpdir(), `sy-region-${name}-`));
  const config = join(dir, 'switchyard.yaml');
  writeFileSync(
    config,
    `server: { port: ${port}, adminToken: env:ADMIN_TOKEN, region: ${name} }
routing:
  retries: 0
  circuitBreaker: { windowMs: 60000, minRequests: 2, failureRate: 0.5, openMs: 60000, halfOpenRequests: 1 }
  outlier: { consecutiveFailures: 100 }
  probes: { intervalMs: 300 }
providers:
  - { id: sim-${name}, type: openai, baseUrl: '${simUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY], region: ${name} }
models:
  - name: m
    deployments: [{ provider: sim-${name}, model: m-${name} }]
    price: { inputPerMTok: 1000, outputPerMTok: 1000 }
tenants:
  - id: acme
    budget: { dailyUsd: 100 }
    keys: [{ key: env:ACME_KEY }]
  - id: local
    regions: [alpha]
    keys: [{ key: env:LOCAL_KEY }]
${regionYaml}`,
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const app = startApp('standalone', {
    ...SIMULATOR_OUTBOUND_ENV,
    ACME_KEY: REGION_KEYS.acme,
    LOCAL_KEY: REGION_KEYS.local,
    ADMIN_TOKEN: REGION_KEYS.admin,
    SWITCHYARD_UPSTREAM_KEY: REGION_KEYS.upstream,
    SWITCHYARD_PEER_LINK: REGION_KEYS.link,
    SWITCHYARD_CONFIG: config,
    SWITCHYARD_DATA_DIR: join(dir, 'data'),
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  try {
    // Two PGlite stacks starting at once on a loaded 2-core machine have taken over a minute.
    await waitForReady(baseUrl, app, 200_000);
  } catch (err) {
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    name,
    baseUrl,
    app,
    async admin<T>(path: string): Promise<T> {
      const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${REGION_KEYS.admin}` } });
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as T;
    },
    async stop() {
      const code = await app.stop();
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}
