import { ProviderSimulator } from '@switchyard/testing';
import OpenAI from 'openai';
import { Redis } from 'ioredis';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from './support/postgres-harness';
import { type RunningApp, SIMULATOR_OUTBOUND_ENV, eventually, freePort, runApp, startApp, waitForReady } from './support/process-harness';

// Images and audio in the cluster (issue 17): the `openai` SDK calls the cluster ingress, which
// admits through auth over gRPC, and the router sends the Media RPC to the openai adapter
// worker, which calls the simulator's OpenAI wire; the usage event goes through the BullMQ usage
// queue to billing, which writes it to the ledger with its cost. Five real processes.

const REDIS_URL = process.env['TEST_MEDIA_CLUSTER_REDIS_URL'] ?? 'redis://127.0.0.1:6379/6';
const KEY = 'sk-test-media-cluster-0123456789abcdef0123';

function writeConfig(simUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-media-cluster-'));
  const path = join(dir, 'switchyard.yaml');
  writeFileSync(
    path,
    `server: { port: 8080 }
routing: { retries: 1 }
providers:
  - { id: sim-openai, type: openai, baseUrl: '${simUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
models:
  - name: dalle
    deployments: [{ provider: sim-openai, model: dall-e-3 }]
    price: { inputPerMTok: 0, outputPerMTok: 40000 }
  - name: tts
    deployments: [{ provider: sim-openai, model: tts-1 }]
    price: { inputPerMTok: 15, outputPerMTok: 0 }
tenants:
  - id: studio
    keys: [{ key: env:MEDIA_KEY, models: [dalle, tts], rpm: 100 }]
`,
  );
  return path;
}

interface LedgerRow {
  request_id: string;
  model: string;
  tenant_id: string;
  input_tokens: number;
  output_tokens: number;
  cost_usd: string;
  provider_id: string;
}

describe('images and audio in the cluster (ingress, auth, router, adapter, billing as processes)', () => {
  let sim: ProviderSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const apps: RunningApp[] = [];
  let client: OpenAI;

  /** The ledger row billing wrote for the request the ingress answered with `requestId`. */
  const ledgerRow = (requestId: string) =>
    eventually(async () => {
      const rows = await db.query<LedgerRow>(`SELECT request_id, model, tenant_id, input_tokens, output_tokens, cost_usd::text AS cost_usd, provider_id FROM usage_records WHERE request_id = $1`, [requestId]);
      if (!rows[0]) throw new Error(`no ledger row for ${requestId} yet`);
      return rows;
    }, 30_000, `ledger row ${requestId}`).catch((e: unknown) => {
      throw new Error(`${String(e)}\n--- billing output ---\n${(apps.find((a) => a.name === 'billing') as RunningApp).output().slice(-3000)}`);
    });

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_media_cluster');
    const redis = new Redis(REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    const config = writeConfig(sim.url);
    const common = { ...SIMULATOR_OUTBOUND_ENV, SWITCHYARD_UPSTREAM_SIM_KEY: 'sk-sim-upstream', MEDIA_KEY: KEY, DATABASE_URL: db.url, REDIS_URL, HOST: '127.0.0.1', SWITCHYARD_CONFIG: config };
    await runApp('standalone', common, ['apply', '-f', config]);
    const [auth, router, adapter, billing, http] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    apps.push(startApp('auth', { ...common, GRPC_PORT: String(auth) }));
    apps.push(startApp('adapter', { ...common, GRPC_PORT: String(adapter), ADAPTER_PROVIDER: 'openai' }));
    apps.push(startApp('router', { ...common, GRPC_PORT: String(router), ADAPTER_GRPC_URLS: `openai=127.0.0.1:${adapter}` }));
    apps.push(startApp('billing', { ...common, GRPC_PORT: String(billing) }));
    const ingress = startApp('ingress', { ...common, PORT: String(http), AUTH_GRPC_URL: `127.0.0.1:${auth}`, ROUTER_GRPC_URL: `127.0.0.1:${router}` });
    apps.push(ingress);
    const baseUrl = `http://127.0.0.1:${http}`;
    await waitForReady(baseUrl, ingress, 60_000);
    client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: KEY, maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await sim?.close();
    await db?.drop();
  });

  it('generates an image through every hop and records it once, priced per image', async () => {
    const { data: image, response } = await client.images.generate({ model: 'dalle', prompt: 'A lighthouse at dusk', size: '1024x1024' }).withResponse();

    const sent = sim.requests.filter((r) => r.path.endsWith('/images/generations'));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toEqual({ model: 'dall-e-3', prompt: 'A lighthouse at dusk', size: '1024x1024' });
    expect(sent[0]?.headers['authorization']).toBe('Bearer sk-sim-upstream');
    expect(image.data?.[0]?.url).toMatch(/^https:\/\/images\.simulator\.invalid\//);
    const requestId = response.headers.get('x-request-id') ?? '';
    // One image at outputPerMTok 40,000 (USD per million images): $0.04.
    expect(await ledgerRow(requestId)).toEqual([{ request_id: requestId, model: 'dalle', tenant_id: 'studio', input_tokens: 0, output_tokens: 1, cost_usd: '0.040000000', provider_id: 'sim-openai' }]);
  });

  it('relays speech audio as the upstream sent it and records its characters with their cost', async () => {
    const input = 'Welcome aboard.';
    const { data: speech, response } = await client.audio.speech.create({ model: 'tts', voice: 'alloy', input }).withResponse();
    const audio = Buffer.from(await speech.arrayBuffer());

    const sent = sim.requests.filter((r) => r.path.endsWith('/audio/speech'));
    expect(sent.map((r) => r.body)).toEqual([{ model: 'tts-1', voice: 'alloy', input }]);
    expect(audio.length).toBeGreaterThan(0);
    expect(response.headers.get('content-type')).toMatch(/^audio\//);
    const requestId = response.headers.get('x-request-id') ?? '';
    // 15 characters at inputPerMTok 15 (USD per million characters): $0.000225.
    expect(await ledgerRow(requestId)).toEqual([{ request_id: requestId, model: 'tts', tenant_id: 'studio', input_tokens: input.length, output_tokens: 0, cost_usd: '0.000225000', provider_id: 'sim-openai' }]);
  });

  it('refuses a model the key may not use at auth, before any upstream call, in OpenAI shape', async () => {
    const before = sim.requests.length;

    const refused = await client.images.generate({ model: 'not-allowed', prompt: 'A cat' }).catch((e: unknown) => e);

    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(403);
    expect(sim.requests.length).toBe(before);
  });
});
