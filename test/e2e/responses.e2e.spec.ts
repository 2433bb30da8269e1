import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONTENT, ProviderSimulator, type SimulatedProvider } from '@switchyard/testing';
import OpenAI, { BadRequestError, NotFoundError } from 'openai';
import type { Response, ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { CHAT_MODELS, MATRIX_KEY, MATRIX_SECRETS, type UpstreamFamily, writeMatrixConfig } from './support/matrix-config';
import { upstreamView } from './support/matrix-upstream';
import { type RunningApp, eventually, freePort, startApp, waitForReady } from './support/process-harness';

// The Responses API as a client dialect (issue 17): the official `openai` SDK's responses.create,
// responses.stream, retrieve, delete and input_items against the standalone gateway, served by
// Anthropic and Gemini upstreams of the simulator and by an OpenAI upstream through Chat
// Completions. Each case checks what the SDK read and what the upstream received; stored
// responses live in the gateway's database (PGlite here).

// Start-up (PGlite and its migrations) on a busy shared machine can take well over the default 30 s.
jest.setTimeout(180_000);

const OTHER_KEY = 'sk-test-responses-other-0123456789abcdef01';
const ADMIN = 'responses-admin-token-0123456789abcdef';
const TENANTS = `tenants:
  - id: matrix
    keys:
      - { key: env:MATRIX_KEY, models: ['*'] }
  - id: other
    keys:
      - { key: env:OTHER_KEY, models: ['*'] }
`;
const WEATHER = { type: 'function' as const, name: 'get_weather', description: 'Current weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }, strict: true };
const THOUGHT = 'Let me think this through first.';
const SIGNATURE = 'c2lnLXJlc3BvbnNlcy1yZWFzb25pbmc=';
const CHAT_PATH = /\/chat\/completions$|\/v1\/messages$|:(stream)?generateContent$/i;

describe('Responses API (openai SDK → /v1/responses)', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let client: OpenAI;
  let other: OpenAI;
  let baseUrl: string;

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    const port = await freePort();
    const env = {
      ...MATRIX_SECRETS,
      OTHER_KEY,
      SWITCHYARD_CONFIG: writeMatrixConfig(sim.url, TENANTS),
      SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sy-responses-db-')),
      PORT: String(port),
      HOST: '127.0.0.1',
      SWITCHYARD_ADMIN_TOKEN: ADMIN,
    };
    app = startApp('standalone', env);
    baseUrl = `http://127.0.0.1:${port}`;
    await waitForReady(baseUrl, app, 150_000);
    client = new OpenAI({ apiKey: MATRIX_KEY, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
    other = new OpenAI({ apiKey: OTHER_KEY, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
  });

  beforeEach(() => sim.reset());

  const received = (upstream: SimulatedProvider) => sim.requests.filter((r) => r.provider === upstream && CHAT_PATH.test(r.path));
  const lastView = (upstream: SimulatedProvider) => {
    const all = received(upstream);
    const last = all[all.length - 1];
    if (!last) throw new Error(`the ${upstream} upstream received no chat request`);
    return upstreamView(last);
  };
  const model = (upstream: UpstreamFamily) => CHAT_MODELS[upstream].public;

  // What one request does on every upstream family (JSON, streaming, tools, reasoning, usage,
  // JSON schema, errors) is the translation matrix's Responses rows
  // (translation-matrix.e2e.spec.ts); here what needs the store, per provider family.
  describe.each<UpstreamFamily & SimulatedProvider>(['anthropic', 'gemini', 'openai'])('served by %s', (upstream) => {
    it('creates a response as JSON, with instructions as the system prompt and the usage', async () => {
      const r = await client.responses.create({ model: model(upstream), instructions: 'You are terse.', input: 'Say hello.', store: false });
      expect(r).toMatchObject({ object: 'response', status: 'completed', model: model(upstream), store: false, instructions: 'You are terse.' });
      expect(r.id).toMatch(/^resp_[0-9a-f]{32}$/);
      expect(r.output_text).toBe(DEFAULT_CONTENT);
      expect(r.output).toEqual([expect.objectContaining({ type: 'message', role: 'assistant', status: 'completed' })]);
      expect(r.usage?.input_tokens).toBeGreaterThan(0);
      expect(r.usage?.total_tokens).toBe((r.usage?.input_tokens ?? 0) + (r.usage?.output_tokens ?? 0));
      const v = lastView(upstream);
      expect(v.model).toBe(CHAT_MODELS[upstream].upstream);
      expect(v.system).toBe('You are terse.');
      expect(v.turns).toEqual([expect.objectContaining({ role: 'user', texts: ['Say hello.'] })]);
    });

    it('streams the documented events, and the SDK assembles the final response', async () => {
      const stream = client.responses.stream({ model: model(upstream), input: 'Say hello.' });
      const types: ResponseStreamEvent['type'][] = [];
      let deltas = '';
      for await (const e of stream) {
        types.push(e.type);
        if (e.type === 'response.output_text.delta') deltas += e.delta;
      }
      const final = await stream.finalResponse();
      expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
      expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
      expect(deltas).toBe(DEFAULT_CONTENT);
      expect(final.output).toEqual([expect.objectContaining({ type: 'message', content: [expect.objectContaining({ type: 'output_text', text: DEFAULT_CONTENT })] })]);
      expect(final.status).toBe('completed');
      expect(lastView(upstream).stream).toBe(true);
      // Stored by default: retrievable as it was streamed.
      expect(await client.responses.retrieve(final.id)).toMatchObject({ id: final.id, status: 'completed', output: final.output.map((o) => expect.objectContaining({ id: o.id, type: o.type })) });
    });

    it('continues a stored conversation with previous_response_id', async () => {
      const first = await client.responses.create({ model: model(upstream), instructions: 'Remember names.', input: 'My name is Ada.' });
      const second = await client.responses.create({ model: model(upstream), previous_response_id: first.id, input: 'What is my name?' });
      expect(second.previous_response_id).toBe(first.id);
      expect(second.output_text).toBe(DEFAULT_CONTENT);
      const v = lastView(upstream);
      // Instructions are not carried over (OpenAI's rule); the turns are.
      expect(v.system).toBe('');
      expect(v.turns.map((t) => [t.role, t.texts])).toEqual([
        ['user', ['My name is Ada.']],
        ['assistant', [DEFAULT_CONTENT]],
        ['user', ['What is my name?']],
      ]);
    });

    it('runs a function tool round trip: the call, then its output on the next turn', async () => {
      sim.script({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], match: { provider: upstream } });
      const first = await client.responses.create({ model: model(upstream), input: 'Weather in Paris?', tools: [WEATHER] });
      const call = first.output.find((o) => o.type === 'function_call');
      expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
      if (call?.type !== 'function_call') throw new Error('no function call');
      expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
      expect(lastView(upstream).tools).toEqual(['get_weather']);

      const output: ResponseInputItem = { type: 'function_call_output', call_id: call.call_id, output: 'sunny-22C' };
      const second = await client.responses.create({ model: model(upstream), previous_response_id: first.id, input: [output], tools: [WEATHER] });
      expect(second.output_text).toBe(DEFAULT_CONTENT);
      const v = lastView(upstream);
      expect(v.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'tool']);
      expect(v.turns[1]?.toolCalls).toEqual([expect.objectContaining({ name: 'get_weather', args: { city: 'Paris' } })]);
      // Gemini's functionResponse wraps a text result as {"output": …}.
      expect(v.turns[2]?.toolResults).toEqual([expect.objectContaining({ content: upstream === 'gemini' ? '{"output":"sunny-22C"}' : 'sunny-22C' })]);
    });

    it('streams reasoning and a function call, and replays the signed reasoning from the stored turn', async () => {
      sim.script({ reasoning: THOUGHT, reasoningSignature: SIGNATURE, openAiReasoningField: 'reasoning_content', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], match: { provider: upstream } });
      const stream = client.responses.stream({ model: model(upstream), input: 'Weather in Paris?', tools: [WEATHER], reasoning: { effort: 'low' } });
      const types = new Set<string>();
      for await (const e of stream) types.add(e.type);
      const first = await stream.finalResponse();
      expect([...types]).toEqual(expect.arrayContaining(['response.reasoning_summary_text.delta', 'response.reasoning_summary_text.done', 'response.function_call_arguments.done', 'response.completed']));
      const reasoning = first.output.find((o) => o.type === 'reasoning');
      expect(reasoning).toMatchObject({ summary: [{ type: 'summary_text', text: THOUGHT }] });
      // Not included, so not shown; the stored turn keeps it, and the replay below carries it.
      expect(reasoning).not.toHaveProperty('encrypted_content');
      if (upstream === 'anthropic') expect((await client.responses.retrieve(first.id, { include: ['reasoning.encrypted_content'] })).output).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'reasoning', encrypted_content: SIGNATURE })]));
      const call = first.output.find((o) => o.type === 'function_call');
      if (call?.type !== 'function_call') throw new Error('no function call');
      expect(JSON.parse(call.arguments)).toEqual({ city: 'Paris' });
      expect(lastView(upstream).reasoningOn).toBe(true);

      const second = await client.responses.create({ model: model(upstream), previous_response_id: first.id, input: [{ type: 'function_call_output', call_id: call.call_id, output: 'sunny-22C' }], tools: [WEATHER], reasoning: { effort: 'low' } });
      expect(second.output_text).toBe(DEFAULT_CONTENT);
      const replayed = lastView(upstream).turns[1];
      if (upstream === 'anthropic') expect(replayed?.reasoning).toEqual([{ text: THOUGHT, signature: SIGNATURE }]);
      if (upstream === 'gemini') expect(replayed?.toolCalls.map((t) => t.signature)).toEqual([SIGNATURE]);
      if (upstream === 'openai') expect(replayed?.toolCalls.map((t) => t.name)).toEqual(['get_weather']);
    });
  });

  it('retrieves, lists the input items of, and deletes a stored response, for its own tenant only', async () => {
    const r = await client.responses.create({ model: model('anthropic'), input: [{ role: 'user', content: 'one' }, { role: 'user', content: [{ type: 'input_text', text: 'two' }] }], metadata: { topic: 'numbers' } });
    const got: Response = await client.responses.retrieve(r.id);
    expect(got).toMatchObject({ id: r.id, metadata: { topic: 'numbers' }, output_text: DEFAULT_CONTENT });

    // One item a page: the SDK follows the cursor (`after`) while has_more.
    const newestFirst: { id?: string; type: string; content?: { text?: string }[] }[] = [];
    for await (const item of client.responses.inputItems.list(r.id, { limit: 1 })) newestFirst.push(item as (typeof newestFirst)[number]);
    expect(newestFirst.map((i) => [i.type, i.content?.map((c) => c.text)])).toEqual([
      ['message', ['two']],
      ['message', ['one']],
    ]);
    expect(newestFirst.every((i) => typeof i.id === 'string' && i.id.length > 0)).toBe(true);

    await expect(other.responses.retrieve(r.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.responses.delete(r.id)).rejects.toBeInstanceOf(NotFoundError);
    const foreign = await other.responses.create({ model: model('anthropic'), previous_response_id: r.id, input: 'and?' }).catch((e: unknown) => e);
    expect(foreign).toBeInstanceOf(BadRequestError);
    expect((foreign as BadRequestError).code).toBe('previous_response_not_found');
    // Refused and not billed: the other tenant pays nothing for a conversation it may not read.
    const foreignId = (foreign as BadRequestError).requestID;
    const admin = async <T>(path: string) => (await (await fetch(`${baseUrl}/admin/v1${path}`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as T;
    const row = await eventually(async () => {
      const { rows } = await admin<{ rows: { requestId: string; outcome: string; httpStatus: number }[] }>('/audit/requests?tenant=other&limit=1000');
      const found = rows.find((r) => r.requestId === foreignId);
      if (!found) throw new Error(`no audit row for ${String(foreignId)}`);
      return found;
    }, 30_000, 'the refused request in the audit');
    expect(row).toMatchObject({ outcome: 'refused', httpStatus: 400 });
    expect((await admin<{ rows: unknown[] }>('/usage?tenant=other')).rows).toEqual([]);

    await client.responses.delete(r.id);
    await expect(client.responses.retrieve(r.id)).rejects.toBeInstanceOf(NotFoundError);
    const gone = await client.responses.create({ model: model('anthropic'), previous_response_id: r.id, input: 'and?' }).catch((e: unknown) => e);
    // OpenAI's answer for an id it does not hold: 400, code previous_response_not_found.
    expect(gone).toBeInstanceOf(BadRequestError);
    expect((gone as BadRequestError).param).toBe('previous_response_id');
    expect((gone as BadRequestError).code).toBe('previous_response_not_found');
  });

  it('ends a reply cut by max_output_tokens as incomplete, and stores it so', async () => {
    sim.script({ finishReason: 'length', match: { provider: 'anthropic' } });
    const r = await client.responses.create({ model: model('anthropic'), input: 'Tell a long story.', max_output_tokens: 16 });
    expect(r.status).toBe('incomplete');
    expect(r.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(lastView('anthropic').maxTokens).toBe(16);
    expect(await client.responses.retrieve(r.id)).toMatchObject({ id: r.id, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output_text: DEFAULT_CONTENT });
    // An incomplete answer is continued whole: its cut message is the assistant turn.
    await client.responses.create({ model: model('anthropic'), previous_response_id: r.id, input: 'Go on.' });
    expect(lastView('anthropic').turns.map((t) => [t.role, t.texts])).toEqual([
      ['user', ['Tell a long story.']],
      ['assistant', [DEFAULT_CONTENT]],
      ['user', ['Go on.']],
    ]);
  });

  it('stores a stream that failed after it began as failed with its error; continuing it resends the question, not the broken answer', async () => {
    sim.script({ chunks: 4, error: { status: 500, afterChunks: 2 }, match: { provider: 'anthropic' } });
    const stream = await client.responses.create({ model: model('anthropic'), input: 'My name is Ada.', stream: true });
    const events: ResponseStreamEvent[] = [];
    for await (const e of stream) events.push(e);
    const last = events[events.length - 1];
    if (last?.type !== 'response.failed') throw new Error(`the stream ended with ${String(last?.type)}`);
    expect(last.response.error).toEqual({ code: 'server_error', message: expect.any(String) });

    const stored = await client.responses.retrieve(last.response.id);
    expect(stored).toMatchObject({ id: last.response.id, status: 'failed', error: { code: 'server_error' }, output: [expect.objectContaining({ type: 'message', status: 'in_progress' })] });
    const items = [];
    for await (const item of client.responses.inputItems.list(stored.id)) items.push(item);
    expect(items).toEqual([expect.objectContaining({ type: 'message', role: 'user' })]);

    const next = await client.responses.create({ model: model('anthropic'), previous_response_id: stored.id, input: 'Again, please.' });
    expect(next.status).toBe('completed');
    expect(lastView('anthropic').turns.map((t) => [t.role, t.texts])).toEqual([['user', ['My name is Ada.', 'Again, please.']]]);
  });

  it('answers GET /v1/responses/{id}?stream=true with a 400 naming stream: only background responses stream, and none run here', async () => {
    const r = await client.responses.create({ model: model('gemini'), input: 'Say hello.' });
    const streamed = await client.responses.retrieve(r.id, { stream: true }).catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(BadRequestError);
    expect((streamed as BadRequestError).param).toBe('stream');
    expect((streamed as BadRequestError).message).toMatch(/background/);
    const resumed = await client.responses.retrieve(r.id, { starting_after: 3 }).catch((e: unknown) => e);
    expect((resumed as BadRequestError).param).toBe('starting_after');
    // Without them the stored response is there as it was answered.
    expect(await client.responses.retrieve(r.id)).toMatchObject({ id: r.id, status: 'completed' });
  });

  it('returns log probabilities when include asks for them, and refuses an include value OpenAI does not know', async () => {
    // top_logprobs is in OpenAI's reference, not yet in this SDK version's types.
    const asked = { model: model('openai'), input: 'Say hello.', include: ['message.output_text.logprobs'], top_logprobs: 2, store: false } as OpenAI.Responses.ResponseCreateParamsNonStreaming;
    const r = await client.responses.create(asked);
    const part = r.output.flatMap((o) => (o.type === 'message' ? o.content : []))[0];
    if (part?.type !== 'output_text') throw new Error('no output_text');
    expect(part.logprobs?.map((l) => l.token).join('')).toBe(DEFAULT_CONTENT);
    expect(part.logprobs?.[0]?.top_logprobs).toHaveLength(2);
    expect(lastView('openai').body).toMatchObject({ logprobs: true, top_logprobs: 2 });

    const unknown = await client.responses.create({ model: model('openai'), input: 'x', include: ['message.output_text.everything' as 'message.output_text.logprobs'] }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(BadRequestError);
    expect((unknown as BadRequestError).param).toBe('include[0]');
  });

  it('refuses built-in tools and background runs with a 400 naming the field', async () => {
    const tool = await client.responses.create({ model: model('gemini'), input: 'x', tools: [{ type: 'web_search' }] }).catch((e: unknown) => e);
    expect(tool).toBeInstanceOf(BadRequestError);
    expect((tool as BadRequestError).param).toBe('tools[0].type');
    const background = await client.responses.create({ model: model('gemini'), input: 'x', background: true }).catch((e: unknown) => e);
    expect(background).toBeInstanceOf(BadRequestError);
    // A provider's refusal names the field as the Responses client sent it (text.format, not response_format).
    const jsonMode = await client.responses.create({ model: model('anthropic'), input: 'x', text: { format: { type: 'json_object' } } }).catch((e: unknown) => e);
    expect(jsonMode).toBeInstanceOf(BadRequestError);
    expect((jsonMode as BadRequestError).param).toBe('text.format');
    expect(received('anthropic')).toHaveLength(0);
    expect(received('gemini')).toHaveLength(0);
  });
});
