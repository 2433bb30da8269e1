import { ProviderSimulator, type RecordedRequest } from '@switchyard/testing';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { toFile } from 'openai';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningApp, SIMULATOR_OUTBOUND_ENV, eventually, freePort, startApp, waitForReady } from './support/process-harness';
import { StandaloneOnPostgres, writeConfigFile } from './support/standalone-on-postgres';

// Files and Batches end to end (issue 17): standalone on a real Postgres and a real Redis (batch
// runs and usage on BullMQ), the official openai SDK as the client, the simulator as an OpenAI
// and an Anthropic upstream. The last test kills the gateway (SIGKILL) in the middle of a batch
// and starts a new one on the same database and Redis.

const REDIS_URL = process.env['TEST_BATCHES_REDIS_URL'] ?? 'redis://127.0.0.1:6379/10';
const KEY = 'sk-test-batches-0123456789abcdef0123456789';
const OTHER_KEY = 'sk-test-batches-other-0123456789abcdef0123';
type Batch = OpenAI.Batches.Batch;

/** The suite's switchyard.yaml, given the simulator's URL. */
const config = (simUrl: string) => `server: { port: 8080 }
routing: { retries: 0 }
providers:
  - { id: sim-openai, type: openai, baseUrl: '${simUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
  - { id: sim-anthropic, type: anthropic, baseUrl: '${simUrl}', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
models:
  - name: gpt
    deployments: [{ provider: sim-openai, model: gpt-upstream }]
    price: { inputPerMTok: 2, outputPerMTok: 8, batchInputPerMTok: 1, batchOutputPerMTok: 4 }
  - name: claude
    deployments: [{ provider: sim-anthropic, model: claude-upstream }]
  - name: embed
    deployments: [{ provider: sim-openai, model: embed-upstream }]
tenants:
  - id: acme
    keys: [{ key: env:BATCH_KEY, models: ['*'] }]
  - id: other
    keys: [{ key: env:OTHER_KEY, models: ['*'] }]
`;

const chatLine = (customId: string, model: string, text: string) => ({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body: { model, messages: [{ role: 'user', content: text }], max_tokens: 32 } });
const jsonl = (lines: unknown[]) => `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`;
/** The prompt an upstream was sent, on the OpenAI or Anthropic wire. */
const promptOf = (r: RecordedRequest): string => {
  const m = (r.body as { messages?: { content: unknown }[] } | undefined)?.messages?.[0]?.content;
  if (typeof m === 'string') return m;
  return Array.isArray(m) ? String((m[0] as { text?: string }).text) : '';
};

describe('files and batches (standalone, Postgres, Redis/BullMQ, openai SDK)', () => {
  let gw: StandaloneOnPostgres;

  const client = (key = KEY) => gw.openai(key);

  async function upload(content: string, key = KEY): Promise<OpenAI.Files.FileObject> {
    return client(key).files.create({ file: await toFile(Buffer.from(content), 'input.jsonl'), purpose: 'batch' });
  }

  async function settled(id: string, timeoutMs = 30_000): Promise<Batch> {
    return eventually(async () => {
      const b = await client().batches.retrieve(id);
      if (!['completed', 'failed', 'cancelled', 'expired'].includes(b.status)) throw new Error(`still ${b.status} (${JSON.stringify(b.request_counts)})`);
      return b;
    }, timeoutMs, `batch ${id} done`);
  }

  async function contentOf(fileId: string | null | undefined): Promise<Record<string, unknown>[]> {
    if (!fileId) return [];
    const text = await (await client().files.content(fileId)).text();
    return text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  beforeAll(async () => {
    gw = await StandaloneOnPostgres.start({
      database: 'sy_batches',
      config,
      redisUrl: REDIS_URL,
      env: {
        SWITCHYARD_UPSTREAM_SIM_KEY: 'sk-sim', BATCH_KEY: KEY, OTHER_KEY,
        // One line at a time and a short lock, so the kill below lands mid-batch and resumes quickly.
        SWITCHYARD_BATCH_LINE_CONCURRENCY: '1', SWITCHYARD_BATCH_LOCK_MS: '2000',
      },
    });
  }, 120_000);

  afterAll(() => gw?.close());

  beforeEach(() => gw.sim.reset());

  it('uploads, lists, retrieves, downloads and deletes a file, visible to its own tenant only', async () => {
    const content = jsonl([chatLine('a', 'gpt', 'hello')]);
    const file = await upload(content);

    expect(file).toMatchObject({ object: 'file', purpose: 'batch', filename: 'input.jsonl', bytes: Buffer.byteLength(content), status: 'processed' });
    expect(file.id).toMatch(/^file-[0-9A-Za-z]{24}$/);
    expect(await client().files.retrieve(file.id)).toEqual(file);
    const listed = [];
    for await (const f of client().files.list({ purpose: 'batch' })) listed.push(f.id);
    expect(listed).toContain(file.id);
    expect(await (await client().files.content(file.id)).text()).toBe(content);
    // Another tenant's key cannot see it.
    await expect(client(OTHER_KEY).files.retrieve(file.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client(OTHER_KEY).files.content(file.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);

    expect(await client().files.delete(file.id)).toEqual({ id: file.id, object: 'file', deleted: true });
    await expect(client().files.retrieve(file.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('refuses an upload that is not a .jsonl batch file, and a request without a key, in OpenAI error shape', async () => {
    const err = await client().files.create({ file: await toFile(Buffer.from('x'), 'notes.txt'), purpose: 'batch' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ message: 'Invalid file format for Batch API. Must be .jsonl', param: 'file' });

    const res = await fetch(`${gw.baseUrl}/v1/batches`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBeTruthy();
  });

  it('runs chat batches on two provider families and an embeddings batch: a bad line goes to the error file, each line is priced at the batch rate once', async () => {
    const gptFile = await upload(jsonl([chatLine('g1', 'gpt', 'gpt one'), { custom_id: 'g2', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt', messages: 'not a list' } }, chatLine('g3', 'gpt', 'gpt three')]));
    const claudeFile = await upload(jsonl([chatLine('c1', 'claude', 'claude one'), chatLine('c2', 'claude', 'claude two')]));
    const embedFile = await upload(jsonl([{ custom_id: 'e1', method: 'POST', url: '/v1/embeddings', body: { model: 'embed', input: 'embed me' } }]));
    gw.sim.setDefault({ usage: { input: 100, output: 10 } });

    const created = await client().batches.create({ input_file_id: gptFile.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { job: 'nightly' } });
    const claude = await client().batches.create({ input_file_id: claudeFile.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const embed = await client().batches.create({ input_file_id: embedFile.id, endpoint: '/v1/embeddings', completion_window: '24h' });
    expect(created).toMatchObject({ object: 'batch', status: 'validating', endpoint: '/v1/chat/completions', input_file_id: gptFile.id, completion_window: '24h', metadata: { job: 'nightly' } });
    expect(created.id).toMatch(/^batch_/);

    const gpt = await settled(created.id);
    expect(gpt).toMatchObject({ status: 'completed', request_counts: { total: 3, completed: 2, failed: 1 }, model: 'gpt' });
    expect(gpt.completed_at).toBeGreaterThanOrEqual(gpt.created_at);
    const out = await contentOf(gpt.output_file_id);
    expect(out.map((l) => l['custom_id'])).toEqual(['g1', 'g3']);
    expect(out[0]).toMatchObject({ error: null, response: { status_code: 200, request_id: `${gpt.id}:1`, body: { object: 'chat.completion', model: 'gpt' } } });
    const errors = await contentOf(gpt.error_file_id);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ custom_id: 'g2', error: null, response: { status_code: 400, body: { error: { type: 'invalid_request_error' } } } });
    expect((await client().files.retrieve(gpt.output_file_id as string)).purpose).toBe('batch_output');

    const claudeDone = await settled(claude.id);
    expect(claudeDone.request_counts).toEqual({ total: 2, completed: 2, failed: 0 });
    expect((await contentOf(claudeDone.output_file_id)).map((l) => (l['response'] as { body: { choices: { message: { content: string } }[] } }).body.choices[0]?.message.content)).toEqual(['Hello from the simulator.', 'Hello from the simulator.']);
    // The Anthropic family got its own wire (POST /v1/messages) for the same batch format.
    expect(gw.sim.requests.filter((r) => r.path === '/v1/messages').map(promptOf).sort()).toEqual(['claude one', 'claude two']);

    const embedDone = await settled(embed.id);
    expect(embedDone.request_counts).toEqual({ total: 1, completed: 1, failed: 0 });
    expect((await contentOf(embedDone.output_file_id))[0]).toMatchObject({ custom_id: 'e1', response: { status_code: 200, body: { object: 'list' } } });

    // One ledger row per answered line, flagged batch, at the batch rates (1 and 4 $/MTok, not 2 and 8).
    const rows = await eventually(async () => {
      const r = await gw.db.query<{ request_id: string; batch: boolean; cost_usd: string; input_tokens: number; output_tokens: number }>(`SELECT request_id, batch, cost_usd::text, input_tokens, output_tokens FROM usage_records WHERE request_id LIKE $1 ORDER BY request_id`, [`${gpt.id}:%`]);
      if (r.length < 2) throw new Error(`${r.length} rows`);
      return r;
    });
    expect(rows).toEqual([
      { request_id: `${gpt.id}:1`, batch: true, cost_usd: '0.000140000', input_tokens: 100, output_tokens: 10 },
      { request_id: `${gpt.id}:3`, batch: true, cost_usd: '0.000140000', input_tokens: 100, output_tokens: 10 },
    ]);
  });

  it("sums its lines' token usage into the Batch object's usage, on retrieve and on list", async () => {
    gw.sim.setDefault({ usage: { input: 100, output: 10, cachedInput: 40, reasoning: 3 } });
    const file = await upload(jsonl([chatLine('u1', 'gpt', 'usage one'), { custom_id: 'u2', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt', messages: 'not a list' } }, chatLine('u3', 'gpt', 'usage three')]));

    const done = await settled((await client().batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);

    // Two answered lines of 100 + 10 tokens each; the refused line used nothing.
    const usage: OpenAI.Batches.BatchUsage = { input_tokens: 200, input_tokens_details: { cached_tokens: 80 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 6 }, total_tokens: 220 };
    expect(done).toMatchObject({ status: 'completed', request_counts: { total: 3, completed: 2, failed: 1 }, usage });
    const listed: Batch[] = [];
    for await (const b of client().batches.list({ limit: 5 })) listed.push(b);
    expect(listed.find((b) => b.id === done.id)?.usage).toEqual(usage);
  });

  it('runs a /v1/responses batch on two provider families: each line answers a Response object; previous_response_id is refused per line', async () => {
    const line = (customId: string, model: string, extra: Record<string, unknown> = {}) => ({ custom_id: customId, method: 'POST', url: '/v1/responses', body: { model, instructions: 'Be brief.', input: `${customId} please`, max_output_tokens: 32, ...extra } });
    // A batch uses one model (OpenAI's rule): one batch per family.
    const gptFile = await upload(jsonl([line('r1', 'gpt'), line('r3', 'gpt', { previous_response_id: 'resp_abc' })]));
    const claudeFile = await upload(jsonl([line('r2', 'claude')]));

    const gpt = await settled((await client().batches.create({ input_file_id: gptFile.id, endpoint: '/v1/responses', completion_window: '24h' })).id);
    const claude = await settled((await client().batches.create({ input_file_id: claudeFile.id, endpoint: '/v1/responses', completion_window: '24h' })).id);

    expect(gpt).toMatchObject({ status: 'completed', endpoint: '/v1/responses', request_counts: { total: 2, completed: 1, failed: 1 } });
    expect(claude).toMatchObject({ status: 'completed', endpoint: '/v1/responses', request_counts: { total: 1, completed: 1, failed: 0 } });
    const out = [...(await contentOf(gpt.output_file_id)), ...(await contentOf(claude.output_file_id))];
    expect(out.map((l) => l['custom_id'])).toEqual(['r1', 'r2']);
    for (const l of out) {
      expect(l).toMatchObject({ error: null, response: { status_code: 200, body: { object: 'response', status: 'completed', store: false, instructions: 'Be brief.' } } });
      const body = (l['response'] as { body: { id: string; output: { type: string; content?: { text: string }[] }[] } }).body;
      expect(body.id).toMatch(/^resp_/);
      expect(body.output.find((o) => o.type === 'message')?.content?.[0]?.text).toBe('Hello from the simulator.');
    }
    const errors = await contentOf(gpt.error_file_id);
    expect(errors).toEqual([expect.objectContaining({ custom_id: 'r3', response: expect.objectContaining({ status_code: 400, body: { error: expect.objectContaining({ param: 'previous_response_id' }) } }) })]);
    // The OpenAI family is reached over its Responses wire, the Anthropic family over Messages.
    expect(gw.sim.requests.filter((r) => r.path === '/v1/responses')).toHaveLength(1);
    expect(gw.sim.requests.filter((r) => r.path === '/v1/messages')).toHaveLength(1);
    const rows = await eventually(async () => {
      const r = await gw.db.query<{ request_id: string; batch: boolean }>('SELECT request_id, batch FROM usage_records WHERE request_id = $1 OR request_id = $2 ORDER BY request_id', [`${gpt.id}:1`, `${claude.id}:1`]);
      if (r.length < 2) throw new Error(`${r.length} rows`);
      return r;
    });
    expect(rows.map((r) => r.batch)).toEqual([true, true]);
  });

  it('fails a batch whose input file has bad lines, listing each line as OpenAI does, and sends nothing upstream', async () => {
    const file = await upload(jsonl([chatLine('a', 'gpt', 'x'), '{"custom_id": "b", oops', chatLine('a', 'gpt', 'y'), { ...chatLine('d', 'gpt', 'z'), url: '/v1/embeddings' }, chatLine('e', 'claude', 'w')]));

    const batch = await settled((await client().batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);

    expect(batch.status).toBe('failed');
    expect(batch.errors?.data?.map((e) => [e.line, e.code])).toEqual([
      [2, 'invalid_json_line'],
      [3, 'duplicate_custom_id'],
      [4, 'url_mismatch'],
      [5, 'model_mismatch'],
    ]);
    expect(gw.sim.requests).toEqual([]);
    // A request to create one with a wrong endpoint or window is refused at once.
    await expect(client().batches.create({ input_file_id: file.id, endpoint: '/v1/completions', completion_window: '24h' })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(client().batches.create({ input_file_id: 'file-nope', endpoint: '/v1/chat/completions', completion_window: '24h' })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('cancels a running batch: cancelling → cancelled, the lines not sent are in the error file', async () => {
    gw.sim.setDefault({ firstByteDelayMs: 400 });
    const file = await upload(jsonl(Array.from({ length: 6 }, (_, i) => chatLine(`k${i + 1}`, 'gpt', `cancel ${i + 1}`))));
    const created = await client().batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await gw.sim.waitFor((r) => promptOf(r) === 'cancel 1', 15_000);

    const cancelling = await client().batches.cancel(created.id);
    expect(['cancelling', 'cancelled']).toContain(cancelling.status);
    const batch = await settled(created.id);

    expect(batch.status).toBe('cancelled');
    expect(batch.cancelled_at).toBeTruthy();
    const sent = gw.sim.requests.length;
    expect(sent).toBeLessThan(6);
    const errors = await contentOf(batch.error_file_id);
    expect(errors.length).toBe(6 - (batch.request_counts?.completed ?? 0));
    expect(errors.every((l) => (l['error'] as { code: string }).code === 'batch_cancelled')).toBe(true);
    await expect(client().batches.cancel(created.id)).resolves.toMatchObject({ status: 'cancelled' });
  });

  it('lists batches newest first, paging with after and limit', async () => {
    const all: string[] = [];
    for await (const b of client().batches.list({ limit: 2 })) all.push(b.id);
    const first = await client().batches.list({ limit: 2 });

    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(new Set(all).size).toBe(all.length);
    expect(first.data.map((b) => b.id)).toEqual(all.slice(0, 2));
    expect(first.has_more).toBe(true);
    // Another tenant sees none of them.
    expect((await client(OTHER_KEY).batches.list()).data).toEqual([]);
  });

  it('runs Anthropic Message Batches over the same machinery: create, retrieve, list, results, cancel, delete', async () => {
    const anthropic = new Anthropic({ baseURL: gw.baseUrl, apiKey: KEY, maxRetries: 0 });
    const created = await anthropic.messages.batches.create({
      requests: [
        { custom_id: 'm1', params: { model: 'claude', max_tokens: 32, messages: [{ role: 'user', content: 'msg one' }] } },
        // A Message Batch may mix models: this one is served by the OpenAI-family upstream.
        { custom_id: 'm2', params: { model: 'gpt', max_tokens: 32, messages: [{ role: 'user', content: 'msg two' }] } },
        { custom_id: 'm3', params: { model: 'claude', max_tokens: 32, messages: 'not a list' } as unknown as Anthropic.MessageCreateParamsNonStreaming },
      ],
    });
    expect(created).toMatchObject({ type: 'message_batch', processing_status: 'in_progress', results_url: null });
    expect(created.id).toMatch(/^msgbatch_/);

    const ended = await eventually(async () => {
      const b = await anthropic.messages.batches.retrieve(created.id);
      if (b.processing_status !== 'ended') throw new Error(b.processing_status);
      return b;
    }, 30_000);
    expect(ended.request_counts).toEqual({ processing: 0, succeeded: 2, errored: 1, canceled: 0, expired: 0 });
    const results: Anthropic.Messages.MessageBatchIndividualResponse[] = [];
    for await (const r of await anthropic.messages.batches.results(created.id)) results.push(r);
    expect(results.map((r) => [r.custom_id, r.result.type])).toEqual([
      ['m1', 'succeeded'],
      ['m2', 'succeeded'],
      ['m3', 'errored'],
    ]);
    const m1 = results[0]?.result;
    expect(m1?.type === 'succeeded' && m1.message.content[0]).toMatchObject({ type: 'text', text: 'Hello from the simulator.' });
    const m3 = results[2]?.result;
    expect(m3?.type === 'errored' && m3.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(gw.sim.requests.map((r) => [r.path, promptOf(r)]).sort()).toEqual([
      ['/v1/chat/completions', 'msg two'],
      ['/v1/messages', 'msg one'],
    ]);
    expect((await anthropic.messages.batches.list()).data.map((b) => b.id)).toContain(created.id);
    // Not visible through the OpenAI Batches API, nor to another tenant.
    await expect(client().batches.retrieve(created.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(new Anthropic({ baseURL: gw.baseUrl, apiKey: OTHER_KEY, maxRetries: 0 }).messages.batches.retrieve(created.id)).rejects.toBeInstanceOf(Anthropic.NotFoundError);

    gw.sim.setDefault({ firstByteDelayMs: 400 });
    const slow = await anthropic.messages.batches.create({ requests: Array.from({ length: 5 }, (_, i) => ({ custom_id: `s${i}`, params: { model: 'claude', max_tokens: 8, messages: [{ role: 'user' as const, content: `slow ${i}` }] } })) });
    await gw.sim.waitFor((r) => promptOf(r) === 'slow 0', 15_000);
    expect((await anthropic.messages.batches.cancel(slow.id)).processing_status).toMatch(/^(canceling|ended)$/);
    const cancelled = await eventually(async () => {
      const b = await anthropic.messages.batches.retrieve(slow.id);
      if (b.processing_status !== 'ended') throw new Error(b.processing_status);
      return b;
    }, 30_000);
    expect(cancelled.request_counts.canceled).toBeGreaterThan(0);
    expect(cancelled.request_counts.succeeded + cancelled.request_counts.canceled).toBe(5);
    expect(await anthropic.messages.batches.delete(slow.id)).toEqual({ id: slow.id, type: 'message_batch_deleted' });
    await expect(anthropic.messages.batches.retrieve(slow.id)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

  it("sends the create request's betas with each line to an Anthropic upstream, without the batch API's own", async () => {
    const anthropic = new Anthropic({ baseURL: gw.baseUrl, apiKey: KEY, maxRetries: 0 });
    // The SDK's beta batches API sends `anthropic-beta: output-128k-2025-02-19,message-batches-2024-09-24`.
    const created = await anthropic.beta.messages.batches.create({
      betas: ['output-128k-2025-02-19'],
      requests: [
        { custom_id: 'b1', params: { model: 'claude', max_tokens: 8, messages: [{ role: 'user', content: 'beta one' }] } },
        { custom_id: 'b2', params: { model: 'gpt', max_tokens: 8, messages: [{ role: 'user', content: 'beta two' }] } },
      ],
    });
    await eventually(async () => {
      if ((await anthropic.messages.batches.retrieve(created.id)).processing_status !== 'ended') throw new Error('not ended');
    }, 30_000);

    const line = gw.sim.requests.find((r) => r.path === '/v1/messages' && promptOf(r) === 'beta one');
    expect(line?.headers['anthropic-beta']).toBe('output-128k-2025-02-19');
    // The provider decides, as for a live request: an OpenAI-family upstream gets no Anthropic header.
    const other = gw.sim.requests.find((r) => r.path === '/v1/chat/completions' && promptOf(r) === 'beta two');
    expect(other).toBeDefined();
    expect(other?.headers['anthropic-beta']).toBeUndefined();
  });

  it('resumes a batch after its gateway is killed mid-batch, without sending a finished line again or losing one', async () => {
    gw.sim.setDefault({ firstByteDelayMs: 300 });
    const n = 8;
    const file = await upload(jsonl(Array.from({ length: n }, (_, i) => chatLine(`r${i + 1}`, 'gpt', `resume ${i + 1}`))));
    const created = await client().batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await eventually(async () => {
      const b = await client().batches.retrieve(created.id);
      if ((b.request_counts?.completed ?? 0) < 2) throw new Error(`completed ${b.request_counts?.completed}`);
    }, 30_000, 'two lines done');

    gw.app.proc.kill('SIGKILL');
    await new Promise((r) => gw.app.proc.once('exit', r));
    const finished = (await gw.db.query<{ custom_id: string }>(`SELECT custom_id FROM batch_lines WHERE batch_id = $1 AND state = 'done'`, [created.id])).map((r) => r.custom_id);
    expect(finished.length).toBeGreaterThanOrEqual(2);
    expect(finished.length).toBeLessThan(n);

    await gw.startAgain();
    const batch = await settled(created.id, 60_000);

    expect(batch).toMatchObject({ status: 'completed', request_counts: { total: n, completed: n, failed: 0 } });
    expect((await contentOf(batch.output_file_id)).map((l) => l['custom_id'])).toEqual(Array.from({ length: n }, (_, i) => `r${i + 1}`));
    // Lines finished before the kill reached the upstream exactly once.
    const sent = gw.sim.requests.map(promptOf);
    for (const id of finished) expect(sent.filter((p) => p === `resume ${id.slice(1)}`)).toHaveLength(1);
    // Every line is in the ledger exactly once.
    const rows = await eventually(async () => {
      const r = await gw.db.query<{ request_id: string }>(`SELECT request_id FROM usage_records WHERE request_id LIKE $1`, [`${created.id}:%`]);
      if (r.length < n) throw new Error(`${r.length} rows`);
      return r;
    }, 15_000);
    expect(rows.map((r) => r.request_id).sort()).toEqual(Array.from({ length: n }, (_, i) => `${created.id}:${i + 1}`).sort());
  }, 120_000);
});

// The default a newcomer runs: no DATABASE_URL (PGlite in a worker thread) and no REDIS_URL (the
// in-process batch and usage queues), where the interactive transactions, createMany and groupBy
// of the batch worker go through the PGlite adapter.
describe('files and batches on the embedded database and in-process queue (standalone, openai and anthropic SDKs)', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let baseUrl = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    app = startApp('standalone', {
      SWITCHYARD_CONFIG: writeConfigFile(config(sim.url)), PORT: String(port), HOST: '127.0.0.1', SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sy-batches-data-')),
      SWITCHYARD_UPSTREAM_SIM_KEY: 'sk-sim', BATCH_KEY: KEY, OTHER_KEY, ...SIMULATOR_OUTBOUND_ENV,
    });
    await waitForReady(baseUrl, app, 90_000);
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
  });

  it('runs an OpenAI batch to its output file and a Message Batch to its results', async () => {
    const openai = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: KEY, maxRetries: 0 });
    const file = await openai.files.create({ file: await toFile(Buffer.from(jsonl([chatLine('a', 'gpt', 'pglite a'), chatLine('b', 'claude', 'pglite b')])), 'in.jsonl'), purpose: 'batch' });
    const failed = await openai.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const ok = await openai.files.create({ file: await toFile(Buffer.from(jsonl([chatLine('a', 'gpt', 'pglite a'), chatLine('b', 'gpt', 'pglite b')])), 'in.jsonl'), purpose: 'batch' });
    const created = await openai.batches.create({ input_file_id: ok.id, endpoint: '/v1/chat/completions', completion_window: '24h' });

    const done = await eventually(async () => {
      const b = await openai.batches.retrieve(created.id);
      if (b.status !== 'completed') throw new Error(b.status);
      return b;
    }, 30_000);
    expect(done.request_counts).toEqual({ total: 2, completed: 2, failed: 0 });
    const out = (await (await openai.files.content(done.output_file_id as string)).text()).trim().split('\n');
    expect(out.map((l) => (JSON.parse(l) as { custom_id: string }).custom_id)).toEqual(['a', 'b']);
    expect((await openai.batches.retrieve(failed.id)).errors?.data?.map((e) => e.code)).toEqual(['model_mismatch']);

    const anthropic = new Anthropic({ baseURL: baseUrl, apiKey: KEY, maxRetries: 0 });
    const mb = await anthropic.messages.batches.create({ requests: [{ custom_id: 'x', params: { model: 'claude', max_tokens: 8, messages: [{ role: 'user', content: 'pglite x' }] } }] });
    await eventually(async () => {
      if ((await anthropic.messages.batches.retrieve(mb.id)).processing_status !== 'ended') throw new Error('not ended');
    }, 30_000);
    const results: Anthropic.Messages.MessageBatchIndividualResponse[] = [];
    for await (const r of await anthropic.messages.batches.results(mb.id)) results.push(r);
    expect(results.map((r) => [r.custom_id, r.result.type])).toEqual([['x', 'succeeded']]);
    const x = results[0]?.result;
    expect(x?.type === 'succeeded' && x.message.id).toMatch(/^msg_[A-Za-z0-9_]+$/);
  });

  it('tells an Anthropic client without a valid key to send one in x-api-key, in Anthropic\'s error shape', async () => {
    const keyless = await fetch(`${baseUrl}/v1/messages/batches`, { headers: { 'anthropic-version': '2023-06-01' } });
    expect(keyless.status).toBe(401);
    const refusal = (await keyless.json()) as { type: string; error: { type: string; message: string } };
    expect(refusal).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: expect.stringContaining('x-api-key header') } });
    expect(refusal.error.message).not.toContain('Authorization header');

    const bad = new Anthropic({ baseURL: baseUrl, apiKey: 'sk-ant-not-ours', maxRetries: 0 });
    for (const call of [() => bad.messages.batches.list(), () => bad.messages.create({ model: 'claude', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(String((err as InstanceType<typeof Anthropic.AuthenticationError>).message)).toContain('x-api-key header');
    }
  });

  it("keeps a Message Batch's betas on the embedded database and sends them with its line", async () => {
    const anthropic = new Anthropic({ baseURL: baseUrl, apiKey: KEY, maxRetries: 0 });
    const mb = await anthropic.beta.messages.batches.create({ betas: ['output-128k-2025-02-19'], requests: [{ custom_id: 'y', params: { model: 'claude', max_tokens: 8, messages: [{ role: 'user', content: 'pglite beta' }] } }] });
    await eventually(async () => {
      if ((await anthropic.messages.batches.retrieve(mb.id)).processing_status !== 'ended') throw new Error('not ended');
    }, 30_000);

    expect(sim.requests.find((r) => promptOf(r) === 'pglite beta')?.headers['anthropic-beta']).toBe('output-128k-2025-02-19');
  });
});
