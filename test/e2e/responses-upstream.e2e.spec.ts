import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { DEFAULT_CONTENT, ProviderSimulator, type RecordedRequest } from '@switchyard/testing';
import { GATEWAY_SECRETS, TEST_KEY } from './support/gateway-config';
import type { UsageRow } from './support/gateway-contract';
import { createTestDatabase } from './support/postgres-harness';
import { RunningApp, eventually, freePort, startApp, waitForReady } from './support/process-harness';

// An OpenAI deployment whose provider sets `options.api: responses`: Chat Completions clients
// (the official openai SDK) are answered through the upstream's Responses API, streaming and
// not, tool loops and reasoning included; the simulator checks every /v1/responses body the way
// the API does (docs/configuration.md, providers[].options.api).

const MODEL = 'gpt-resp';
const UPSTREAM = 'o4-mini-2025-04-16';

function writeConfig(simulatorUrl: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sy-respup-')), 'switchyard.yaml');
  writeFileSync(
    path,
    `server: { port: 8080 }
routing: { retries: 0, timeouts: { connectMs: 2000, firstTokenMs: 5000, totalMs: 20000 } }
providers:
  - id: sim-responses
    type: openai
    baseUrl: ${simulatorUrl}/v1
    apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY]
    options: { api: responses }
models:
  - name: ${MODEL}
    deployments:
      - { provider: sim-responses, model: ${UPSTREAM} }
    price: { inputPerMTok: 1, outputPerMTok: 4 }
tenants:
  - id: acme
    keys:
      - { key: env:ACME_KEY, models: ['gpt-*'] }
`,
  );
  return path;
}

describe('an OpenAI deployment on the Responses API, called with chat.completions', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: OpenAI;

  const lastUpstream = (): RecordedRequest => sim.requests[sim.requests.length - 1] as RecordedRequest;
  const recordedOnce = (requestId: string): Promise<UsageRow> =>
    eventually(async () => {
      const rows = await db.query<UsageRow>('SELECT * FROM usage_records WHERE request_id = $1', [requestId]);
      if (rows.length !== 1) throw new Error(`${rows.length} usage rows`);
      return rows[0] as UsageRow;
    }, 15_000, `usage row for ${requestId}`);

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_respup');
    const port = await freePort();
    app = startApp('standalone', { ...GATEWAY_SECRETS, SWITCHYARD_CONFIG: writeConfig(sim.url), DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1' });
    await waitForReady(`http://127.0.0.1:${port}`, app);
    client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
  });
  beforeEach(() => sim.reset());
  afterAll(async () => {
    expect(await app?.stop()).toBe(0);
    await sim?.close();
    await db?.drop();
  });

  it('answers a chat completion through POST /v1/responses and records its usage once', async () => {
    sim.script({ usage: { input: 120, output: 40, cachedInput: 100, reasoning: 25 } });

    const { data, response } = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }], max_tokens: 200 })
      .withResponse();

    expect(data.choices[0]).toMatchObject({ message: { role: 'assistant', content: DEFAULT_CONTENT }, finish_reason: 'stop' });
    expect(data.usage).toMatchObject({ prompt_tokens: 120, completion_tokens: 40, prompt_tokens_details: { cached_tokens: 100 }, completion_tokens_details: { reasoning_tokens: 25 } });
    expect(lastUpstream()).toMatchObject({
      path: '/v1/responses',
      headers: { authorization: 'Bearer sk-upstream-secret' },
      body: { model: UPSTREAM, instructions: 'Be brief.', input: [{ role: 'user', content: 'Say hello' }], max_output_tokens: 200, store: false },
    });
    const row = await recordedOnce(response.headers.get('x-request-id') ?? '');
    expect(row).toMatchObject({ model: MODEL, status: 'ok', http_status: 200, stream: false, input_tokens: 120, output_tokens: 40, upstream_model: UPSTREAM });
  });

  it('streams the Responses events back as chat chunks, with the usage chunk, and records usage once', async () => {
    sim.script({ content: 'one two three four', chunks: 4, usage: { input: 30, output: 4 } });

    const { data: stream, response } = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'Count to four.' }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('one two three four');
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 4 });
    expect(lastUpstream()).toMatchObject({ path: '/v1/responses', body: { stream: true, store: false }, completed: true });
    const row = await recordedOnce(response.headers.get('x-request-id') ?? '');
    expect(row).toMatchObject({ status: 'ok', stream: true, input_tokens: 30, output_tokens: 4 });
  });

  it('runs a streamed tool loop: function calls out, function_call_output items back in', async () => {
    sim.script({ toolCalls: [{ id: 'call_paris', name: 'get_weather', arguments: { city: 'Paris' } }, { id: 'call_oslo', name: 'get_weather', arguments: { city: 'Oslo' } }] });
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
    ];
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris and Oslo?' }];

    const first = await client.chat.completions.stream({ model: MODEL, messages, tools }).finalChatCompletion();
    const calls = first.choices[0]?.message.tool_calls ?? [];
    const second = await client.chat.completions.create({
      model: MODEL,
      tools,
      messages: [
        ...messages,
        { role: 'assistant', content: null, tool_calls: calls.map((call) => ({ id: call.id, type: 'function' as const, function: call.type === 'function' ? { name: call.function.name, arguments: call.function.arguments } : { name: '', arguments: '' } })) },
        ...calls.map((call) => ({ role: 'tool' as const, tool_call_id: call.id, content: '{"temperature":18}' })),
      ],
    });

    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(calls.map((call) => call.type === 'function' && [call.id, call.function.name, JSON.parse(call.function.arguments)])).toEqual([
      ['call_paris', 'get_weather', { city: 'Paris' }],
      ['call_oslo', 'get_weather', { city: 'Oslo' }],
    ]);
    expect(second.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
    expect(lastUpstream().body).toMatchObject({
      tools: [{ type: 'function', name: 'get_weather', strict: false }],
      input: [
        { role: 'user' },
        { type: 'function_call', call_id: 'call_paris', name: 'get_weather' },
        { type: 'function_call', call_id: 'call_oslo', name: 'get_weather' },
        { type: 'function_call_output', call_id: 'call_paris', output: '{"temperature":18}' },
        { type: 'function_call_output', call_id: 'call_oslo', output: '{"temperature":18}' },
      ],
    });
  });

  it('passes a reasoning summary on as reasoning_content, having asked for it', async () => {
    sim.script({ reasoning: 'Paris is in France.', content: 'Paris.' });

    const completion = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Capital of France?' }], reasoning_effort: 'high' });

    expect(completion.choices[0]?.message).toMatchObject({ content: 'Paris.', reasoning_content: 'Paris is in France.' });
    expect(lastUpstream().body).toMatchObject({ reasoning: { effort: 'high', summary: 'auto' }, include: ['reasoning.encrypted_content'] });
  });

  it('reports a max_output_tokens stop as finish_reason length, streaming and not', async () => {
    sim.script({ finishReason: 'length' });
    sim.script({ finishReason: 'length' });

    const whole = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Go on.' }], max_tokens: 16 });
    const stream = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Go on.' }], max_tokens: 16, stream: true });
    const reasons: string[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.finish_reason) reasons.push(chunk.choices[0].finish_reason);

    expect(whole.choices[0]?.finish_reason).toBe('length');
    expect(reasons).toEqual(['length']);
  });

  it('ends the chat stream with an error event when the Responses stream fails after the first byte, and records usage once', async () => {
    sim.script({ content: 'one two three four', chunks: 4, error: { status: 500, message: 'upstream internals', afterChunks: 2 } });

    const { data: stream, response } = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Count.' }], stream: true }).withResponse();
    const deltas: string[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) deltas.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);

    expect(deltas.join('')).toBe('one two ');
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(String((failure as Error).message)).not.toContain('upstream internals');
    const row = await recordedOnce(response.headers.get('x-request-id') ?? '');
    expect(row).toMatchObject({ stream: true });
    expect(row.status).not.toBe('ok');
  });

  it('answers an upstream rate limit in the client dialect, without the upstream words', async () => {
    sim.script({ error: { status: 429, message: 'Rate limit reached for o4-mini in organization org-secret', retryAfter: 2 } });

    const error = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect(String((error as Error).message)).not.toContain('org-secret');
    expect(lastUpstream().path).toBe('/v1/responses');
  });

  it('refuses stop sequences with a 400 naming the field, without calling the upstream', async () => {
    const error = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stop: ['END'] }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'stop' });
    expect(sim.requests).toHaveLength(0);
  });
});
