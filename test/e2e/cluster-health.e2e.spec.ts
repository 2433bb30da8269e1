import { status as Status } from '@grpc/grpc-js';
import { GrpcHealthClient } from '@switchyard/grpc';
import { HealthCheckResponse_ServingStatus as ServingStatus } from '@switchyard/ir';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { GATEWAY_SECRETS } from './support/gateway-config';
import { RunningApp, eventually, freePort, startApp } from './support/process-harness';
import { createTestDatabase } from './support/postgres-harness';

// grpc.health.v1 on the real cluster processes, read with a real gRPC health client as
// Kubernetes' gRPC probes read it: SERVING only while each service's own dependencies answer.
const REDIS_URL = process.env['TEST_NEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/1';
const ADMIN_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
// Dependencies are checked every 5 s: a change shows within one round and a probe timeout.
const CHANGE_MS = 15_000;

describe('cluster gRPC health (grpc.health.v1 on every service)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const apps: RunningApp[] = [];
  let common: Record<string, string> = {};
  const port: Record<string, number> = {};

  beforeAll(async () => {
    db = await createTestDatabase('sy_health');
    const redis = new Redis(REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    common = { ...GATEWAY_SECRETS, DATABASE_URL: db.url, REDIS_URL, HOST: '127.0.0.1', SWITCHYARD_CONFIG: '/nonexistent/switchyard.yaml' };
    [port['auth'], port['router'], port['adapter'], port['billing']] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    apps.push(startApp('adapter', { ...common, GRPC_PORT: String(port['adapter']), ADAPTER_PROVIDER: 'openai' }));
    apps.push(startApp('router', { ...common, GRPC_PORT: String(port['router']), ADAPTER_GRPC_URLS: `openai=127.0.0.1:${port['adapter']}` }));
    apps.push(startApp('auth', { ...common, GRPC_PORT: String(port['auth']) }));
    apps.push(startApp('billing', { ...common, GRPC_PORT: String(port['billing']) }));
  });

  afterAll(async () => {
    const codes = await Promise.all(apps.map(async (a) => [a.name, await a.stop()] as const));
    await db?.drop();
    expect(codes.filter(([, code]) => code !== 0)).toEqual([]);
  });

  it('every service answers SERVING, overall and under its own service name, and NOT_FOUND for another', async () => {
    const names = { auth: 'switchyard.auth.v1.AuthService', router: 'switchyard.router.v1.RouterService', adapter: 'switchyard.adapter.v1.AdapterService', billing: 'switchyard.billing.v1.BillingService' };
    for (const [app, service] of Object.entries(names)) {
      const client = new GrpcHealthClient(`127.0.0.1:${port[app]}`);
      try {
        await eventually(() => client.check().then((s) => (s === ServingStatus.SERVING ? s : Promise.reject(new Error(ServingStatus[s])))), 30_000, `${app} SERVING`);
        await expect(client.check(service)).resolves.toBe(ServingStatus.SERVING);
        await expect(client.check('switchyard.nope.v1.NopeService')).rejects.toMatchObject({ code: Status.NOT_FOUND });
      } finally {
        client.close();
      }
    }
  });

  it('the router goes NOT_SERVING when its adapter is killed and SERVING when it is back; Watch streams both changes', async () => {
    const client = new GrpcHealthClient(`127.0.0.1:${port['router']}`);
    const watching = new AbortController();
    const seen: ServingStatus[] = [];
    const watch = (async () => {
      for await (const status of client.watch('switchyard.router.v1.RouterService', watching.signal)) seen.push(status);
    })();
    try {
      await eventually(async () => expect(seen.at(-1)).toBe(ServingStatus.SERVING), 5_000, 'Watch says SERVING');
      const index = apps.findIndex((a) => a.name === 'adapter');
      await (apps[index] as RunningApp).stop('SIGKILL');
      await eventually(async () => expect(await client.check()).toBe(ServingStatus.NOT_SERVING), CHANGE_MS, 'router NOT_SERVING');
      expect(seen.at(-1)).toBe(ServingStatus.NOT_SERVING);

      apps[index] = startApp('adapter', { ...common, GRPC_PORT: String(port['adapter']), ADAPTER_PROVIDER: 'openai' });
      await eventually(async () => expect(await client.check()).toBe(ServingStatus.SERVING), CHANGE_MS, 'router SERVING again');
      await eventually(async () => expect(seen.at(-1)).toBe(ServingStatus.SERVING), 2_000, 'Watch says SERVING again');
      // One message per change, not one per check round.
      expect(seen).toEqual([ServingStatus.SERVING, ServingStatus.NOT_SERVING, ServingStatus.SERVING]);
    } finally {
      watching.abort();
      await watch;
      client.close();
    }
  });

  it('billing goes NOT_SERVING while its database refuses connections and SERVING when it accepts them again', async () => {
    const client = new GrpcHealthClient(`127.0.0.1:${port['billing']}`);
    const name = new URL(db.url).pathname.slice(1);
    const admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      await expect(client.check()).resolves.toBe(ServingStatus.SERVING);
      // An outage of this one database only: no new connections, billing's open ones cut (the
      // test's own connection, which drops the database at the end, is kept).
      const [own] = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2', [name, own?.pid]);
      await eventually(async () => expect(await client.check()).toBe(ServingStatus.NOT_SERVING), CHANGE_MS, 'billing NOT_SERVING');
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await eventually(async () => expect(await client.check()).toBe(ServingStatus.SERVING), CHANGE_MS, 'billing SERVING again');
    } finally {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await admin.end();
      client.close();
    }
  });
});
