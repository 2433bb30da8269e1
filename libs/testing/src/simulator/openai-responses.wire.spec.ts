import OpenAI from 'openai';
import { ProviderSimulator } from './provider-simulator';
import { DEFAULT_CONTENT, DEFAULT_SIGNATURE } from './simulated-turn';

/** The raw SSE of one streamed Responses call, as [event name, parsed data] pairs. */
async function rawStream(sim: ProviderSimulator, body: object): Promise<[string, Record<string, unknown>][]> {
  const response = await fetch(`${sim.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
    body: JSON.stringify({ model: 'o4-mini', input: 'Weather in Paris?', stream: true, ...body }),
  });
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return [String(eventLine).replace(/^event: /, ''), JSON.parse(String(dataLine).replace(/^data: /, '')) as Record<string, unknown>];
    });
}

describe('OpenAI Responses wire', () => {
  let sim: ProviderSimulator;
  let client: OpenAI;

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  it('answers a Response the SDK parses, with output_text, usage details and the request echoed', async () => {
    sim.script({ usage: { input: 100, output: 30, cachedInput: 60, reasoning: 20 } });

    const response = await client.responses.create({ model: 'gpt-4.1', instructions: 'Be brief.', input: 'Hi', max_output_tokens: 64, store: false });

    expect(response).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'gpt-4.1',
      instructions: 'Be brief.',
      max_output_tokens: 64,
      store: false,
      incomplete_details: null,
      error: null,
      output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: DEFAULT_CONTENT, annotations: [] }] }],
      usage: { input_tokens: 100, input_tokens_details: { cached_tokens: 60 }, output_tokens: 30, output_tokens_details: { reasoning_tokens: 20 }, total_tokens: 130 },
    });
    expect(response.output_text).toBe(DEFAULT_CONTENT);
    expect(response.id).toMatch(/^resp_/);
    expect(sim.requests[0]).toMatchObject({ provider: 'openai', path: '/v1/responses' });
  });

  it('returns function_call items with call ids and JSON-string arguments, after the text', async () => {
    sim.script({ content: 'Checking.', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'get_time', arguments: {} }] });

    const { output, status } = await client.responses.create({ model: 'gpt-4.1', input: 'Weather and time in Paris?' });

    expect(status).toBe('completed');
    expect(output.map((item) => item.type)).toEqual(['message', 'function_call', 'function_call']);
    expect(output[1]).toMatchObject({ type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' });
    expect(output[2]).toMatchObject({ call_id: expect.stringMatching(/^call_/), name: 'get_time', arguments: '{}' });
    expect(output[1]?.id).toMatch(/^fc_/);
  });

  it('puts reasoning first, with its summary and encrypted content only when asked for', async () => {
    sim.script({ reasoning: 'The user wants the weather.' });
    sim.script({ reasoning: 'The user wants the weather.' });

    const plain = await client.responses.create({ model: 'o4-mini', input: 'Weather?', reasoning: { effort: 'low' } });
    const asked = await client.responses.create({ model: 'o4-mini', input: 'Weather?', reasoning: { effort: 'low', summary: 'auto' }, include: ['reasoning.encrypted_content'] });

    expect(plain.output[0]).toStrictEqual({ id: expect.stringMatching(/^rs_/), type: 'reasoning', summary: [] });
    expect(asked.output[0]).toStrictEqual({
      id: expect.stringMatching(/^rs_/),
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: 'The user wants the weather.' }],
      encrypted_content: DEFAULT_SIGNATURE,
    });
    expect(asked.output[1]).toMatchObject({ type: 'message' });
  });

  it.each([
    ['length', 'max_output_tokens'],
    ['content_filter', 'content_filter'],
  ] as const)('ends a %s turn incomplete, with incomplete_details.reason %s', async (finishReason, reason) => {
    sim.script({ finishReason });

    const response = await client.responses.create({ model: 'gpt-4.1', input: 'Tell me everything.' });

    expect(response).toMatchObject({ status: 'incomplete', incomplete_details: { reason }, output: [{ type: 'message', status: 'incomplete' }] });
  });

  it('streams the documented event sequence, numbered from 0, named as its type, ending in response.completed', async () => {
    sim.script({ content: 'Sunny and mild.', chunks: 2, reasoning: 'Look it up.', toolCalls: [{ id: 'call_9', name: 'get_weather', arguments: { city: 'Paris' } }] });

    const events = await rawStream(sim, { reasoning: { effort: 'low', summary: 'auto' }, include: ['reasoning.encrypted_content'] });

    expect(events.map(([name]) => name)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    events.forEach(([name, data], i) => expect(data).toMatchObject({ type: name, sequence_number: i }));
    expect(events[0]?.[1]).toMatchObject({ response: { status: 'in_progress', output: [], usage: null } });
    expect(events[8]?.[1]).toMatchObject({ output_index: 0, item: { type: 'reasoning', encrypted_content: DEFAULT_SIGNATURE } });
    expect(events[11]?.[1]).toMatchObject({ output_index: 1, content_index: 0, delta: 'Sunny ', logprobs: [], obfuscation: expect.any(String) });
    expect(events[16]?.[1]).toMatchObject({ output_index: 2, item: { type: 'function_call', call_id: 'call_9', name: 'get_weather', arguments: '', status: 'in_progress' } });
    expect(events[20]?.[1]).toMatchObject({ output_index: 2, arguments: '{"city":"Paris"}', name: 'get_weather' });
    expect(events[22]?.[1]).toMatchObject({ response: { status: 'completed', output: [{ type: 'reasoning' }, { type: 'message' }, { type: 'function_call' }], usage: { total_tokens: expect.any(Number) } } });
  });

  it('leaves out the obfuscation filler when stream_options.include_obfuscation is false', async () => {
    const events = await rawStream(sim, { stream_options: { include_obfuscation: false } });

    const deltas = events.filter(([name]) => name === 'response.output_text.delta');
    expect(deltas.length).toBeGreaterThan(0);
    for (const [, data] of deltas) expect(data).not.toHaveProperty('obfuscation');
  });

  it('streams a max_output_tokens stop as response.incomplete through the SDK stream helper', async () => {
    sim.script({ finishReason: 'length', content: 'one two three' });

    const deltas: string[] = [];
    let last: unknown;
    for await (const event of client.responses.stream({ model: 'gpt-4.1', input: 'Count.' })) {
      if (event.type === 'response.output_text.delta') deltas.push(event.delta);
      last = event;
    }

    expect(deltas.join('')).toBe('one two three');
    expect(last).toMatchObject({ type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } });
  });

  it('streams a tool call the SDK stream helper assembles into its final Response', async () => {
    sim.script({ content: 'Checking.', reasoning: 'Use the tool.', toolCalls: [{ id: 'call_7', name: 'get_weather', arguments: { city: 'Oslo' } }] });

    const final = await client.responses.stream({ model: 'o4-mini', input: 'Weather in Oslo?', reasoning: { effort: 'low', summary: 'auto' } }).finalResponse();

    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
    expect(final.output[1]).toMatchObject({ type: 'message', content: [{ type: 'output_text', text: 'Checking.' }] });
    expect(final.output[2]).toMatchObject({ call_id: 'call_7', arguments: '{"city":"Oslo"}', status: 'completed' });
  });

  it('sends an in-stream failure as an error event numbered after the events before it', async () => {
    sim.script({ error: { status: 500, message: 'upstream exploded', afterChunks: 1 } });

    const events = await rawStream(sim, {});

    const [name, data] = events.at(-1) as [string, Record<string, unknown>];
    expect(name).toBe('error');
    expect(data).toStrictEqual({ type: 'error', code: 'server_error', message: 'upstream exploded', param: null, sequence_number: events.length - 1 });
    expect(events.map(([n]) => n)).not.toContain('response.completed');
  });

  it('fails with the OpenAI error body and a typed SDK error', async () => {
    sim.script({ error: { status: 429, retryAfter: 3 } });

    const error = await client.responses.create({ model: 'gpt-4.1', input: 'Hi' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
  });

  it('refuses a Chat Completions body with the API 400, consuming no scenario', async () => {
    sim.script({ content: 'never sent' });

    const error = await client.responses.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] } as never).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'messages', code: 'unknown_parameter' });
    expect(sim.pendingScenarios).toBe(1);
  });

  it('serves Azure: the v1 path, and the preview path only with an api-version', async () => {
    const post = (path: string) =>
      fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'api-key': 'x' }, body: JSON.stringify({ model: 'my-deployment', input: 'Hi' }) });

    const v1 = await post('/openai/v1/responses');
    const preview = await post('/openai/responses?api-version=2025-04-01-preview');
    const unversioned = await post('/openai/responses');

    expect([v1.status, preview.status, unversioned.status]).toEqual([200, 200, 404]);
    expect(await v1.json()).toMatchObject({ object: 'response', model: 'my-deployment' });
  });

  it('cuts a stream mid-way like the other wires', async () => {
    sim.script({ cutAfterChunks: 1 });

    const stream = await client.responses.create({ model: 'gpt-4.1', input: 'Hi', stream: true });
    const consume = async (): Promise<void> => {
      for await (const event of stream) void event;
    };

    await expect(consume()).rejects.toThrow();
  });
});
