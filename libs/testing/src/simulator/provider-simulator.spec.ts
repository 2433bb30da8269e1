import { ProviderSimulator } from './provider-simulator';
import { DEFAULT_CONTENT } from './simulated-turn';

const chat = (model = 'gpt-4o', extra: object = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
  body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra }),
});
const anthropic = (extra: object = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
  body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], ...extra }),
});

describe(ProviderSimulator.name, () => {
  let sim: ProviderSimulator;

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  const post = (path: string, init: RequestInit): Promise<Response> => fetch(`${sim.url}${path}`, init);
  const contentOf = async (response: Response): Promise<string> =>
    ((await response.json()) as { choices: [{ message: { content: string } }] }).choices[0].message.content;

  it('records each request as the provider would have received it', async () => {
    await (await post('/v1/chat/completions?trace=1', chat())).text();

    const [recorded] = await Promise.all([sim.waitFor((r) => r.completed)]);
    expect(recorded).toMatchObject({
      id: 1,
      provider: 'openai',
      method: 'POST',
      path: '/v1/chat/completions',
      query: { trace: '1' },
      body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
      aborted: false,
      completed: true,
    });
    expect(recorded.headers['authorization']).toBe('Bearer sk-test');
    expect(JSON.parse(recorded.rawBody)).toEqual(recorded.body);
    expect(Math.abs(recorded.receivedAt - Date.now())).toBeLessThan(5_000);
  });

  it('echoes the request it received as the answer text, credentials redacted, JSON and streamed', async () => {
    sim.script({ echo: true });
    const echoed = JSON.parse(await contentOf(await post('/v1/chat/completions?trace=1', chat('gpt-4o', { temperature: 0.2 }))));
    expect(echoed).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      query: { trace: '1' },
      headers: { authorization: '[redacted]', 'content-type': 'application/json' },
      body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], temperature: 0.2 },
    });

    // The reserved model name echoes without a script; Gemini's key in the query is redacted too.
    const gemini = await post('/v1beta/models/simulator-echo:streamGenerateContent?alt=sse&key=AIza-secret', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    const sse = await gemini.text();
    const text = sse
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => (JSON.parse(line.slice(6)) as { candidates?: [{ content?: { parts?: [{ text?: string }] } }] }).candidates?.[0]?.content?.parts?.[0]?.text ?? '')
      .join('');
    expect(JSON.parse(text)).toMatchObject({ path: '/v1beta/models/simulator-echo:streamGenerateContent', query: { alt: 'sse', key: '[redacted]' }, body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] } });
    expect(sse).not.toContain('AIza-secret');
  });

  it('consumes a scripted scenario once, by the first request it matches', async () => {
    sim.script({ match: { provider: 'anthropic' }, content: 'for anthropic' });
    sim.script({ match: { model: 'gpt-4o-mini' }, content: 'for mini' });
    sim.script({ match: { path: '/deployments/' }, content: 'for azure' });

    expect(await contentOf(await post('/v1/chat/completions', chat('gpt-4o')))).toBe(DEFAULT_CONTENT);
    expect(await contentOf(await post('/v1/chat/completions', chat('gpt-4o-mini')))).toBe('for mini');
    expect(await contentOf(await post('/v1/chat/completions', chat('gpt-4o-mini')))).toBe(DEFAULT_CONTENT);
    expect(await contentOf(await post('/openai/deployments/d1/chat/completions?api-version=2024-10-21', chat()))).toBe('for azure');
    expect(sim.pendingScenarios).toBe(1);
    const message = (await (await post('/v1/messages', anthropic())).json()) as { content: [{ text: string }] };
    expect(message.content[0].text).toBe('for anthropic');
    expect(sim.pendingScenarios).toBe(0);
  });

  it('matches a scripted scenario on request headers: one upstream key fails, another is served', async () => {
    sim.script({ match: { headers: { Authorization: 'Bearer sk-region-a' } }, error: { status: 500 } });
    const withKey = (key: string): RequestInit => ({ ...chat(), headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });

    expect(await contentOf(await post('/v1/chat/completions', withKey('sk-region-b')))).toBe(DEFAULT_CONTENT);
    expect(sim.pendingScenarios).toBe(1);
    expect((await post('/v1/chat/completions', withKey('sk-region-a'))).status).toBe(500);
    expect(sim.pendingScenarios).toBe(0);
  });

  it('uses the default for unscripted requests until reset', async () => {
    sim.setDefault({ content: 'new default', headers: { 'x-ratelimit-remaining-requests': '42' } });

    const response = await post('/v1/chat/completions', chat());
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('42');
    expect(await contentOf(response)).toBe('new default');
    sim.script({ content: 'scripted' });
    sim.reset();

    expect(await contentOf(await post('/v1/chat/completions', chat()))).toBe(DEFAULT_CONTENT);
    expect(sim.requests).toHaveLength(1);
    expect(sim.pendingScenarios).toBe(0);
  });

  it('marks a request aborted when the client hangs up mid-stream', async () => {
    sim.script({ stallAfterChunks: 1 });
    const controller = new AbortController();

    const response = await post('/v1/messages', { ...anthropic({ stream: true }), signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();

    const recorded = await sim.waitFor((r) => r.aborted, 2_000);
    expect(recorded).toMatchObject({ provider: 'anthropic', aborted: true, completed: false });
  });

  it.each([
    ['deltas', (text: string) => (text.match(/"content":"Hello/g) ?? []).length > 100],
    ['line', (text: string) => /\ndata: x{100000,}$/.test(text)],
  ] as const)('streams endless %s until the client hangs up', async (mode, looksRight) => {
    sim.script({ endless: mode });
    const controller = new AbortController();
    const response = await post('/v1/chat/completions', { ...chat('gpt-4o', { stream: true }), signal: controller.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (text.length < 200_000) text += decoder.decode((await reader.read()).value, { stream: true });
    controller.abort();

    expect(looksRight(text)).toBe(true);
    await expect(sim.waitFor((r) => r.aborted, 2_000)).resolves.toMatchObject({ completed: false });
  });

  it('marks a request aborted when the client gives up before the first byte', async () => {
    sim.script({ firstByteDelayMs: 10_000 });

    await expect(post('/v1/chat/completions', { ...chat(), signal: AbortSignal.timeout(50) })).rejects.toThrow();

    await expect(sim.waitFor((r) => r.aborted, 2_000)).resolves.toMatchObject({ completed: false });
  });

  it('does not count its own cut as a client abort', async () => {
    sim.script({ cutAfterChunks: 0 });

    const response = await post('/v1/chat/completions', chat());
    await expect(response.json()).rejects.toThrow();

    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sim.requests[0]).toMatchObject({ aborted: false, completed: false });
  });

  it('delays the first byte and paces the deltas', async () => {
    sim.script({ firstByteDelayMs: 60, chunkDelayMs: 30, content: 'a b c d', chunks: 4 });

    const started = Date.now();
    const response = await post('/v1/chat/completions', chat('gpt-4o', { stream: true }));
    const headersAfter = Date.now() - started;
    await response.text();

    expect(headersAfter).toBeGreaterThanOrEqual(55);
    expect(Date.now() - started).toBeGreaterThanOrEqual(60 + 3 * 30 - 10);
  });

  it('sends a scripted HTTP error with its status, retry-after, headers and raw body', async () => {
    sim.script({ error: { status: 502, body: '<html>Bad Gateway</html>', headers: { 'x-edge': 'cdn' }, retryAfter: 2 } });

    const response = await post('/v1/chat/completions', chat());

    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(response.headers.get('retry-after')).toBe('2');
    expect(response.headers.get('x-edge')).toBe('cdn');
    expect(await response.text()).toBe('<html>Bad Gateway</html>');
  });

  it('truncates a JSON body on garbage and resets the socket mid-body on cut', async () => {
    sim.script({ garbageAfterChunks: 0 });
    sim.script({ cutAfterChunks: 0 });

    const garbage = await post('/v1/chat/completions', chat());
    expect(garbage.status).toBe(200);
    await expect(garbage.json()).rejects.toThrow('JSON');
    const cut = await post('/v1/chat/completions', chat());
    await expect(cut.text()).rejects.toThrow('terminated');
  });

  it('resets the connection right after the headers when a stream is cut before any delta', async () => {
    sim.script({ cutAfterChunks: 0 });

    const response = await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', {
      method: 'POST',
      body: JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }),
    });

    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow('terminated');
  });

  it('answers unknown routes with 404 and unparseable bodies with the provider 400', async () => {
    const missing = await post('/v1/completions', chat());
    const invalid = await post('/v1/messages', { method: 'POST', body: '{"model":' });

    expect(missing.status).toBe(404);
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(sim.requests.map((r) => r.path)).toEqual(['/v1/messages']);
    expect(sim.requests[0]).toMatchObject({ body: undefined, rawBody: '{"model":' });
  });

  it('rejects waitFor when nothing matches in time', async () => {
    await expect(sim.waitFor((r) => r.provider === 'gemini', 20)).rejects.toThrow('no request matched within 20 ms');
  });
});

describe(`${ProviderSimulator.name} lifecycle`, () => {
  it('close() ends stalled connections so nothing keeps the process alive', async () => {
    const sim = await ProviderSimulator.start();
    sim.setDefault({ stallAfterChunks: 0 });
    const stalledJson = await fetch(`${sim.url}/v1/chat/completions`, chat());
    const stalledStream = await fetch(`${sim.url}/v1/chat/completions`, chat('gpt-4o', { stream: true }));
    const bodies = [stalledJson.text(), stalledStream.text()];

    await sim.close();

    for (const body of bodies) await expect(body).rejects.toThrow();
    expect(sim.requests.every((r) => !r.aborted && !r.completed)).toBe(true);
  });

  it('keeps only the newest maxRecords requests', async () => {
    const sim = await ProviderSimulator.start({ maxRecords: 2 });
    for (let i = 0; i < 3; i++) await (await fetch(`${sim.url}/v1/chat/completions`, chat())).text();
    await sim.close();

    expect(sim.requests.map((r) => r.id)).toEqual([2, 3]);
  });

  it('records nothing with record: false, and says so when asked to wait', async () => {
    const sim = await ProviderSimulator.start({ record: false });
    const response = await fetch(`${sim.url}/v1/chat/completions`, chat());
    await response.text();

    expect(response.status).toBe(200);
    expect(sim.requests).toHaveLength(0);
    await expect(sim.waitFor(() => true)).rejects.toThrow('recording is disabled');
    await sim.close();
  });
});
