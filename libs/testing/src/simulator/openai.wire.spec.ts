import OpenAI from 'openai';
import { ProviderSimulator } from './provider-simulator';
import { DEFAULT_CONTENT } from './simulated-turn';

describe('OpenAI wire', () => {
  let sim: ProviderSimulator;
  let client: OpenAI;
  const messages = [{ role: 'user' as const, content: 'What is the weather in Paris today?' }];

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  it('answers a chat completion the SDK parses, echoing the requested model', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });

    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: DEFAULT_CONTENT, refusal: null } }],
      usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
    });
    expect(completion.id).toMatch(/^chatcmpl-/);
  });

  it('reports cached and reasoning tokens in the usage details', async () => {
    sim.script({ usage: { input: 100, output: 30, cachedInput: 60, reasoning: 20 } });

    const { usage } = await client.chat.completions.create({ model: 'o4-mini', messages });

    expect(usage).toMatchObject({
      prompt_tokens: 100,
      completion_tokens: 30,
      total_tokens: 130,
      prompt_tokens_details: { cached_tokens: 60 },
      completion_tokens_details: { reasoning_tokens: 20 },
    });
  });

  it('returns tool calls with JSON-string arguments and finish_reason tool_calls', async () => {
    sim.script({ toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] });

    const { choices } = await client.chat.completions.create({ model: 'gpt-4o', messages });

    expect(choices[0].finish_reason).toBe('tool_calls');
    expect(choices[0].message.content).toBeNull();
    expect(choices[0].message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
  });

  it('streams chunks that reassemble the content, then a usage chunk and [DONE]', async () => {
    sim.script({ content: 'one two three four five six', chunks: 3 });

    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('one two three four five six');
    expect(chunks.filter((c) => c.choices[0]?.delta.content)).toHaveLength(3);
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ object: 'chat.completion.chunk', choices: [], usage: { completion_tokens: 6 } });
  });

  it('streams tool-call fragments the SDK stream helper assembles', async () => {
    sim.script({
      content: 'Let me check.',
      toolCalls: [
        { name: 'get_weather', arguments: { city: 'Paris' } },
        { name: 'get_time', arguments: { zone: 'Europe/Paris' } },
      ],
    });

    const final = await client.chat.completions.stream({ model: 'gpt-4o', messages }).finalChatCompletion();

    const message = final.choices[0].message;
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(message.content).toBe('Let me check.');
    expect(message.tool_calls?.map((call) => call.type === 'function' && [call.function.name, JSON.parse(call.function.arguments)])).toEqual([
      ['get_weather', { city: 'Paris' }],
      ['get_time', { zone: 'Europe/Paris' }],
    ]);
    expect(message.tool_calls?.[0].id).toMatch(/^call_/);
  });

  it('maps finish reasons length and content_filter', async () => {
    sim.script({ finishReason: 'length' });
    sim.script({ finishReason: 'content_filter' });

    const first = await client.chat.completions.create({ model: 'gpt-4o', messages });
    const second = await client.chat.completions.create({ model: 'gpt-4o', messages });

    expect([first.choices[0].finish_reason, second.choices[0].finish_reason]).toEqual(['length', 'content_filter']);
  });

  it('serves the Azure deployment path, taking the model from the deployment', async () => {
    const response = await fetch(`${sim.url}/openai/deployments/my-gpt/chat/completions?api-version=2024-10-21`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'api-key': 'x' },
      body: JSON.stringify({ messages }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ model: 'my-gpt' });
    expect(sim.requests[0]).toMatchObject({ provider: 'openai', query: { 'api-version': '2024-10-21' } });
  });

  it('lists models', async () => {
    const page = await client.models.list();

    expect(page.data.map((model) => model.id)).toContain('gpt-4o-mini');
    expect(page.data[0]).toMatchObject({ object: 'model', owned_by: 'system' });
  });

  it('fails with a typed SDK error, retry-after header and request id', async () => {
    sim.script({ error: { status: 429, retryAfter: 7 } });

    const error = await client.chat.completions.create({ model: 'gpt-4o', messages }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit).toMatchObject({ status: 429, type: 'requests', code: 'rate_limit_exceeded' });
    expect(rateLimit.headers.get('retry-after')).toBe('7');
    expect(rateLimit.requestID).toMatch(/^req_sim/);
  });

  it('fails with an authentication error on 401', async () => {
    sim.script({ error: { status: 401 } });

    await expect(client.chat.completions.create({ model: 'gpt-4o', messages })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('surfaces an in-stream error as an SDK APIError', async () => {
    sim.script({ error: { status: 500, message: 'upstream exploded', afterChunks: 2 } });

    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
    const seen: string[] = [];
    const consume = async (): Promise<void> => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    };

    await expect(consume()).rejects.toThrow('upstream exploded');
    expect(seen.join('')).toBe('Hello from ');
  });

  it('makes the SDK stream fail when the connection is cut', async () => {
    sim.script({ cutAfterChunks: 1 });

    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
    const seen: string[] = [];
    const consume = async (): Promise<void> => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    };

    await expect(consume()).rejects.toThrow('terminated');
    expect(seen.join('')).toBe('Hello ');
  });

  it('makes the SDK stream fail on a malformed event', async () => {
    sim.script({ garbageAfterChunks: 1 });
    const quiet = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0, logLevel: 'off' });

    const stream = await quiet.chat.completions.create({ model: 'gpt-4o', messages, stream: true });
    const consume = async (): Promise<void> => {
      for await (const _ of stream) {
        // drain
      }
    };

    await expect(consume()).rejects.toThrow(SyntaxError);
  });

  it('sends reasoning as reasoning_content, first and with content null, like DeepSeek', async () => {
    sim.script({ reasoning: 'Compare the numbers.', content: '9.9 is larger.', openAiReasoningField: 'reasoning_content', chunks: 2 });
    sim.script({ reasoning: 'Compare the numbers.', openAiReasoningField: 'reasoning_content' });

    const raw = await (
      await fetch(`${sim.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'deepseek-reasoner', messages, stream: true }) })
    ).text();
    const deltas = raw
      .split('\n\n')
      .filter((event) => event.startsWith('data: {'))
      .map((event) => (JSON.parse(event.slice(6)) as { choices: [{ delta: object }] }).choices[0].delta);
    const { choices } = await client.chat.completions.create({ model: 'deepseek-reasoner', messages });

    expect(deltas).toEqual([
      { role: 'assistant', content: null, reasoning_content: '' },
      { content: null, reasoning_content: 'Compare ' },
      { content: null, reasoning_content: 'the numbers.' },
      { content: '9.9 ' },
      { content: 'is larger.' },
      {},
    ]);
    expect(choices[0].message).toMatchObject({ content: 'Hello from the simulator.', reasoning_content: 'Compare the numbers.' });
  });

  it('returns logprobs when asked, per token and per streamed delta', async () => {
    sim.script({ content: 'Hi there' });
    sim.script({ content: 'Hi there', chunks: 2 });

    const { choices } = await client.chat.completions.create({ model: 'gpt-4o', messages, logprobs: true, top_logprobs: 2 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages, logprobs: true, stream: true });
    const streamed: string[] = [];
    for await (const chunk of stream) streamed.push(...(chunk.choices[0]?.logprobs?.content ?? []).map((entry) => entry.token));

    const content = choices[0].logprobs?.content ?? [];
    expect(content.map((entry) => entry.token)).toEqual(['Hi', ' there']);
    expect(content[1]).toMatchObject({ bytes: [32, 116, 104, 101, 114, 101], top_logprobs: [{ token: ' there' }, { token: ' there~1' }] });
    expect(content[1].logprob).toBe(content[1].top_logprobs[0].logprob);
    expect(content[1].logprob).toBeLessThanOrEqual(0);
    expect(streamed.join('')).toBe('Hi there');
    const plain = await client.chat.completions.create({ model: 'gpt-4o', messages });
    expect(plain.choices[0].logprobs).toBeNull();
  });

  it('opens an Azure stream with the choiceless prompt-filter chunk and annotates choices', async () => {
    const azure = new OpenAI({ baseURL: `${sim.url}/openai/v1`, apiKey: 'x', maxRetries: 0 });

    const chunks = [];
    for await (const chunk of await azure.chat.completions.create({ model: 'gpt-4o', messages, stream: true })) chunks.push(chunk);
    const completion = await azure.chat.completions.create({ model: 'gpt-4o', messages });

    expect(chunks[0]).toMatchObject({ id: '', model: '', object: '', created: 0, choices: [], prompt_filter_results: [{ prompt_index: 0 }] });
    expect(chunks[1].choices[0]).toMatchObject({ content_filter_results: { hate: { filtered: false, severity: 'safe' } } });
    expect(completion).toMatchObject({ prompt_filter_results: [{ prompt_index: 0 }], choices: [{ content_filter_results: { violence: { filtered: false } } }] });
  });

  it('answers a blocked prompt with Azure content_filter 400, and with an empty filtered turn on OpenAI', async () => {
    sim.script({ promptBlocked: true });
    sim.script({ promptBlocked: true });
    const azure = new OpenAI({ baseURL: `${sim.url}/openai/v1`, apiKey: 'x', maxRetries: 0 });

    const error = await azure.chat.completions.create({ model: 'gpt-4o', messages }).catch((e: unknown) => e);
    const { choices } = await client.chat.completions.create({ model: 'gpt-4o', messages });

    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ code: 'content_filter', param: 'prompt' });
    expect(choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: '' } });
  });

  it('sends a raw finish reason verbatim', async () => {
    sim.script({ rawFinishReason: 'insufficient_system_resource' });

    const { choices } = await client.chat.completions.create({ model: 'deepseek-chat', messages });

    expect(choices[0].finish_reason).toBe('insufficient_system_resource');
  });

  it('refuses a broken tool loop with the API 400 before consuming a scenario', async () => {
    sim.script({ content: 'kept for later' });

    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [...messages, { role: 'tool', tool_call_id: 'call_1', content: '{}' }] })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ param: 'messages.[1].role', type: 'invalid_request_error' });
    expect(sim.pendingScenarios).toBe(1);
  });

  it('passes anything through when validation is off', async () => {
    const lenient = await ProviderSimulator.start({ validateRequests: false });
    const response = await fetch(`${lenient.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ messages: [{ role: 'tool' }] }) });
    await lenient.close();

    expect(response.status).toBe(200);
  });
});
