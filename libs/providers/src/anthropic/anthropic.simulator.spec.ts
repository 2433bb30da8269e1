import { ChatRequest, ErrorKind, FinishReason, ResponseFolder, Role } from '@switchyard/ir';
import { DEFAULT_SIGNATURE, ProviderSimulator } from '@switchyard/testing';
import type { UpstreamHttpRequest } from '../core/provider-adapter.types';
import { SseParser } from '../core/sse-parser';
import { PROVIDERS } from '../registry';

// The adapter against the provider simulator's Anthropic wire (libs/testing), over real HTTP on
// a free port: what the end-to-end tests will exercise, without the gateway around it.
describe('AnthropicAdapter with the provider simulator', () => {
  const sut = PROVIDERS.anthropic;
  let sim: ProviderSimulator;
  const request = (stream: boolean): ChatRequest => ({
    model: 'claude',
    system: [{ part: { $case: 'text', value: { text: 'You are terse.', signature: '' } }, cacheControlJson: '' }],
    messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'Weather in Paris and Oslo?', signature: '' } }, cacheControlJson: '' }], name: '' }],
    tools: [{ name: 'get_weather', parametersJson: '{"type":"object","properties":{"city":{"type":"string"}}}', description: '', strict: false, cacheControlJson: '' }],
    stream,
    includeUsage: false,
    droppedParams: [],
  });
  const send = (http: UpstreamHttpRequest): Promise<Response> => fetch(http.url, { method: 'POST', headers: http.headers, body: http.body });
  const scenario = {
    reasoning: 'Two cities.',
    toolCalls: [
      { id: 'toolu_a', name: 'get_weather', arguments: { city: 'Paris' } },
      { id: 'toolu_b', name: 'get_weather', arguments: { city: 'Oslo' } },
    ],
    usage: { input: 1000, output: 40, cachedInput: 700, cacheWrite: 200 },
  };
  const expected = {
    reasoning: 'Two cities.',
    reasoningSignature: DEFAULT_SIGNATURE,
    toolCalls: [
      { id: 'toolu_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { id: 'toolu_b', name: 'get_weather', arguments: '{"city":"Oslo"}' },
    ],
    finishReason: FinishReason.FINISH_REASON_TOOL_CALLS,
  };

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  it('reads a JSON answer with thinking, parallel tool calls and cache usage', async () => {
    sim.script(scenario);

    const res = await send(sut.buildRequest(request(false), { baseUrl: sim.url, apiKey: 'sk-ant', upstreamModel: 'claude-sonnet-4-6', options: {} }));
    const folder = new ResponseFolder();
    for (const e of sut.parseResponse(await res.json())) folder.add(e);

    expect(sim.requests[0]).toMatchObject({ provider: 'anthropic', path: '/v1/messages', headers: { 'x-api-key': 'sk-ant', 'anthropic-version': '2023-06-01' } });
    expect(folder.value.choices[0]).toMatchObject(expected);
    expect(folder.value.usage).toStrictEqual({ inputTokens: 1000, outputTokens: 40, cachedInputTokens: 700, reasoningTokens: 0, cacheCreationInputTokens: 200 });
  });

  it('reads the same answer streamed', async () => {
    sim.script(scenario);

    const res = await send(sut.buildRequest(request(true), { baseUrl: `${sim.url}/v1`, apiKey: 'sk-ant', upstreamModel: 'claude-sonnet-4-6', options: {} }));
    const parser = sut.createStreamParser();
    const folder = new ResponseFolder();
    for (const e of new SseParser().push(await res.text()).flatMap((sse) => parser.push(sse))) folder.add(e);

    expect(parser.done).toBe(true);
    expect(folder.value.start).toMatchObject({ model: 'claude-sonnet-4-6' });
    expect(folder.value.choices[0]).toMatchObject(expected);
    expect(folder.value.usage).toStrictEqual({ inputTokens: 1000, outputTokens: 40, cachedInputTokens: 700, reasoningTokens: 0, cacheCreationInputTokens: 200 });
  });

  it('maps an overloaded answer to a retryable overload', async () => {
    sim.script({ error: { status: 529, retryAfter: 3 } });

    const res = await send(sut.buildRequest(request(false), { baseUrl: sim.url, apiKey: 'sk-ant', upstreamModel: 'claude-sonnet-4-6', options: {} }));
    const event = sut.mapError(res.status, await res.text(), res.headers.get('retry-after') ?? undefined);

    expect(event).toMatchObject({ kind: ErrorKind.ERROR_KIND_OVERLOADED, providerStatus: 529, retryable: true, retryAfterMs: 3000 });
  });
});
