import OpenAI from 'openai';
import { Redis } from 'ioredis';
import { ProviderSimulator } from '@switchyard/testing';
import { AdminClient } from './support/admin-client';
import { GATEWAY_SECRETS, OFFICE_ONLY_KEY, OTHER_MODEL_KEY, PUBLIC_MODEL, TEST_KEY, writeGatewayConfig } from './support/gateway-config';
import { RunningApp, eventually, freePort, runApp, startApp, waitForReady } from './support/process-harness';
import { createTestDatabase } from './support/postgres-harness';

// Issue 11's lever with real processes (docs/architecture.md, "Cluster: admission at the
// ingress"): the cluster ingress admits keys with nothing to count from its own copy of auth's key
// directory and asks auth's Admit only for keys with limits. Auth's Admit calls are counted from
// its own metrics (the gRPC server histogram), so "never asked" is what auth saw, not what the
// ingress says it did.
const REDIS_URL = process.env['TEST_ADMISSION_REDIS_URL'] ?? 'redis://127.0.0.1:6379/13';
const ADMIN_TOKEN = 'admission-admin-token-0123456789abcdef01';
const LIMITED_KEY = 'sk-test-admission-rpm-0123456789abcdef0123';
const RPM = 2;
const ADMIT_SERIES = /^switchyard_grpc_server_duration_seconds_count\{service="switchyard\.auth\.v1\.AuthService",method="Admit",code="[A-Z_]+"\} (\d+)$/gm;
// The admin API promises a change on every replica within a second; twice that on a shared machine.
const RELOAD_WINDOW_MS = 2_000;

describe('cluster admission at the ingress (keys without limits never reach auth)', () => {
  let sim: ProviderSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const apps: RunningApp[] = [];
  let baseUrl = '';
  let authMetrics = 0;
  let admin: AdminClient;

  /** Every Admit call auth has served, whatever its answer. */
  async function admitCalls(): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${authMetrics}/metrics`)).text();
    return [...text.matchAll(ADMIT_SERIES)].reduce((sum, m) => sum + Number(m[1]), 0);
  }

  function client(key: string): OpenAI {
    return new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: key, maxRetries: 0 });
  }

  async function chatStatus(key: string): Promise<number> {
    try {
      await client(key).chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'status?' }] });
      return 200;
    } catch (err) {
      if (err instanceof OpenAI.APIError && err.status !== undefined) return err.status;
      throw err;
    }
  }

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_cluster_admission');
    const redis = new Redis(REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    const config = writeGatewayConfig(sim.url, 8080, `  - id: metered\n    keys:\n      - { key: ${LIMITED_KEY}, rpm: ${RPM} }\n`);
    const common = { ...GATEWAY_SECRETS, DATABASE_URL: db.url, REDIS_URL, HOST: '127.0.0.1', SWITCHYARD_CONFIG: config };
    await runApp('standalone', common, ['apply', '-f', config]);

    const [auth, router, adapter, billing, http] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    authMetrics = await freePort();
    apps.push(startApp('auth', { ...common, GRPC_PORT: String(auth), SWITCHYARD_METRICS_PORT: String(authMetrics) }));
    apps.push(startApp('adapter', { ...common, GRPC_PORT: String(adapter), ADAPTER_PROVIDER: 'openai' }));
    apps.push(startApp('router', { ...common, GRPC_PORT: String(router), ADAPTER_GRPC_URLS: `openai=127.0.0.1:${adapter}` }));
    apps.push(startApp('billing', { ...common, GRPC_PORT: String(billing) }));
    const ingress = startApp('ingress', { ...common, PORT: String(http), AUTH_GRPC_URL: `127.0.0.1:${auth}`, ROUTER_GRPC_URL: `127.0.0.1:${router}`, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
    apps.push(ingress);
    baseUrl = `http://127.0.0.1:${http}`;
    admin = new AdminClient(baseUrl, ADMIN_TOKEN);
    // Five processes starting at once: slow on a shared machine.
    await waitForReady(baseUrl, ingress, 90_000);
  }, 150_000);

  afterAll(async () => {
    const codes = await Promise.all(apps.map(async (a) => [a.name, await a.stop()] as const));
    await sim?.close();
    await db?.drop();
    expect(codes.filter(([, code]) => code !== 0)).toEqual([]);
  });

  /** Until the ingress's first key load lands (it runs in the background), every key is auth's. */
  async function ingressKnows(key: string): Promise<void> {
    await eventually(async () => {
      const before = await admitCalls();
      expect(await chatStatus(key)).toBe(200);
      if ((await admitCalls()) !== before) throw new Error('still admitted by auth');
    }, 10_000, 'the key admitted at the ingress');
  }

  it('serves a key without limits, streamed or not, with auth never asked to admit, and records each usage once', async () => {
    await ingressKnows(TEST_KEY);
    const before = await admitCalls();
    const openai = client(TEST_KEY);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { data, response } = await openai.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: `unlimited ${i}` }] }).withResponse();
      expect(data.choices[0]?.message.content).toBeTruthy();
      ids.push(response.headers.get('x-request-id') ?? '');
    }
    const { data: stream, response } = await openai.chat.completions.create({ model: PUBLIC_MODEL, stream: true, messages: [{ role: 'user', content: 'unlimited stream' }] }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).not.toBe('');
    ids.push(response.headers.get('x-request-id') ?? '');
    expect((await openai.models.list()).data.map((m) => m.id)).toContain(PUBLIC_MODEL);

    expect(await admitCalls()).toBe(before);
    const rows = await eventually(async () => {
      const found = await db.query<{ request_id: string; tenant_id: string }>('SELECT request_id, tenant_id FROM usage_records WHERE request_id = ANY($1)', [ids]);
      if (found.length < ids.length) throw new Error(`${found.length} of ${ids.length} recorded`);
      return found;
    });
    expect(rows.map((r) => r.request_id).sort()).toEqual([...ids].sort());
    expect(new Set(rows.map((r) => r.tenant_id))).toEqual(new Set(['acme']));
  });

  it("refuses a key without limits for its IP ranges and models at the ingress, in auth's words", async () => {
    const before = await admitCalls();

    const office = await client(OFFICE_ONLY_KEY).chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    const otherModel = await client(OTHER_MODEL_KEY).chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);

    expect(office).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((office as InstanceType<typeof OpenAI.PermissionDeniedError>).message).toContain('This API key may not be used from your IP address.');
    expect(otherModel).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect((otherModel as InstanceType<typeof OpenAI.PermissionDeniedError>).message).toContain(`This key is not allowed to use the model \`${PUBLIC_MODEL}\`.`);
    expect(await admitCalls()).toBe(before);
  });

  it('sends a key with a limit through auth, and its limit holds', async () => {
    const before = await admitCalls();
    const metered = client(LIMITED_KEY);

    const statuses: number[] = [];
    for (let i = 0; i < RPM + 1; i++) statuses.push(await chatStatus(LIMITED_KEY));
    const refused = await metered.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'over' }] }).catch((e: unknown) => e);

    expect(statuses).toEqual([...Array(RPM).fill(200), 429]);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refused as InstanceType<typeof OpenAI.RateLimitError>).message).toContain(`Rate limit reached for this key: ${RPM} requests per minute.`);
    // Each counted request is one Admit (the key gate's uncounted check comes on top, at most once per pass).
    expect((await admitCalls()) - before).toBeGreaterThanOrEqual(RPM + 2);
  });

  it('refuses a revoked key without limits within the reload window, still without asking auth', async () => {
    await admin.ok('POST', '/tenants', { id: 'adhoc' });
    const { key, secret } = await admin.ok<{ key: { id: string }; secret: string }>('POST', '/tenants/adhoc/keys', { name: 'soon-revoked' });
    // A new key is unknown to the ingress's directory until its reload: asked of auth meanwhile.
    await ingressKnows(secret);
    const before = await admitCalls();

    const revokedAt = performance.now();
    await admin.ok('POST', `/tenants/adhoc/keys/${key.id}/revoke`, {});
    await eventually(async () => expect(await chatStatus(secret)).toBe(401), RELOAD_WINDOW_MS, 'the revoked key refused');
    const refusedAfterMs = Math.round(performance.now() - revokedAt);
    console.log(JSON.stringify({ ingressRefusedRevokedKeyAfterMs: refusedAfterMs }));

    const err = await client(secret).chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).message).toContain('This API key has been revoked.');
    expect(await admitCalls()).toBe(before);
  });

  it('keeps serving keys without limits while auth is down; keys with limits get a 503', async () => {
    const index = apps.findIndex((a) => a.name === 'auth');
    expect(await (apps[index] as RunningApp).stop()).toBe(0);

    expect(await chatStatus(TEST_KEY)).toBe(200);
    expect(await chatStatus(LIMITED_KEY)).toBe(503);
  });
});
