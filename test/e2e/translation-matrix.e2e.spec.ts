import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONTENT, ProviderSimulator, type RecordedRequest, type SimulatedProvider, type SimulatorScenario } from '@switchyard/testing';
import { type Ask, type ClientAnswer, type ClientDialect, type ClientDriver, type ClientError, type Finish, type ToolSpec, type Turn, driverFor } from './support/matrix-clients';
import { CHAT_MODELS, MATRIX_SECRETS, SIMULATED, type UpstreamFamily, writeMatrixConfig } from './support/matrix-config';
import { type UpstreamView, upstreamView } from './support/matrix-upstream';
import { type RunningApp, freePort, startApp, waitForReady } from './support/process-harness';
import { describeNonChatEndpoints } from './support/matrix-endpoints';

// The translation matrix of issue 3: every client dialect (through its official SDK) against
// every upstream family (the ProviderSimulator), JSON and streaming, one cell per capability.
// Each cell checks both ends: what the SDK received and what the simulator recorded. A cell is
// named `<client>→<upstream> <json|stream>: <capability>`; docs/translation-matrix.md is the
// same table in prose. Cells that cannot exist (a client dialect without the feature) are not
// generated; cells whose correct answer is a 400 assert that 400.
//
// The pairs: the three chat dialects against the three provider families; the Responses
// dialect (issue 17) against every upstream family (Chat Completions, the Responses API,
// Azure, an OpenAI-compatible vendor, Anthropic, Gemini); and the three chat dialects against
// a Responses-API upstream (options.api: responses).

// Start-up (PGlite and its migrations) on a busy shared machine can take well over the default 30 s.
jest.setTimeout(180_000);

const CHAT_CLIENTS: readonly ClientDialect[] = ['openai', 'anthropic', 'gemini'];
const CLIENTS: readonly ClientDialect[] = [...CHAT_CLIENTS, 'responses'];
const PROVIDER_FAMILIES: readonly UpstreamFamily[] = ['openai', 'anthropic', 'gemini'];
const ALL_UPSTREAMS: readonly UpstreamFamily[] = ['openai', 'responses', 'azure', 'compat', 'anthropic', 'gemini'];
const PAIRS: readonly { client: ClientDialect; upstream: UpstreamFamily }[] = [
  ...CHAT_CLIENTS.flatMap((client) => PROVIDER_FAMILIES.map((upstream) => ({ client, upstream }))),
  ...ALL_UPSTREAMS.map((upstream) => ({ client: 'responses' as const, upstream })),
  ...CHAT_CLIENTS.map((client) => ({ client, upstream: 'responses' as const })),
];
/** Upstreams that speak OpenAI's Chat Completions (the OpenAI chat dialect's own family). */
const CHAT_WIRE: ReadonlySet<UpstreamFamily> = new Set(['openai', 'azure', 'compat']);

const WEATHER: ToolSpec = {
  name: 'get_weather',
  description: 'Current weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const CLOCK: ToolSpec = {
  name: 'get_time',
  description: 'Local time in a time zone',
  parameters: { type: 'object', properties: { zone: { type: 'string' }, format: { type: 'object' } }, required: ['zone'] },
};
const CLOCK_ARGS = { zone: 'Europe/Paris', format: { hours: '24h', seconds: true, locale: 'fr-FR' } };
const SIGNATURE = 'c2lnLW1hdHJpeC1yZWFzb25pbmc=';
const THOUGHT = 'Let me think this through first.';
// 1×1 transparent PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';
const IMAGE_URL = 'https://images.example.com/cat.png';
const SCHEMA = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
const DROPPED = 'x-switchyard-dropped-params';

/** Everything a cell needs. */
interface Cell {
  readonly client: ClientDialect;
  readonly upstream: UpstreamFamily;
  readonly stream: boolean;
  readonly driver: ClientDriver;
  readonly sim: ProviderSimulator;
  /** Sends a chat request for the pair's public model. */
  chat(ask: Omit<Ask, 'model' | 'stream'>): Promise<ClientAnswer>;
  /** Sends and expects the SDK to throw; returns the error as the client read it. */
  fail(ask: Omit<Ask, 'model' | 'stream'>): Promise<ClientError>;
  /** Queues a scenario for the pair's upstream. */
  script(scenario: Omit<SimulatorScenario, 'match'>): void;
  /** The chat requests the upstream received, oldest first. */
  received(): RecordedRequest[];
  /** The last chat request the upstream received, read into one shape. */
  lastView(): UpstreamView;
}

interface Capability {
  readonly name: string;
  readonly streamOnly?: boolean;
  /** False when the client dialect cannot express the feature at all (not generated). */
  readonly applies?: (client: ClientDialect, upstream: UpstreamFamily) => boolean;
  run(cell: Cell): Promise<void>;
}

const user = (text: string): Turn => ({ role: 'user', text });
const CHAT_PATH = /\/chat\/completions$|\/responses$|\/v1\/messages$|:(stream)?generateContent$/i;

const CAPABILITIES: readonly Capability[] = [
  {
    name: 'text',
    async run(c) {
      const a = await c.chat({ turns: [user('Say hello.')] });
      expect(a.text).toBe(DEFAULT_CONTENT);
      expect(a.finish).toBe('stop');
      const v = c.lastView();
      expect(v.model).toBe(CHAT_MODELS[c.upstream].upstream);
      expect(v.stream).toBe(c.stream);
      expect(v.turns).toEqual([expect.objectContaining({ role: 'user', texts: ['Say hello.'] })]);
      expect(a.headers.get(DROPPED)).toBeNull();
    },
  },
  {
    name: 'multi-turn',
    async run(c) {
      const a = await c.chat({ turns: [user('My name is Ada.'), { role: 'assistant', text: 'Hello Ada.' }, user('What is my name?')] });
      expect(a.text).toBe(DEFAULT_CONTENT);
      expect(c.lastView().turns.map((t) => [t.role, t.texts])).toEqual([
        ['user', ['My name is Ada.']],
        ['assistant', ['Hello Ada.']],
        ['user', ['What is my name?']],
      ]);
    },
  },
  {
    name: 'system prompt',
    async run(c) {
      const a = await c.chat({ system: 'You are terse.', turns: [user('Hi.')] });
      expect(a.text).toBe(DEFAULT_CONTENT);
      const v = c.lastView();
      expect(v.system).toBe('You are terse.');
      expect(v.turns.map((t) => t.texts)).toEqual([['Hi.']]);
    },
  },
  {
    name: 'tools with tool results',
    async run(c) {
      c.script({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
      const ask = { tools: [WEATHER], turns: [user('Weather in Paris?')] };
      const first = await c.chat(ask);
      expect(first.finish).toBe('tool_calls');
      expect(first.toolCalls).toEqual([expect.objectContaining({ name: 'get_weather', args: { city: 'Paris' } })]);
      expect(first.text).toBe('');
      expect(c.lastView().tools).toEqual(['get_weather']);

      const second = await c.chat({ ...ask, turns: [...ask.turns, { role: 'replay', answer: first }, { role: 'tool', results: [{ call: first.toolCalls[0], content: 'sunny-22C' }] }] });
      expect(second.text).toBe(DEFAULT_CONTENT);
      const v = c.lastView();
      expect(v.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'tool']);
      const [call] = v.turns[1].toolCalls;
      expect(call).toMatchObject({ name: 'get_weather', args: { city: 'Paris' } });
      expect(v.turns[2].toolResults).toHaveLength(1);
      expect(v.turns[2].toolResults[0].content).toContain('sunny-22C');
      pairedWithCall(c.upstream, v.turns[2].toolResults[0], call);
    },
  },
  {
    name: 'parallel tool calls',
    async run(c) {
      c.script({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'get_time', arguments: CLOCK_ARGS }] });
      const ask = { tools: [WEATHER, CLOCK], turns: [user('Weather and time in Paris?')] };
      const first = await c.chat(ask);
      expect(first.finish).toBe('tool_calls');
      expect(first.toolCalls.map((t) => [t.name, t.args])).toEqual([
        ['get_weather', { city: 'Paris' }],
        ['get_time', CLOCK_ARGS],
      ]);
      expect(new Set(first.toolCalls.map((t) => t.id)).size).toBe(2);
      // OpenAI and Anthropic stream arguments in fragments; they must be forwarded as such.
      if (c.stream && c.client !== 'gemini' && c.upstream !== 'gemini') {
        for (const t of first.toolCalls) expect(t.fragments).toBeGreaterThan(1);
      }
      const results = [{ call: first.toolCalls[0], content: 'sunny-22C' }, { call: first.toolCalls[1], content: 'time-14:05' }];
      const second = await c.chat({ ...ask, turns: [...ask.turns, { role: 'replay', answer: first }, { role: 'tool', results }] });
      expect(second.text).toBe(DEFAULT_CONTENT);
      const v = c.lastView();
      expect(v.turns.map((t) => t.role)).toEqual(['user', 'assistant', 'tool']);
      const calls = v.turns[1].toolCalls;
      expect(calls.map((t) => [t.name, t.args])).toEqual([
        ['get_weather', { city: 'Paris' }],
        ['get_time', CLOCK_ARGS],
      ]);
      const got = v.turns[2].toolResults;
      expect(got).toHaveLength(2);
      expect(got[0].content).toContain('sunny-22C');
      expect(got[1].content).toContain('time-14:05');
      pairedWithCall(c.upstream, got[0], calls[0]);
      pairedWithCall(c.upstream, got[1], calls[1]);
    },
  },
  {
    name: 'image by URL',
    async run(c) {
      const a = await c.chat({ turns: [{ role: 'user', text: 'What is this?', image: { url: IMAGE_URL } }] });
      expect(a.text).toBe(DEFAULT_CONTENT);
      const [turn] = c.lastView().turns;
      expect(turn.images).toEqual([{ url: IMAGE_URL }]);
      expect(turn.texts).toEqual(['What is this?']);
    },
  },
  {
    name: 'image as base64',
    async run(c) {
      const a = await c.chat({ turns: [{ role: 'user', text: 'What is this?', image: { base64: PNG, mediaType: 'image/png' } }] });
      expect(a.text).toBe(DEFAULT_CONTENT);
      expect(c.lastView().turns[0].images).toEqual([{ base64: PNG, mediaType: 'image/png' }]);
    },
  },
  {
    name: 'JSON mode',
    // Anthropic's Messages API has no schema-less JSON mode, so its clients cannot ask for one.
    applies: (client) => client !== 'anthropic',
    async run(c) {
      if (c.upstream === 'anthropic') {
        // Expected 400: Anthropic has JSON schemas only; guessing a schema would change the answer.
        const e = await c.fail({ json: { kind: 'object' }, turns: [user('Answer in JSON.')] });
        expect(e.status).toBe(400);
        expect(e.message).toMatch(/response_format|responseMimeType|text\.format/);
        expect(c.received()).toHaveLength(0);
        return;
      }
      c.script({ content: '{"ok":true}' });
      const a = await c.chat({ json: { kind: 'object' }, turns: [user('Answer in JSON.')] });
      expect(JSON.parse(a.text)).toEqual({ ok: true });
      expect(c.lastView().json).toEqual({ kind: 'object' });
    },
  },
  {
    name: 'JSON schema',
    async run(c) {
      c.script({ content: '{"ok":true}' });
      const a = await c.chat({ json: { kind: 'schema', schema: SCHEMA }, turns: [user('Answer in JSON.')] });
      expect(JSON.parse(a.text)).toEqual({ ok: true });
      expect(c.lastView().json).toEqual({ kind: 'schema', schema: SCHEMA });
    },
  },
  {
    name: 'stop sequences',
    // The Responses API has no stop sequences: its clients cannot ask for them.
    applies: (client) => client !== 'responses',
    async run(c) {
      if (c.upstream === 'responses') {
        // Expected 400: a Responses upstream cannot stop at a sequence, and ignoring it changes the answer.
        const e = await c.fail({ stop: ['END'], maxTokens: 64, turns: [user('Count.')] });
        expect(e.status).toBe(400);
        expect(e.message).toMatch(/stop/);
        expect(c.received()).toHaveLength(0);
        return;
      }
      c.script({ content: 'one two', finishReason: 'stop', stopSequence: 'END' });
      const a = await c.chat({ stop: ['END'], maxTokens: 64, turns: [user('Count.')] });
      expect(a.finish).toBe('stop');
      const v = c.lastView();
      expect(v.stop).toEqual(['END']);
      expect(v.maxTokens).toBe(64);
    },
  },
  {
    name: 'reasoning with signatures replayed',
    async run(c) {
      c.script({ reasoning: THOUGHT, reasoningSignature: SIGNATURE, openAiReasoningField: 'reasoning_content', toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
      const ask = { reasoning: true, tools: [WEATHER], turns: [user('Weather in Paris?')] };
      const first = await c.chat(ask);
      expect(first.reasoning).toBe(THOUGHT);
      expect(first.toolCalls.map((t) => [t.name, t.args])).toEqual([['get_weather', { city: 'Paris' }]]);
      expect(c.lastView().reasoningOn).toBe(true);
      // Nothing of the reasoning request was lost, so nothing may be listed as dropped. Known
      // failure, gemini→openai and gemini→anthropic: the header says "generationConfig" (the
      // extension carrying thinkingConfig.includeThoughts) although the budget was honoured and
      // the thoughts are shown; see docs/translation-matrix.md.
      expect({ droppedParams: first.headers.get(DROPPED) }).toEqual({ droppedParams: null });

      const second = await c.chat({ ...ask, turns: [...ask.turns, { role: 'replay', answer: first }, { role: 'tool', results: [{ call: first.toolCalls[0], content: 'sunny-22C' }] }] });
      expect(second.text).toBe(DEFAULT_CONTENT);
      const replayed = c.lastView().turns[1];
      if (c.upstream === 'anthropic') expect(replayed.reasoning).toEqual([{ text: THOUGHT, signature: SIGNATURE }]);
      if (c.upstream === 'gemini') expect(replayed.toolCalls.map((t) => t.signature)).toEqual([SIGNATURE]);
      if (CHAT_WIRE.has(c.upstream)) expect(replayed.toolCalls.map((t) => t.name)).toEqual(['get_weather']);
      // A reasoning item goes back to a Responses upstream only with its id and encrypted
      // content, which only a Responses client carries; others' reasoning is dropped and listed.
      if (c.upstream === 'responses') {
        expect(replayed.toolCalls.map((t) => t.name)).toEqual(['get_weather']);
        expect(replayed.reasoning).toEqual(c.client === 'responses' ? [{ text: THOUGHT, signature: SIGNATURE }] : []);
      }
    },
  },
  {
    name: 'usage incl. cached and reasoning tokens',
    async run(c) {
      c.script({ usage: { input: 100, output: 40, cachedInput: 30, reasoning: 10 } });
      const a = await c.chat({ turns: [user('Hi.')] });
      // Anthropic does not report thinking tokens apart; the other two do, and every dialect can say so.
      expect(a.usage).toEqual({ input: 100, output: 40, cached: 30, reasoning: c.upstream === 'anthropic' ? 0 : 10 });
    },
  },
  {
    name: 'finish reasons',
    async run(c) {
      const seen: Record<string, string> = {};
      for (const reason of ['stop', 'length', 'tool_calls', 'content_filter'] as const satisfies readonly Finish[]) {
        c.script(reason === 'tool_calls' ? { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] } : { finishReason: reason });
        seen[reason] = (await c.chat({ tools: [WEATHER], turns: [user('Go.')] })).finish;
      }
      expect(seen).toEqual({ stop: 'stop', length: 'length', tool_calls: 'tool_calls', content_filter: 'content_filter' });
    },
  },
  {
    name: 'upstream 429 stays 429 with retry-after',
    async run(c) {
      c.script({ error: { status: 429, retryAfter: 7 } });
      const e = await c.fail({ turns: [user('Hi.')] });
      const type = { openai: 'rate_limit_error', responses: 'rate_limit_error', anthropic: 'rate_limit_error', gemini: 'RESOURCE_EXHAUSTED' }[c.client];
      expect({ status: e.status, type: e.type, retryAfter: c.driver.lastHeaders()?.get('retry-after') }).toEqual({ status: 429, type, retryAfter: '7' });
    },
  },
  {
    name: 'upstream overloaded',
    async run(c) {
      // Anthropic says 529 overloaded_error; the others say 503.
      c.script({ error: { status: c.upstream === 'anthropic' ? 529 : 503 } });
      const e = await c.fail({ turns: [user('Hi.')] });
      const expected = { openai: { status: 503, type: 'api_error' }, responses: { status: 503, type: 'api_error' }, anthropic: { status: 529, type: 'overloaded_error' }, gemini: { status: 503, type: 'UNAVAILABLE' } }[c.client];
      expect({ status: e.status, type: e.type }).toEqual(expected);
    },
  },
  {
    name: 'harmless field the upstream cannot express is dropped and listed',
    async run(c) {
      const { extra, key, sent } = HARMLESS[c.client];
      const a = await c.chat({ extra, turns: [user('Hi.')] });
      expect(a.text).toBe(DEFAULT_CONTENT);
      const body = c.lastView().body;
      if (sameFamily(c.client, c.upstream)) {
        // Same family: the field reaches the upstream as sent, nothing is dropped.
        expect({ forwarded: body[sent], dropped: a.headers.get(DROPPED) }).toEqual({ forwarded: extra[key], dropped: null });
      } else {
        expect({ forwarded: body[sent] ?? body[snake(sent)], dropped: a.headers.get(DROPPED) }).toEqual({ forwarded: undefined, dropped: expect.stringMatching(new RegExp(`${key}|${snake(key)}`)) });
      }
    },
  },
  {
    name: 'answer-changing field the upstream cannot express is a 400 naming it',
    // Logprobs: Anthropic has none. Anthropic clients cannot ask for them.
    applies: (client) => client !== 'anthropic',
    async run(c) {
      const extra = { openai: { logprobs: true }, responses: { include: ['message.output_text.logprobs'], top_logprobs: 2 }, gemini: { responseLogprobs: true }, anthropic: {} }[c.client];
      if (c.upstream === 'anthropic') {
        const e = await c.fail({ extra, turns: [user('Hi.')] });
        expect(e.status).toBe(400);
        expect(e.message).toMatch(/logprobs/i);
        expect(c.received()).toHaveLength(0);
        return;
      }
      await c.chat({ extra, turns: [user('Hi.')] });
      const body = c.lastView().body;
      if (CHAT_WIRE.has(c.upstream)) expect(body['logprobs']).toBe(true);
      else if (c.upstream === 'responses') expect(body['include']).toContain('message.output_text.logprobs');
      else expect((body['generationConfig'] as Record<string, unknown>)['responseLogprobs']).toBe(true);
    },
  },
  {
    name: 'failure after the first byte ends the stream with the dialect error event',
    streamOnly: true,
    async run(c) {
      c.script({ chunks: 4, error: { status: 500, afterChunks: 2 } });
      let deltas = 0;
      const e = await c.fail({ turns: [user('Hi.')], onDelta: () => deltas++ });
      expect(deltas).toBeGreaterThan(0);
      // A typed error event of the dialect, not a dropped connection.
      expect(e.type).toEqual(expect.any(String));
    },
  },
  {
    name: 'client abort mid-stream aborts the upstream request',
    streamOnly: true,
    async run(c) {
      c.script({ chunks: 20, chunkDelayMs: 100 });
      const abort = new AbortController();
      // On abort the openai SDK ends the iteration quietly; the other two throw.
      const ended = await c.chat({ turns: [user('Tell me a long story.')], signal: abort.signal, onDelta: () => abort.abort() }).then(
        (a) => a.finish,
        () => 'thrown',
      );
      expect(['', 'thrown']).toContain(ended);
      const provider = SIMULATED[c.upstream];
      const aborted = await c.sim.waitFor((r) => r.provider === provider && r.aborted, 5_000);
      expect(aborted.completed).toBe(false);
    },
  },
  {
    name: 'malformed upstream stream line ends the stream with an error',
    streamOnly: true,
    async run(c) {
      c.script({ chunks: 4, garbageAfterChunks: 2 });
      let deltas = 0;
      const e = await c.fail({ turns: [user('Hi.')], onDelta: () => deltas++ });
      expect(deltas).toBeGreaterThan(0);
      expect(e.type).toEqual(expect.any(String));
    },
  },
];

/**
 * Per client dialect: a harmless field only its own family understands, and where it goes. Each
 * is one the family's passthrough policy forwards by default (libs/providers *.passthrough.ts).
 */
const HARMLESS: Record<ClientDialect, { extra: Record<string, unknown>; key: string; sent: string }> = {
  openai: { extra: { logit_bias: { '50256': -100 } }, key: 'logit_bias', sent: 'logit_bias' },
  responses: { extra: { prompt_cache_key: 'matrix-cache' }, key: 'prompt_cache_key', sent: 'prompt_cache_key' },
  anthropic: { extra: { cache_control: { type: 'ephemeral' } }, key: 'cache_control', sent: 'cache_control' },
  gemini: { extra: { safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }] }, key: 'safetySettings', sent: 'safetySettings' },
};

/** The client's own wire family: its unmodelled fields may pass through to it. */
function sameFamily(client: ClientDialect, upstream: UpstreamFamily): boolean {
  if (client === 'openai') return CHAT_WIRE.has(upstream);
  return client === upstream;
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
}

/** A tool result names its call: by id where the upstream has ids, by name on Gemini. */
function pairedWithCall(upstream: UpstreamFamily, result: { id: string | undefined; name: string | undefined }, call: { id: string | undefined; name: string }): void {
  if (upstream === 'gemini') {
    expect(result.name).toBe(call.name);
    expect(result.id).toBe(call.id);
  } else {
    expect(call.id).toEqual(expect.any(String));
    expect(result.id).toBe(call.id);
  }
}

describe('translation matrix', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let baseUrl = '';
  const drivers = new Map<ClientDialect, ClientDriver>();

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    const port = await freePort();
    const env = { ...MATRIX_SECRETS, SWITCHYARD_CONFIG: writeMatrixConfig(sim.url), SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sy-matrix-db-')), PORT: String(port), HOST: '127.0.0.1' };
    app = startApp('standalone', env);
    baseUrl = `http://127.0.0.1:${port}`;
    await waitForReady(baseUrl, app, 150_000);
    for (const d of CLIENTS) drivers.set(d, driverFor(d, baseUrl));
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
  });

  beforeEach(() => sim.reset());

  const cellOf = (client: ClientDialect, upstream: UpstreamFamily, stream: boolean): Cell => {
    const driver = drivers.get(client) as ClientDriver;
    const model = CHAT_MODELS[upstream].public;
    const provider: SimulatedProvider = SIMULATED[upstream];
    // Four families are the simulator's openai provider: the deployment's model tells them apart.
    const upstreamModel = CHAT_MODELS[upstream].upstream;
    const received = () => sim.requests.filter((r) => r.provider === provider && CHAT_PATH.test(r.path) && upstreamView(r).model === upstreamModel);
    return {
      client,
      upstream,
      stream,
      driver,
      sim,
      chat: (ask) => driver.chat({ ...ask, model, stream }),
      async fail(ask) {
        let answer: ClientAnswer;
        try {
          answer = await driver.chat({ ...ask, model, stream });
        } catch (err) {
          return driver.errorOf(err);
        }
        throw new Error(`expected the ${client} SDK to raise an error, it got ${JSON.stringify({ text: answer.text, finish: answer.finish })}`);
      },
      script: (scenario) => sim.script({ ...scenario, match: { provider, model: upstreamModel } }),
      received,
      lastView() {
        const all = received();
        const last = all[all.length - 1];
        if (!last) throw new Error(`the ${upstream} upstream received no chat request`);
        return upstreamView(last);
      },
    };
  };

  const pairs = PAIRS.flatMap(({ client, upstream }) => [false, true].map((stream) => ({ client, upstream, stream })));
  describe.each(pairs)('$client→$upstream', ({ client, upstream, stream }) => {
    describe(`${stream ? 'stream' : 'json'}:`, () => {
      for (const cap of CAPABILITIES) {
        if (cap.streamOnly && !stream) continue;
        if (cap.applies && !cap.applies(client, upstream)) continue;
        it(cap.name, () => cap.run(cellOf(client, upstream, stream)));
      }
    });
  });

  describeNonChatEndpoints(() => ({ baseUrl, sim }));
});
