import { GrpcBillingClient } from '@switchyard/grpc';
import { ProviderSimulator } from '@switchyard/testing';
import OpenAI from 'openai';
import { Redis } from 'ioredis';
import { GATEWAY_SECRETS, PUBLIC_MODEL, TEST_KEY, writeGatewayConfig } from './support/gateway-config';
import { GatewayUnderTest, UsageRow, describeGatewayContract } from './support/gateway-contract';
import { RunningApp, eventually, freePort, runApp, startApp, waitForReady } from './support/process-harness';
import { createTestDatabase } from './support/postgres-harness';

// Cluster mode: five real processes talking gRPC, a real Postgres ledger and a real BullMQ
// queue on Redis, exactly as `npm run cluster` and the Helm chart run them.
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/7';
// A key with a limit (never reached): only such keys are admitted by auth; keys without limits
// are admitted at the ingress (docs/architecture.md, "Cluster: admission at the ingress").
const COUNTED_KEY = 'sk-test-cluster-counted-0123456789abcdef';

// Five processes starting at once on a busy shared machine can take well over 30 s to be ready.
jest.setTimeout(180_000);

describe('cluster (ingress, auth, router, adapter, billing over gRPC)', () => {
  let sim: ProviderSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const apps: RunningApp[] = [];
  let baseUrl = '';
  let billingAddress = '';
  let common: Record<string, string> = {};
  let authPort = '';
  let ingressEnv: Record<string, string> = {};

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_cluster');
    const redis = new Redis(REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    const config = writeGatewayConfig(sim.url, 8080, `  - id: counted\n    keys:\n      - { key: ${COUNTED_KEY}, rpm: 1000000 }\n`);
    common = { ...GATEWAY_SECRETS, DATABASE_URL: db.url, REDIS_URL, HOST: '127.0.0.1', SWITCHYARD_CONFIG: config };
    await runApp('standalone', common, ['apply', '-f', config]);

    const [auth, router, adapter, billing, http] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    authPort = String(auth);
    apps.push(startApp('auth', { ...common, GRPC_PORT: String(auth) }));
    apps.push(startApp('adapter', { ...common, GRPC_PORT: String(adapter), ADAPTER_PROVIDER: 'openai' }));
    apps.push(startApp('router', { ...common, GRPC_PORT: String(router), ADAPTER_GRPC_URLS: `openai=127.0.0.1:${adapter}` }));
    apps.push(startApp('billing', { ...common, GRPC_PORT: String(billing) }));
    billingAddress = `127.0.0.1:${billing}`;
    ingressEnv = { ...common, PORT: String(http), AUTH_GRPC_URL: `127.0.0.1:${auth}`, ROUTER_GRPC_URL: `127.0.0.1:${router}` };
    const ingress = startApp('ingress', ingressEnv);
    apps.push(ingress);
    baseUrl = `http://127.0.0.1:${http}`;
    await waitForReady(baseUrl, ingress, 150_000);
  });

  afterAll(async () => {
    const codes = await Promise.all(apps.map(async (a) => [a.name, await a.stop()] as const));
    await sim?.close();
    await db?.drop();
    expect(codes.filter(([, code]) => code !== 0)).toEqual([]);
  });

  it('answers usage queries over gRPC from the ledger the queue filled', async () => {
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    const answer = await client.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'count me' }] });
    const billing = new GrpcBillingClient(billingAddress);
    try {
      const today = new Date().toISOString().slice(0, 10);
      const rows = await eventually(async () => {
        const { rows = [] } = await billing.getUsage({ tenantId: 'acme', model: PUBLIC_MODEL, fromDay: today, toDay: today, keyId: '', clientRequestId: '' });
        const [row] = rows;
        if (!row || (row.requests ?? 0) < 1) throw new Error('no usage yet');
        return rows;
      });
      expect(rows).toHaveLength(1);
      const [row] = rows;
      expect(row).toMatchObject({ day: today, tenantId: 'acme', model: PUBLIC_MODEL });
      expect(row?.inputTokens).toBeGreaterThanOrEqual(answer.usage?.prompt_tokens ?? 1);
      expect(row?.costUsd).toBeGreaterThan(0);
      const { rows: none = [] } = await billing.getUsage({ tenantId: 'nobody', keyId: '', model: '', fromDay: '', toDay: '', clientRequestId: '' });
      expect(none).toEqual([]);
      await expect(billing.getUsage({ fromDay: 'yesterday', tenantId: '', keyId: '', model: '', toDay: '', clientRequestId: '' })).rejects.toThrow('fromDay: expected a day as YYYY-MM-DD');
    } finally {
      billing.close();
    }
  });

  it('keeps usage queued while billing is down and records it exactly once when billing is back', async () => {
    const billingIndex = apps.findIndex((a) => a.name === 'billing');
    const billing = apps[billingIndex] as RunningApp;
    expect(await billing.stop()).toBe(0);
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    const { response } = await client.chat.completions
      .create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'while billing sleeps' }] }, { headers: { 'x-request-id': 'cluster-caller-1' } })
      .withResponse();
    // The ledger key is the ingress's own id; the caller's travels with the job as a correlation field.
    const requestId = response.headers.get('x-request-id') ?? '';
    expect(requestId).not.toBe('cluster-caller-1');
    expect(response.headers.get('x-client-request-id')).toBe('cluster-caller-1');
    await new Promise((r) => setTimeout(r, 500));
    expect(await db.query('SELECT 1 FROM usage_records WHERE request_id = $1', [requestId])).toHaveLength(0);

    apps[billingIndex] = startApp('billing', { ...common, GRPC_PORT: billingAddress.split(':')[1] as string });
    // A restarted billing can take a minute to drain on the shared machine.
    const rows = await eventually(async () => {
      const found = await db.query<UsageRow>('SELECT * FROM usage_records WHERE request_id = $1', [requestId]);
      if (found.length === 0) throw new Error('not recorded yet');
      return found;
    }, 90_000);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('ok');
    expect(rows[0]?.client_request_id).toBe('cluster-caller-1');
  });

  it('answers a failed embedding in the OpenAI shape with the upstream status, not a gRPC INTERNAL', async () => {
    // The router's failed unary answer once lacked its repeated fields, and the generated encoder threw on it.
    sim.script({ match: { provider: 'openai' }, error: { status: 400, message: 'input is not valid' } });
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0 });

    const err = await client.embeddings.create({ model: PUBLIC_MODEL, input: 'embed me' }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).status).toBe(400);
  });

  it('stores Responses API answers in Postgres through the cluster ingress and continues them (issue 17)', async () => {
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    const first = await client.responses.create({ model: PUBLIC_MODEL, input: 'My name is Ada.' });
    const second = await client.responses.create({ model: PUBLIC_MODEL, previous_response_id: first.id, input: 'What is my name?' });
    expect(second.output_text).toBeTruthy();
    // A Responses client reaches an openai provider over its Responses wire (options.api unset).
    const calls = sim.requests.filter((r) => r.path.endsWith('/responses'));
    const sent = calls[calls.length - 1]?.body as { input: { role: string }[] };
    expect(sent.input.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect((await client.responses.retrieve(second.id)).previous_response_id).toBe(first.id);
    expect(await db.query('SELECT tenant_id FROM responses WHERE id = $1', [first.id])).toEqual([{ tenant_id: 'acme' }]);
  });

  it('keeps stored responses SWITCHYARD_RESPONSES_RETENTION_DAYS (30 by default), and a restarted ingress sweeps the expired ones', async () => {
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    const old = await client.responses.create({ model: PUBLIC_MODEL, input: 'Remember me.' });
    const kept = await client.responses.create({ model: PUBLIC_MODEL, input: 'Keep me.' });
    const days = await db.query<{ days: string }>('SELECT round(extract(epoch FROM expires_at - created_at) / 86400) AS days FROM responses WHERE id IN ($1, $2)', [old.id, kept.id]);
    expect(days.map((r) => Number(r.days))).toEqual([30, 30]);
    await db.query(`UPDATE responses SET expires_at = now() - interval '1 minute' WHERE id = $1`, [old.id]);
    await expect(client.responses.retrieve(old.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);

    const index = apps.findIndex((a) => a.name === 'ingress');
    expect(await (apps[index] as RunningApp).stop()).toBe(0);
    const ingress = startApp('ingress', ingressEnv);
    apps[index] = ingress;
    await waitForReady(baseUrl, ingress, 120_000);
    await eventually(async () => {
      if ((await db.query('SELECT 1 FROM responses WHERE id = $1', [old.id])).length) throw new Error('the expired response is still there');
    }, 30_000, 'the sweep of expired responses');
    expect(await db.query('SELECT id FROM responses WHERE id = $1', [kept.id])).toEqual([{ id: kept.id }]);
  });

  it('answers 503 in the OpenAI shape and reports not ready while auth is down, and recovers', async () => {
    const authIndex = apps.findIndex((a) => a.name === 'auth');
    const auth = apps[authIndex] as RunningApp;
    expect(await auth.stop()).toBe(0);
    // A key without limits is admitted at the ingress and still served; one with limits needs auth.
    // The ingress was restarted by the test before: its key directory's first load runs after it
    // listens (§6, "Cluster: admission at the ingress"), and until it lands every key is asked of auth.
    const unlimited = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    await eventually(async () => {
      expect((await unlimited.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'no auth needed' }] })).choices[0]?.message.content).toBeTruthy();
    }, 30_000, 'a key without limits served while auth is down');
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: COUNTED_KEY, maxRetries: 0 });
    const err = await client.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect((err as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(503);
    expect((err as InstanceType<typeof OpenAI.InternalServerError>).type).toBe('api_error');
    // The hop's own failure text (method, address) stays in the ingress's log (issue 10).
    expect((err as InstanceType<typeof OpenAI.InternalServerError>).message).toContain('A gateway service is unavailable; retry shortly.');
    expect((err as InstanceType<typeof OpenAI.InternalServerError>).message).not.toMatch(/gRPC|AuthService|127\.0\.0\.1/);
    // Routes served by Nest controllers answer too, not only the hot chat route.
    const quick = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: COUNTED_KEY, maxRetries: 0, timeout: 5000 });
    const listErr = await quick.models.list().catch((e: unknown) => e);
    expect((listErr as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', failing: ['auth'] });

    apps[authIndex] = startApp('auth', { ...common, GRPC_PORT: authPort });
    await waitForReady(baseUrl, apps[authIndex] as RunningApp, 120_000);
    const answer = await client.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hi again' }] });
    expect(answer.choices[0]?.message.content).toBeTruthy();
  });

  describeGatewayContract((): GatewayUnderTest => ({
    baseUrl,
    sim,
    usageRows: (requestId) => db.query<UsageRow>('SELECT * FROM usage_records WHERE request_id = $1', [requestId]),
  }));
});
