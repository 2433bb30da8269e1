import Anthropic from '@anthropic-ai/sdk';
import { Redis } from 'ioredis';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { ProviderSimulator } from '@switchyard/testing';
import { AdminClient } from './support/admin-client';
import { createTestDatabase } from './support/postgres-harness';
import { RunningApp, eventually, freePort, startApp, waitForReady, SIMULATOR_OUTBOUND_ENV } from './support/process-harness';

// Issue 10, findings 1 and 2, through the real HTTP server and the official SDKs: the ledger's
// idempotency key is the gateway's own request id whatever the caller sends, text Postgres
// cannot store is refused at the edge, and one event the ledger refuses never takes its batch
// with it — on both usage queues (standalone's in-memory queue, and BullMQ on Redis db 6).

const REDIS_URL = process.env['TEST_LEDGER_REDIS_URL'] ?? 'redis://127.0.0.1:6379/6';
const ADMIN_TOKEN = 'admin-ledger-e2e-token-0123456789abcdef';
const ACME_KEY = 'sk-ledger-acme-0123456789abcdef0123456789';
const RIVAL_KEY = 'sk-ledger-rival-0123456789abcdef0123456789';
const MODEL = 'ledger-chat';
/** Served by an upstream that reports an absurd token count (beyond the ledger's int4 columns). */
const HUGE_MODEL = 'ledger-huge';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function writeConfig(simulatorUrl: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sy-ledger-')), 'switchyard.yaml');
  writeFileSync(
    path,
    `server: { port: 8080 }
routing: { retries: 0, timeouts: { connectMs: 2000, firstTokenMs: 10000, totalMs: 20000 } }
providers:
  - { id: sim, type: openai, baseUrl: '${simulatorUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
models:
  - name: ${MODEL}
    deployments: [{ provider: sim, model: sim-ledger }]
    price: { inputPerMTok: 1, outputPerMTok: 2 }
  - name: ${HUGE_MODEL}
    deployments: [{ provider: sim, model: sim-huge }]
tenants:
  - id: acme
    keys: [{ key: env:ACME_KEY, name: acme }]
  - id: rival
    keys: [{ key: env:RIVAL_KEY, name: rival }]
`,
  );
  return path;
}

interface LedgerRow {
  request_id: string;
  client_request_id: string | null;
  tenant_id: string;
  model: string;
}

describe.each([
  { queue: 'in-memory queue', redisUrl: undefined },
  { queue: 'BullMQ (Redis db 6)', redisUrl: REDIS_URL },
])('the ledger under hostile input, standalone with the $queue', ({ redisUrl }) => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let baseUrl = '';
  let admin: AdminClient;

  const openai = (apiKey: string, headers?: Record<string, string>) => new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey, maxRetries: 0, defaultHeaders: headers });
  const ask = (client: OpenAI, model = MODEL) => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
  const rowsOf = (requestIds: readonly string[]) => db.query<LedgerRow>('SELECT request_id, client_request_id, tenant_id, model FROM usage_records WHERE request_id = ANY($1)', [requestIds]);
  /** The ledger rows of these requests, once all are there (usage is written in the background). */
  const recorded = (requestIds: readonly string[]) =>
    eventually(async () => {
      const rows = await rowsOf(requestIds);
      if (rows.length < requestIds.length) throw new Error(`${rows.length} of ${requestIds.length} rows`);
      return rows;
    }, 15_000, 'ledger rows');

  beforeAll(async () => {
    if (redisUrl) {
      const redis = new Redis(redisUrl);
      await redis.flushdb();
      redis.disconnect();
    }
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_ledger');
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    app = startApp('standalone', {
      ...SIMULATOR_OUTBOUND_ENV,
      SWITCHYARD_UPSTREAM_SIM_KEY: 'sk-upstream-ledger',
      ACME_KEY,
      RIVAL_KEY,
      SWITCHYARD_CONFIG: writeConfig(sim.url),
      SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN,
      DATABASE_URL: db.url,
      ...(redisUrl && { REDIS_URL: redisUrl }),
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    await waitForReady(baseUrl, app);
    admin = new AdminClient(baseUrl, ADMIN_TOKEN);
  });

  afterAll(async () => {
    expect(await app?.stop()).toBe(0);
    await sim?.close();
    await db?.drop();
  });

  describe('finding 1: the request id is ours', () => {
    it('records five requests sent with one x-request-id five times, each under its own id', async () => {
      const client = openai(ACME_KEY, { 'x-request-id': 'same-id-five-times' });
      const answers = await Promise.all(Array.from({ length: 5 }, () => ask(client)));
      const ids = answers.map((a) => a.response.headers.get('x-request-id') ?? '');

      expect(new Set(ids).size).toBe(5);
      for (const { response } of answers) {
        expect(response.headers.get('x-request-id')).toMatch(UUID);
        expect(response.headers.get('x-client-request-id')).toBe('same-id-five-times');
      }
      const rows = await recorded(ids);
      expect(rows).toHaveLength(5);
      expect(rows.every((r) => r.client_request_id === 'same-id-five-times' && r.tenant_id === 'acme')).toBe(true);

      // The operator finds them by the caller's id.
      const usage = await admin.ok<{ rows: { requests: number }[] }>('GET', '/usage?clientRequestId=same-id-five-times');
      expect(usage.rows.reduce((n, r) => n + r.requests, 0)).toBe(5);
    });

    it("keeps x-client-request-id (OpenAI's header) as the correlation id, per request", async () => {
      const { response } = await openai(ACME_KEY)
        .chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-client-request-id': 'oai-client-7', 'x-request-id': 'ignored-when-both' } })
        .withResponse();
      expect(response.headers.get('x-client-request-id')).toBe('oai-client-7');
      const [row] = await recorded([response.headers.get('x-request-id') ?? '']);
      expect(row?.client_request_id).toBe('oai-client-7');
    });

    it("does not let a tenant pre-empt another's request id, chosen or issued", async () => {
      // The rival goes first with the id the victim will send, then reuses an id we issued the victim.
      const planned = 'victim-planned-request';
      const rival = await ask(openai(RIVAL_KEY, { 'x-request-id': planned }));
      const victim = await ask(openai(ACME_KEY, { 'x-request-id': planned }));
      const victimId = victim.response.headers.get('x-request-id') ?? '';
      const replay = await ask(openai(RIVAL_KEY, { 'x-request-id': victimId }));

      const ids = [rival, victim, replay].map((a) => a.response.headers.get('x-request-id') ?? '');
      expect(new Set(ids).size).toBe(3);
      const rows = await recorded(ids);
      const byId = new Map(rows.map((r) => [r.request_id, r]));
      expect(byId.get(victimId)).toMatchObject({ tenant_id: 'acme', client_request_id: planned });
      expect(byId.get(ids[0] as string)).toMatchObject({ tenant_id: 'rival', client_request_id: planned });
      expect(byId.get(ids[2] as string)).toMatchObject({ tenant_id: 'rival', client_request_id: victimId });
    });
  });

  describe('finding 2: NUL and unpaired surrogates', () => {
    it('answers a NUL model (openai SDK) with a 400 naming it, and records every other request of the batch', async () => {
      const client = openai(ACME_KEY);
      const [bad, ...good] = await Promise.allSettled([
        client.chat.completions.create({ model: `${MODEL}\u0000evil`, messages: [{ role: 'user', content: 'hi' }] }),
        ...Array.from({ length: 6 }, () => ask(client)),
      ]);
      expect(bad?.status).toBe('rejected');
      const error = (bad as PromiseRejectedResult).reason as unknown;
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('model');
      expect((error as Error).message).toContain('U+0000');

      const ids = good.map((g) => (g as PromiseFulfilledResult<Awaited<ReturnType<typeof ask>>>).value.response.headers.get('x-request-id') ?? '');
      expect(await recorded(ids)).toHaveLength(6);
    });

    it('answers a NUL in an Anthropic message with a 400 in Anthropic terms', async () => {
      const client = new Anthropic({ baseURL: baseUrl, apiKey: ACME_KEY, maxRetries: 0 });
      const error = await client.messages.create({ model: MODEL, max_tokens: 8, messages: [{ role: 'user', content: 'a\u0000b' }] }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    });

    it('answers %00 in a Gemini path model with a 400 in Gemini terms', async () => {
      const res = await fetch(`${baseUrl}/v1beta/models/${MODEL}%00evil:generateContent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': ACME_KEY },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.stringMatching(/^model: /) } });
      expect(res.headers.get('x-request-id')).toMatch(UUID);
    });

    it('answers an unpaired surrogate with a 400 naming the field, and lets an escaped emoji pair through', async () => {
      const post = (content: string) =>
        fetch(`${baseUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ACME_KEY}` },
          body: `{"model":"${MODEL}","messages":[{"role":"user","content":"${content}"}]}`,
        });
      const lone = await post('a\\ud83d b');
      expect(lone.status).toBe(400);
      expect(await lone.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'messages[0].content' } });
      expect((await post('smile \\ud83d\\ude00')).status).toBe(200);
    });

    it('sets aside an event the ledger refuses (an upstream reporting 3e9 tokens) and records the rest of its batch', async () => {
      sim.script({ match: { model: 'sim-huge' }, usage: { input: 3_000_000_000, output: 1 } });
      const client = openai(ACME_KEY);
      const [huge, ...good] = await Promise.all([ask(client, HUGE_MODEL), ...Array.from({ length: 4 }, () => ask(client))]);
      const hugeId = huge?.response.headers.get('x-request-id') ?? '';
      expect(huge?.data.usage?.prompt_tokens).toBe(3_000_000_000);

      expect(await recorded(good.map((g) => g.response.headers.get('x-request-id') ?? ''))).toHaveLength(4);
      const rejects = await eventually(async () => {
        const body = await admin.ok<{ rows: { requestId: string; tenantId: string; error: string; event: { model: string } }[] }>('GET', '/usage/rejects?tenant=acme');
        const row = body.rows.find((r) => r.requestId === hugeId);
        if (!row) throw new Error('not set aside yet');
        return row;
      }, 15_000, 'the reject');
      expect(rejects).toMatchObject({ tenantId: 'acme', event: { model: HUGE_MODEL }, error: expect.stringMatching(/out of range/) });
      expect(await rowsOf([hugeId])).toEqual([]);
      const one = await admin.ok<{ rows: { requestId: string }[] }>('GET', `/usage/rejects?requestId=${hugeId}`);
      expect(one.rows.map((r) => r.requestId)).toEqual([hugeId]);
      expect(app.output()).toContain(`usage event ${hugeId} (tenant acme) set aside`);
    });
  });

  describe('finding 2: the admin API', () => {
    it.each([
      ['a NUL in a tenant name', { id: 'nul-name', name: 'Acme\u0000Corp' }, 'name'],
      ['a NUL in tenant metadata', { id: 'nul-meta', metadata: { team: 'a\u0000' } }, 'metadata.team'],
      ['a NUL in a metadata key', { id: 'nul-meta-key', metadata: { ['te\u0000am']: 'a' } }, 'metadata.te\uFFFDam (a key)'],
      ['a NUL in tenant models', { id: 'nul-models', models: ['gpt-*', 'x\u0000'] }, 'models[1]'],
      ['a lone surrogate in a tenant name', { id: 'lone-name', name: 'Acme\uD800' }, 'name'],
    ])('answers 400, not 500, for %s, and stores nothing', async (_what, body, field) => {
      const res = await admin.call<{ error: { type: string; message: string } }>('POST', '/tenants', body);
      expect(res.status).toBe(400);
      expect(res.body.error.type).toBe('invalid_request');
      expect(res.body.error.message.startsWith(`${field}: `)).toBe(true);
      expect((await admin.call('GET', `/tenants/${body.id}`)).status).toBe(404);
    });

    it('documents the rejects route and the caller-id filter in its OpenAPI document', async () => {
      const doc = await admin.ok<{ paths: Record<string, Record<string, { operationId: string; parameters?: { name: string }[] }>> }>('GET', '/openapi.json');
      expect(doc.paths['/admin/v1/usage/rejects']?.['get']?.operationId).toBe('listUsageRejects');
      expect(doc.paths['/admin/v1/usage']?.['get']?.parameters?.map((p) => p.name)).toContain('clientRequestId');
    });
  });
});
