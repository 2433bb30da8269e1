import type { RecordedRequest } from '@switchyard/testing';
import OpenAI, { toFile } from 'openai';
import { eventually } from './support/process-harness';
import { StandaloneOnPostgres } from './support/standalone-on-postgres';

// Issue 17's gaps in batches and media, end to end: a standalone gateway on a real Postgres (no
// Redis: the in-process batch queue and limiters), the official openai SDK as the client, the
// simulator as the OpenAI upstream. Budgets count batch lines at the batch rates; PII guardrails
// apply per batch line and to image prompts and speech input.

const BUDGET_KEY = 'sk-test-batchgaps-budget-0123456789abcdef';
const MASK_KEY = 'sk-test-batchgaps-mask-0123456789abcdef01';
const BLOCK_KEY = 'sk-test-batchgaps-block-0123456789abcdef0';
type Batch = OpenAI.Batches.Batch;

/** The suite's switchyard.yaml, given the simulator's URL. */
const config = (simUrl: string) => `server: { port: 8080 }
routing: { retries: 0 }
providers:
  - { id: sim-openai, type: openai, baseUrl: '${simUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
models:
  - name: gpt
    deployments: [{ provider: sim-openai, model: gpt-upstream }]
    price: { inputPerMTok: 2, outputPerMTok: 8, batchInputPerMTok: 1, batchOutputPerMTok: 4 }
  - name: dalle
    deployments: [{ provider: sim-openai, model: dall-e-3 }]
    price: { inputPerMTok: 0, outputPerMTok: 40000 }
  - name: tts
    deployments: [{ provider: sim-openai, model: tts-1 }]
    price: { inputPerMTok: 15, outputPerMTok: 0 }
tenants:
  - id: budgeted
    keys: [{ key: env:BUDGET_KEY, models: ['*'], budget: { dailyUsd: 0.021 } }]
  - id: guarded
    keys:
      - { key: env:MASK_KEY, models: ['*'], guardrails: { pii: { action: mask, restore: true } } }
      - { key: env:BLOCK_KEY, models: ['*'], guardrails: { pii: { action: block, categories: [card] } } }
`;

const chatLine = (customId: string, text: string, maxTokens = 32) => JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt', messages: [{ role: 'user', content: text }], max_tokens: maxTokens } });
const promptOf = (r: RecordedRequest): string => String((r.body as { messages?: { content: unknown }[] } | undefined)?.messages?.[0]?.content ?? '');

describe('batch and media gaps (standalone, Postgres, openai SDK)', () => {
  let gw: StandaloneOnPostgres;

  const client = (key: string) => gw.openai(key);

  async function runBatch(key: string, lines: string[], extra: Partial<OpenAI.Batches.BatchCreateParams> = {}, timeoutMs = 30_000): Promise<Batch> {
    const c = client(key);
    const file = await c.files.create({ file: await toFile(Buffer.from(`${lines.join('\n')}\n`), 'in.jsonl'), purpose: 'batch' });
    const created = await c.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', ...extra });
    return eventually(async () => {
      const b = await c.batches.retrieve(created.id);
      if (!['completed', 'failed', 'cancelled', 'expired'].includes(b.status)) throw new Error(`still ${b.status} (${JSON.stringify(b.request_counts)})`);
      return b;
    }, timeoutMs, `batch ${created.id} done`);
  }

  async function contentOf(key: string, fileId: string | null | undefined): Promise<Record<string, unknown>[]> {
    if (!fileId) return [];
    const text = await (await client(key).files.content(fileId)).text();
    return text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  beforeAll(async () => {
    gw = await StandaloneOnPostgres.start({
      database: 'sy_batch_gaps',
      config,
      env: {
        SWITCHYARD_UPSTREAM_SIM_KEY: 'sk-sim', BUDGET_KEY, MASK_KEY, BLOCK_KEY,
        // One line at a time: each line's admission sees the spend of the lines before it.
        SWITCHYARD_BATCH_LINE_CONCURRENCY: '1',
        // Expired files are swept every second here (a minute by default).
        SWITCHYARD_FILES_SWEEP_MS: '1000',
      },
    });
  }, 120_000);

  afterAll(() => gw?.close());

  beforeEach(() => gw.sim.reset());

  it('completes every line of a batch that fits the daily budget at the batch rates but not at the interactive ones', async () => {
    // Each line uses 1,000 + 1,000 tokens: $0.005 at the batch rates ($1 / $4 per million), $0.01
    // at the interactive ones; each reserves up to 1,000 output tokens ($0.004 batch, $0.008 not).
    // Four lines need 3 × $0.005 + $0.004 ≤ $0.021 at batch rates; at the interactive rates the
    // third line would find $0.02 spent and be held back until the day ends.
    gw.sim.setDefault({ usage: { input: 1000, output: 1000 } });
    const n = 4;

    const done = await runBatch(BUDGET_KEY, Array.from({ length: n }, (_, i) => chatLine(`b${i + 1}`, `line ${i + 1}`, 1000)));

    expect(done.status).toBe('completed');
    expect(done.request_counts).toEqual({ total: n, completed: n, failed: 0 });
    const rows = await eventually(async () => {
      const r = await gw.db.query<{ cost_usd: string }>(`SELECT cost_usd::text FROM usage_records WHERE request_id LIKE $1 AND batch`, [`${done.id}:%`]);
      if (r.length < n) throw new Error(`${r.length} rows`);
      return r;
    }, 30_000, 'ledger rows');
    expect(rows.map((r) => Number(r.cost_usd))).toEqual([0.005, 0.005, 0.005, 0.005]);
  }, 60_000);

  it('fails a batch line the PII guard blocks, and one refused for its body, with their 400s in the error file, runs the others, and files each in the request audit', async () => {
    const badBody = JSON.stringify({ custom_id: 'bad-body', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt', messages: 'not a list' } });
    const done = await runBatch(BLOCK_KEY, [chatLine('clean', 'hello there'), chatLine('card', 'charge 4111 1111 1111 1111 please'), chatLine('also-clean', 'bye'), badBody]);

    expect(done.request_counts).toEqual({ total: 4, completed: 2, failed: 2 });
    expect((await contentOf(BLOCK_KEY, done.output_file_id)).map((l) => l['custom_id'])).toEqual(['clean', 'also-clean']);
    expect(await contentOf(BLOCK_KEY, done.error_file_id)).toEqual([
      expect.objectContaining({
        custom_id: 'card',
        response: expect.objectContaining({
          status_code: 400,
          body: { error: expect.objectContaining({ type: 'invalid_request_error', message: 'This request contains personal data that this API key may not send (card). Remove it and try again.' }) },
        }),
      }),
      expect.objectContaining({ custom_id: 'bad-body', response: expect.objectContaining({ status_code: 400, body: { error: expect.objectContaining({ type: 'invalid_request_error' }) } }) }),
    ]);
    expect(gw.sim.requests.map(promptOf).sort()).toEqual(['bye', 'hello there']);

    // Every line has its audit row, as the same requests sent to /v1/chat/completions would: each
    // under the key's guard policy (block), the two turned away `refused` (no provider), the
    // block with the guard's finding, the body refused before a model was read.
    const audit = await eventually(async () => {
      const rows = await gw.db.query<{ request_id: string; outcome: string; http_status: number; provider_id: string | null; model: string; endpoint: string; pii_action: string | null; pii_categories: string[] }>(
        `SELECT request_id, outcome, http_status, provider_id, model, endpoint, pii_action, pii_categories FROM request_audit WHERE request_id LIKE $1 ORDER BY request_id`,
        [`${done.id}:%`],
      );
      if (rows.length < 4) throw new Error(`${rows.length} audit rows`);
      return rows;
    }, 15_000, 'audit rows');
    expect(audit).toEqual([
      { request_id: `${done.id}:1`, outcome: 'ok', http_status: 200, provider_id: 'sim-openai', model: 'gpt', endpoint: '/v1/chat/completions', pii_action: 'block', pii_categories: [] },
      { request_id: `${done.id}:2`, outcome: 'refused', http_status: 400, provider_id: null, model: 'gpt', endpoint: '/v1/chat/completions', pii_action: 'block', pii_categories: ['card'] },
      { request_id: `${done.id}:3`, outcome: 'ok', http_status: 200, provider_id: 'sim-openai', model: 'gpt', endpoint: '/v1/chat/completions', pii_action: 'block', pii_categories: [] },
      { request_id: `${done.id}:4`, outcome: 'refused', http_status: 400, provider_id: null, model: '', endpoint: '/v1/chat/completions', pii_action: null, pii_categories: [] },
    ]);
    // Refusals are audited, never billed: only the two answered lines are in the ledger.
    expect((await gw.db.query<{ request_id: string }>(`SELECT request_id FROM usage_records WHERE request_id LIKE $1 ORDER BY request_id`, [`${done.id}:%`])).map((r) => r.request_id)).toEqual([`${done.id}:1`, `${done.id}:3`]);
  });

  it("masks a batch line's request as chat is masked, and restores the placeholder the upstream echoes", async () => {
    gw.sim.setDefault({ echo: false, content: 'Noted: [EMAIL_1]' });

    const done = await runBatch(MASK_KEY, [chatLine('m1', 'mail jane@example.com')]);

    expect(done.request_counts).toEqual({ total: 1, completed: 1, failed: 0 });
    expect(gw.sim.requests.map(promptOf)).toEqual(['mail [EMAIL_1]']);
    const [out] = await contentOf(MASK_KEY, done.output_file_id);
    expect(out).toMatchObject({ custom_id: 'm1', response: { status_code: 200, body: { choices: [{ message: { content: 'Noted: jane@example.com' } }] } } });
  });

  it('masks an image prompt and speech input for a masking key, and blocks them for a blocking key', async () => {
    await client(MASK_KEY).images.generate({ model: 'dalle', prompt: 'A postcard to jane@example.com' });
    const speech = await client(MASK_KEY).audio.speech.create({ model: 'tts', voice: 'alloy', input: 'Write to jane@example.com' });
    await speech.arrayBuffer();

    const bodies = gw.sim.requests.map((r) => r.body as Record<string, unknown>);
    expect(bodies).toEqual([expect.objectContaining({ prompt: 'A postcard to [EMAIL_1]' }), expect.objectContaining({ input: 'Write to [EMAIL_1]' })]);

    const before = gw.sim.requests.length;
    const refused = await client(BLOCK_KEY).images.generate({ model: 'dalle', prompt: 'Card 4111 1111 1111 1111 on a table' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).message).toContain('personal data that this API key may not send (card)');
    const clean = await client(BLOCK_KEY).images.generate({ model: 'dalle', prompt: 'A table' });
    expect(clean.data).toHaveLength(1);
    expect(gw.sim.requests.length).toBe(before + 1);
  });

  it('sets expires_at from expires_after and output_expires_after, refuses a policy out of range, and hides then sweeps an expired file', async () => {
    const c = client(MASK_KEY);
    const upload = await c.files.create({ file: await toFile(Buffer.from(`${chatLine('e1', 'hi')}\n`), 'in.jsonl'), purpose: 'batch', expires_after: { anchor: 'created_at', seconds: 3600 } });
    const byDefault = await c.files.create({ file: await toFile(Buffer.from(`${chatLine('e1', 'hi')}\n`), 'in.jsonl'), purpose: 'batch' });
    expect(upload.expires_at).toBe(upload.created_at + 3600);
    // OpenAI: "By default, files with purpose=batch expire after 30 days".
    expect(byDefault.expires_at).toBe(byDefault.created_at + 30 * 86_400);

    const tooShort = await c.files.create({ file: await toFile(Buffer.from('{}\n'), 'in.jsonl'), purpose: 'batch', expires_after: { anchor: 'created_at', seconds: 60 } }).catch((e: unknown) => e);
    expect(tooShort).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tooShort as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ param: 'expires_after[seconds]', message: expect.stringContaining('between 3600 (1 hour) and 2592000 (30 days)') });

    const done = await runBatch(MASK_KEY, [chatLine('o1', 'hello')], { output_expires_after: { anchor: 'created_at', seconds: 7200 } });
    const output = await c.files.retrieve(done.output_file_id as string);
    expect(output.expires_at).toBe(output.created_at + 7200);

    // An hour passes for the upload.
    await gw.db.query(`UPDATE files SET expires_at = now() - interval '1 second' WHERE id = $1`, [upload.id]);
    await expect(c.files.retrieve(upload.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(c.files.content(upload.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const listed: string[] = [];
    for await (const f of c.files.list()) listed.push(f.id);
    expect(listed).toContain(output.id);
    expect(listed).not.toContain(upload.id);
    await eventually(async () => {
      const rows = await gw.db.query(`SELECT id FROM files WHERE id = $1 UNION ALL SELECT file_id FROM file_blobs WHERE file_id = $1`, [upload.id]);
      if (rows.length) throw new Error('not swept yet');
    }, 15_000, 'expired file swept');
  });
});
