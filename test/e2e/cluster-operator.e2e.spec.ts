import { ProviderSimulator } from '@switchyard/testing';
import { Redis } from 'ioredis';
import { type RunningApp, freePort, runApp, startApp, waitForReady } from './support/process-harness';
import { createTestDatabase } from './support/postgres-harness';
import { OPERATOR_ENV, SERVER_ORIGIN, describeOperatorContract, writeOperatorConfig } from './support/operator-contract';

// CORS and GET /v1/me on the cluster: the ingress reads no file, so its origins come from
// SWITCHYARD_CORS_ORIGINS and the tenants' from auth (ListCorsOrigins, the principal); the key's
// description from auth (DescribeKey) and the spend from billing (GetUsage), all over gRPC.
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/9';

describe('CORS and GET /v1/me on the cluster', () => {
  let sim: ProviderSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const apps: RunningApp[] = [];
  let baseUrl = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_cluster_operator');
    const redis = new Redis(REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    const config = writeOperatorConfig(sim.url);
    const common = { ...OPERATOR_ENV, DATABASE_URL: db.url, REDIS_URL, HOST: '127.0.0.1', SWITCHYARD_CONFIG: config };
    await runApp('standalone', common, ['apply', '-f', config]);
    const [auth, router, adapter, billing, http] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    apps.push(startApp('auth', { ...common, GRPC_PORT: String(auth) }));
    apps.push(startApp('adapter', { ...common, GRPC_PORT: String(adapter), ADAPTER_PROVIDER: 'openai' }));
    apps.push(startApp('router', { ...common, GRPC_PORT: String(router), ADAPTER_GRPC_URLS: `openai=127.0.0.1:${adapter}` }));
    apps.push(startApp('billing', { ...common, GRPC_PORT: String(billing) }));
    const ingress = startApp('ingress', {
      ...common,
      PORT: String(http),
      AUTH_GRPC_URL: `127.0.0.1:${auth}`,
      ROUTER_GRPC_URL: `127.0.0.1:${router}`,
      BILLING_GRPC_URL: `127.0.0.1:${billing}`,
      SWITCHYARD_CORS_ORIGINS: SERVER_ORIGIN,
      SWITCHYARD_CORS_MAX_AGE_SECONDS: '300',
    });
    apps.push(ingress);
    baseUrl = `http://127.0.0.1:${http}`;
    // Five processes starting at once on a busy machine: more than the default 30 s.
    await waitForReady(baseUrl, ingress, 90_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${apps.map((a) => `--- ${a.name} ---\n${a.output()}`).join('\n')}`);
    });
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await sim?.close();
    await db?.drop();
  });

  describeOperatorContract(() => ({ baseUrl }));
});
