import { ProviderSimulator, type RecordedRequest } from '@switchyard/testing';
import OpenAI, { toFile } from 'openai';
import { GATEWAY_SECRETS, PUBLIC_MODEL, TEST_KEY, writeGatewayConfig } from './support/gateway-config';
import { eventually } from './support/process-harness';
import { ServiceCluster } from './support/service-cluster';

// Batches in the cluster (issue 17): the ingress (with DATABASE_URL) stores files and queues
// batches; billing runs them (AUTH_GRPC_URL, ROUTER_GRPC_URL), each line admitted by auth and
// routed by the router over gRPC. Billing is killed (SIGKILL) mid-batch and started again.

const REDIS_URL = process.env['TEST_BATCHES_CLUSTER_REDIS_URL'] ?? 'redis://127.0.0.1:6379/6';
const promptOf = (r: RecordedRequest): string => String((r.body as { messages?: { content: unknown }[] } | undefined)?.messages?.[0]?.content ?? '');
const line = (i: number) => JSON.stringify({ custom_id: `c${i}`, method: 'POST', url: '/v1/chat/completions', body: { model: PUBLIC_MODEL, messages: [{ role: 'user', content: `cluster ${i}` }] } });

describe('batches in the cluster (billing runs them over gRPC)', () => {
  let sim: ProviderSimulator;
  let cluster: ServiceCluster;
  let baseUrl = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    cluster = await ServiceCluster.start({
      database: 'sy_batches_cluster',
      redisUrl: REDIS_URL,
      config: writeGatewayConfig(sim.url),
      env: GATEWAY_SECRETS,
      extra: { billing: (a) => ({ AUTH_GRPC_URL: a.auth, ROUTER_GRPC_URL: a.router, SWITCHYARD_BATCH_LINE_CONCURRENCY: '1', SWITCHYARD_BATCH_LOCK_MS: '2000' }) },
      readyTimeoutMs: 60_000,
    });
    baseUrl = cluster.baseUrl;
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await sim?.close();
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

    const billing = cluster.app('billing');
    billing.proc.kill('SIGKILL');
    await new Promise((r) => billing.proc.once('exit', r));
    const finished = (await cluster.db.query<{ custom_id: string }>(`SELECT custom_id FROM batch_lines WHERE batch_id = $1 AND state = 'done'`, [created.id])).map((r) => r.custom_id);
    expect(finished.length).toBeLessThan(n);
    cluster.restart('billing');

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
      const r = await cluster.db.query<{ request_id: string; batch: boolean }>(`SELECT request_id, batch FROM usage_records WHERE request_id LIKE $1`, [`${created.id}:%`]);
      if (r.length < n) throw new Error(`${r.length} rows`);
      return r;
    }, 60_000).catch((e: unknown) => {
      // The ledger is filled by billing's own usage consumer: its log says why it is behind.
      throw new Error(`${String(e)}\n--- billing output ---\n${cluster.app('billing').output().slice(-4000)}`);
    });
    expect(rows.map((r) => r.request_id).sort()).toEqual(Array.from({ length: n }, (_, i) => `${created.id}:${i + 1}`).sort());
    expect(rows.every((r) => r.batch)).toBe(true);
  }, 120_000);
});
