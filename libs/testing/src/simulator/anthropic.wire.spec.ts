import Anthropic from '@anthropic-ai/sdk';
import { ProviderSimulator } from './provider-simulator';
import { DEFAULT_CONTENT, DEFAULT_SIGNATURE } from './simulated-turn';

describe('Anthropic wire', () => {
  let sim: ProviderSimulator;
  let client: Anthropic;
  const request = {
    model: 'claude-sonnet-4-6',
    max_tokens: 256,
    system: 'You are terse.',
    messages: [{ role: 'user' as const, content: 'What is the weather in Paris?' }],
  };

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    client = new Anthropic({ baseURL: sim.url, apiKey: 'x', maxRetries: 0 });
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  it('answers a message the SDK parses, echoing the requested model', async () => {
    const message = await client.messages.create(request);

    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-6',
      content: [{ type: 'text', text: DEFAULT_CONTENT }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 11, output_tokens: 4, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    });
    expect(message.id).toMatch(/^msg_/);
  });

  it('reports cache reads and writes outside input_tokens', async () => {
    sim.script({ usage: { input: 1000, output: 10, cachedInput: 700, cacheWrite: 200 } });

    const { usage } = await client.messages.create(request);

    expect(usage).toMatchObject({ input_tokens: 100, cache_read_input_tokens: 700, cache_creation_input_tokens: 200, output_tokens: 10 });
  });

  it('returns thinking and tool_use blocks with stop_reason tool_use', async () => {
    sim.script({ reasoning: 'Need the weather tool.', toolCalls: [{ id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris' } }] });

    const message = await client.messages.create(request);

    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Need the weather tool.', signature: DEFAULT_SIGNATURE },
      { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' }, caller: { type: 'direct' } },
    ]);
  });

  it('maps max_tokens, refusal and stop_sequence stop reasons', async () => {
    sim.script({ finishReason: 'length' });
    sim.script({ finishReason: 'content_filter' });
    sim.script({ stopSequence: '###' });

    const reasons = [];
    for (let i = 0; i < 3; i++) {
      const { stop_reason, stop_sequence } = await client.messages.create(request);
      reasons.push([stop_reason, stop_sequence]);
    }

    expect(reasons).toEqual([['max_tokens', null], ['refusal', null], ['stop_sequence', '###']]);
  });

  it('streams the documented event sequence', async () => {
    sim.script({ content: 'a b', chunks: 2 });

    const stream = await client.messages.create({ ...request, stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type === 'content_block_delta' ? event.delta.type : event.type);

    expect(types).toEqual([
      'message_start',
      'content_block_start',
      'text_delta',
      'text_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const raw = await (await fetch(`${sim.url}/v1/messages`, { method: 'POST', body: JSON.stringify({ ...request, stream: true }) })).text();
    expect(raw).toContain('event: ping\ndata: {"type":"ping"}\n\n');
  });

  it('streams thinking, text and tool input that the SDK stream helper assembles', async () => {
    sim.script({
      reasoning: 'The user wants weather, so call the tool.',
      content: 'Checking the weather.',
      toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } }],
      usage: { input: 50, output: 40, cachedInput: 10 },
    });

    const message = await client.messages.stream(request).finalMessage();

    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toMatchObject([
      { type: 'thinking', thinking: 'The user wants weather, so call the tool.', signature: DEFAULT_SIGNATURE },
      { type: 'text', text: 'Checking the weather.' },
      { type: 'tool_use', name: 'get_weather', input: { city: 'Paris', unit: 'celsius' } },
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 40, cache_read_input_tokens: 10, output_tokens: 40 });
  });

  it('fails with the typed SDK error, error type, retry-after and request id', async () => {
    sim.script({ error: { status: 529, retryAfter: 3 } });

    const error = await client.messages.create(request).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBe(529);
    expect(apiError.type).toBe('overloaded_error');
    expect(apiError.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' }, request_id: apiError.requestID });
    expect(apiError.headers?.get('retry-after')).toBe('3');
  });

  it('fails with NotFoundError on 404 and RateLimitError on 429', async () => {
    sim.script({ error: { status: 404 } });
    sim.script({ error: { status: 429 } });

    await expect(client.messages.create(request)).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    await expect(client.messages.create(request)).rejects.toMatchObject({ status: 429, type: 'rate_limit_error' });
  });

  it('surfaces a mid-stream event: error as an SDK APIError', async () => {
    sim.script({ error: { status: 529, message: 'Overloaded', afterChunks: 1 } });

    const stream = client.messages.stream(request);

    await expect(stream.finalMessage()).rejects.toMatchObject({ type: 'overloaded_error', message: expect.stringContaining('Overloaded') });
  });

  it('makes the SDK stream fail when the connection is cut', async () => {
    sim.script({ cutAfterChunks: 2 });

    await expect(client.messages.stream(request).finalMessage()).rejects.toThrow('terminated');
  });

  it('makes the SDK stream fail on a malformed event', async () => {
    sim.script({ garbageAfterChunks: 0 });
    const quiet = new Anthropic({ baseURL: sim.url, apiKey: 'x', maxRetries: 0, logLevel: 'off' });

    await expect(quiet.messages.stream(request).finalMessage()).rejects.toThrow('JSON');
  });

  it('lists models when asked with the anthropic-version header', async () => {
    const page = await client.models.list();

    expect(page.data[0]).toMatchObject({ type: 'model', id: 'claude-sonnet-4-6' });
  });

  it('streams a redacted_thinking block whole, before thinking with its signature and parallel tool uses', async () => {
    sim.script({
      redactedReasoning: 'EmwKAhgBEgy3va3pzix',
      reasoning: 'Two tools at once.',
      reasoningSignature: 'sig-9',
      toolCalls: [
        { id: 'toolu_a', name: 'get_weather', arguments: { city: 'Paris' } },
        { id: 'toolu_b', name: 'get_time', arguments: { zone: 'CET' } },
      ],
    });

    const events = [];
    for await (const event of await client.messages.create({ ...request, stream: true })) events.push(event);

    const starts = events.flatMap((e) => (e.type === 'content_block_start' ? [e.content_block.type] : []));
    const deltas = events.flatMap((e) => (e.type === 'content_block_delta' ? [[e.index, e.delta.type]] : []));
    expect(starts).toEqual(['redacted_thinking', 'thinking', 'tool_use', 'tool_use']);
    expect(events[1]).toMatchObject({ type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' } });
    expect(deltas).toContainEqual([1, 'signature_delta']);
    expect(deltas.filter(([, type]) => type === 'input_json_delta').map(([index]) => index)).toEqual([2, 2, 2, 3, 3, 3]);
  });

  it('sends a raw stop reason verbatim and answers a blocked prompt with an empty refusal', async () => {
    sim.script({ rawFinishReason: 'pause_turn' });
    sim.script({ promptBlocked: true });

    const paused = await client.messages.create(request);
    const blocked = await client.messages.create(request);

    expect(paused.stop_reason).toBe('pause_turn');
    expect(blocked).toMatchObject({ stop_reason: 'refusal', content: [] });
  });

  it('refuses an OpenAI-shaped request with the typed 400 the SDK raises', async () => {
    const error = await client.messages.create({ ...request, stop: ['\n'] } as never).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'stop: Extra inputs are not permitted' },
      request_id: expect.stringMatching(/^req_sim/),
    });
  });
});
