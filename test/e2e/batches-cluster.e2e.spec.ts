import { ProviderSimulator, type RecordedRequest } from '@switchyard/testing';
import OpenAI, { toFile } from 'openai';
import { Redis } from 'ioredis';
import { GATEWAY_SECRETS, PUBLIC_MODEL, TEST_KEY, writeGatewayConfig } from './support/gateway-config';
import { type RunningApp, eventually, freePort, runApp, startApp, waitForReady } from './support/process-harness';
import { createTestDatabase } from './support/postgres-harness';

// Batches in the cluster (issue 17): the ingress (with DATABASE_URL) stores files and queues
// batches; billing runs them (AUTH_GRPC_URL, ROUTER_GRPC_URL), each line admitted by auth and
// routed by the router over gRPC. Billing is killed (SIGKILL) mid-batch and started again.

const REDIS_URL = process.env['TEST_BATCHES_CLUSTER_REDIS_URL'] ?? 'redis://127.0.0.1:6379/6';
const promptOf = (r: RecordedRequest): string => String((r.body as { messages?: { content: unknown }[] } | undefined)?.messages?.[0]?.content ?? '');
const line = (i: number) => JSON.stringify({ custom_id: `c${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: PUBLIC_MODEL, messages: [{ role: 'user', content: `cluster ${i}` }] } });

describe('batches in the cluster (billing runs them over gRPC)', () => {
  let sim: ProviderSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const apps: RunningApp[] = [];
  let billingEnv: Record<string, string> = {};
  let baseUrl = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_batches_cluster');
    const redis = new Redis(REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    const config = writeGatewayConfig(sim.url);
    const common = { ...GATEWAY_SECRETS, DATABASE_URL: db.url, REDIS_URL, HOST: '127.0.0.1', SWITCHYARD_CONFIG: config };
    await runApp('standalone', common, ['apply', '-f', config]);
    const [auth, router, adapter, billing, http] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    const grpc = { AUTH_GRPC_URL: `127.0.0.1:${auth}`, ROUTER_GRPC_URL: `127.0.0.1:${router}` };
    apps.push(startApp('auth', { ...common, GRPC_PORT: String(auth) }));
    apps.push(startApp('adapter', { ...common, GRPC_PORT: String(adapter), ADAPTER_PROVIDER: 'openai' }));
    apps.push(startApp('router', { ...common, GRPC_PORT: String(router), ADAPTER_GRPC_URLS: `openai=127.0.0.1:${adapter}` }));
    billingEnv = { ...common, ...grpc, GRPC_PORT: String(billing), SWITCHYARD_BATCH_LINE_CONCURRENCY: '1', SWITCHYARD_BATCH_LOCK_MS: '2000' };
    apps.push(startApp('billing', billingEnv));
    const ingress = startApp('ingress', { ...common, ...grpc, PORT: String(http) });
    apps.push(ingress);
    baseUrl = `http://127.0.0.1:${http}`;
    await waitForReady(baseUrl, ingress, 60_000);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await sim?.close();
    await db?.drop();
  });

  it('runs a batch through auth and the router, and resumes it in a restarted billing without resending a finished line', async () => {
    sim.setDefault({ firstByteDelayMs: 300 });
    const n = 6;
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    const file = await client.files.create({ file: await toFile(Buffer.from(Array.from({ length: n }, (_, i) => line(i + 1)).join('\n')), 'in.jsonl'), purpose: 'batch' });
    const created = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await eventually(async () => {
      const b = await client.batches.retrieve(created.id);
      if ((b.request_counts?.completed ?? 0) < 2) throw new Error(`completed ${b.request_counts?.completed}`);
    }, 30_000, 'two lines done');

    const billingIndex = apps.findIndex((a) => a.name === 'billing');
    const billing = apps[billingIndex] as RunningApp;
    billing.proc.kill('SIGKILL');
    await new Promise((r) => billing.proc.once('exit', r));
    const finished = (await db.query<{ custom_id: string }>(`SELECT custom_id FROM batch_lines WHERE batch_id = $1 AND state = 'done'`, [created.id])).map((r) => r.custom_id);
    expect(finished.length).toBeLessThan(n);
    apps[billingIndex] = startApp('billing', billingEnv);

    const done = await eventually(async () => {
      const b = await client.batches.retrieve(created.id);
      if (b.status !== 'completed') throw new Error(`${b.status} ${JSON.stringify(b.request_counts)}`);
      return b;
    }, 60_000, 'batch completed');

    expect(done.request_counts).toEqual({ total: n, completed: n, failed: 0 });
    const out = (await (await client.files.content(done.output_file_id as string)).text()).trim().split('\n').map((l) => JSON.parse(l) as { custom_id: string });
    expect(out.map((l) => l.custom_id)).toEqual(Array.from({ length: n }, (_, i) => `c${i + 1}`));
    const sent = sim.requests.map(promptOf);
    for (const id of finished) expect(sent.filter((p) => p === `cluster ${id.slice(1)}`)).toHaveLength(1);
    const rows = await eventually(async () => {
      const r = await db.query<{ request_id: string; batch: boolean }>(`SELECT request_id, batch FROM usage_records WHERE request_id LIKE $1`, [`${created.id}:%`]);
      if (r.length < n) throw new Error(`${r.length} rows`);
      return r;
    }, 60_000).catch((e: unknown) => {
      // The ledger is filled by billing's own usage consumer: its log says why it is behind.
      throw new Error(`${String(e)}\n--- billing output ---\n${(apps.find((a) => a.name === 'billing') as RunningApp).output().slice(-4000)}`);
    });
    expect(rows.map((r) => r.request_id).sort()).toEqual(Array.from({ length: n }, (_, i) => `${created.id}:${i + 1}`).sort());
    expect(rows.every((r) => r.batch)).toBe(true);
  }, 120_000);
});
