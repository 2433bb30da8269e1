import { ApiError, FinishReason, GoogleGenAI } from '@google/genai';
import { ProviderSimulator } from './provider-simulator';
import { DEFAULT_CONTENT, DEFAULT_SIGNATURE } from './simulated-turn';

describe('Gemini wire', () => {
  let sim: ProviderSimulator;
  let ai: GoogleGenAI;
  const model = 'gemini-2.5-flash';
  const contents = 'What is the weather in Paris?';
  // The SDK reaches for Node's global undici dispatcher, which Jest's sandboxed globals hide;
  // handing it fetch explicitly makes it skip that path (dist/node/index.cjs, includeExtraHttpOptionsToRequestInit).
  const client = (apiVersion?: string): GoogleGenAI =>
    new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: sim.url, apiVersion, fetch } });

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    ai = client();
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  it('answers generateContent the SDK parses, echoing the model from the path', async () => {
    const response = await ai.models.generateContent({ model, contents });

    expect(response.text).toBe(DEFAULT_CONTENT);
    expect(response.candidates?.[0]).toMatchObject({ finishReason: FinishReason.STOP, index: 0, content: { role: 'model' } });
    expect(response.modelVersion).toBe(model);
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 8, candidatesTokenCount: 4, totalTokenCount: 12 });
    expect(sim.requests[0]).toMatchObject({ provider: 'gemini', path: `/v1beta/models/${model}:generateContent` });
  });

  it('reports thoughts outside candidatesTokenCount and cached content separately', async () => {
    sim.script({ reasoning: 'Think first.', usage: { input: 100, output: 30, reasoning: 12, cachedInput: 40 } });

    const { usageMetadata } = await ai.models.generateContent({ model, contents });

    expect(usageMetadata).toMatchObject({
      promptTokenCount: 100,
      candidatesTokenCount: 18,
      thoughtsTokenCount: 12,
      cachedContentTokenCount: 40,
      totalTokenCount: 130,
    });
  });

  it('returns function calls, thought parts and the signature on the first call', async () => {
    sim.script({
      reasoning: 'Use the tool.',
      reasoningSignature: 'sig-1',
      toolCalls: [
        { name: 'get_weather', arguments: { city: 'Paris' } },
        { name: 'get_time', arguments: { zone: 'CET' } },
      ],
    });

    const response = await ai.models.generateContent({ model, contents });

    expect(response.functionCalls).toEqual([
      { name: 'get_weather', args: { city: 'Paris' } },
      { name: 'get_time', args: { zone: 'CET' } },
    ]);
    expect(response.candidates?.[0].finishReason).toBe(FinishReason.STOP);
    expect(response.candidates?.[0].content?.parts).toEqual([
      { text: 'Use the tool.', thought: true },
      { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'sig-1' },
      { functionCall: { name: 'get_time', args: { zone: 'CET' } } },
    ]);
  });

  it('maps length and content_filter to MAX_TOKENS and SAFETY', async () => {
    sim.script({ finishReason: 'length' });
    sim.script({ finishReason: 'content_filter' });

    const first = await ai.models.generateContent({ model, contents });
    const second = await ai.models.generateContent({ model, contents });

    expect([first.candidates?.[0].finishReason, second.candidates?.[0].finishReason]).toEqual([FinishReason.MAX_TOKENS, FinishReason.SAFETY]);
  });

  it('streams SSE chunks the SDK reassembles, usage and finish on the last one', async () => {
    sim.script({ content: 'one two three four', chunks: 4, reasoning: 'Thinking about numbers now' });

    const texts: string[] = [];
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream({ model, contents })) {
      chunks.push(chunk);
      texts.push(chunk.text ?? '');
    }

    expect(texts.join('')).toBe('one two three four');
    expect(chunks[0].candidates?.[0].content?.parts).toEqual([{ text: 'Thinking ', thought: true }]);
    expect(chunks.at(-1)?.candidates?.[0]).toMatchObject({ finishReason: FinishReason.STOP });
    expect(chunks.at(-1)?.candidates?.[0].content?.parts?.[0].thoughtSignature).toBe(DEFAULT_SIGNATURE);
    expect(chunks.at(-1)?.usageMetadata).toMatchObject({ candidatesTokenCount: 4, thoughtsTokenCount: 4 });
    expect(sim.requests[0]).toMatchObject({ path: `/v1beta/models/${model}:streamGenerateContent`, query: { alt: 'sse' } });
  });

  it('also serves the v1 API version', async () => {
    const v1 = client('v1');

    const response = await v1.models.generateContent({ model, contents });

    expect(response.text).toBe(DEFAULT_CONTENT);
    expect(sim.requests[0].path).toBe(`/v1/models/${model}:generateContent`);
  });

  it('fails with an ApiError carrying status, google.rpc status and RetryInfo', async () => {
    sim.script({ error: { status: 429, retryAfter: 12 } });

    const error = await ai.models.generateContent({ model, contents }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect(JSON.parse((error as ApiError).message)).toEqual({
      error: {
        code: 429,
        message: 'Simulated RESOURCE_EXHAUSTED',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12s' }],
      },
    });
  });

  it('surfaces an in-stream error chunk as an ApiError', async () => {
    sim.script({ error: { status: 503, afterChunks: 1 } });

    const consume = async (): Promise<void> => {
      for await (const _ of await ai.models.generateContentStream({ model, contents })) {
        // drain
      }
    };

    await expect(consume()).rejects.toMatchObject({ name: 'ApiError', status: 503 });
  });

  it('makes the SDK stream fail when the connection is cut', async () => {
    sim.script({ cutAfterChunks: 1 });

    const consume = async (): Promise<void> => {
      for await (const _ of await ai.models.generateContentStream({ model, contents })) {
        // drain
      }
    };

    await expect(consume()).rejects.toThrow('terminated');
  });

  it('makes the SDK stream fail on a malformed chunk', async () => {
    sim.script({ garbageAfterChunks: 1 });

    const consume = async (): Promise<void> => {
      for await (const _ of await ai.models.generateContentStream({ model, contents })) {
        // drain
      }
    };

    await expect(consume()).rejects.toThrow('JSON');
  });

  it('refuses streamGenerateContent without alt=sse rather than answer in the wrong framing', async () => {
    const response = await fetch(`${sim.url}/v1beta/models/${model}:streamGenerateContent`, {
      method: 'POST',
      body: JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
  });

  it('answers a blocked prompt with promptFeedback and no candidates', async () => {
    sim.script({ promptBlocked: true });

    const response = await ai.models.generateContent({ model, contents });

    expect(response.candidates).toBeUndefined();
    expect(response.promptFeedback).toMatchObject({ blockReason: 'SAFETY', safetyRatings: expect.arrayContaining([{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }]) });
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 8, totalTokenCount: 8 });
  });

  it('adds safety ratings to a SAFETY finish and sends raw finish reasons verbatim', async () => {
    sim.script({ finishReason: 'content_filter' });
    sim.script({ rawFinishReason: 'MALFORMED_FUNCTION_CALL', content: '' });

    const filtered = await ai.models.generateContent({ model, contents });
    const malformed = await ai.models.generateContent({ model, contents });

    expect(filtered.candidates?.[0]).toMatchObject({ finishReason: FinishReason.SAFETY, safetyRatings: expect.any(Array) });
    expect(malformed.candidates?.[0].finishReason).toBe(FinishReason.MALFORMED_FUNCTION_CALL);
  });

  it('refuses a Gemini 3 tool loop that dropped the thought signature, and accepts it returned', async () => {
    const call = { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }] };
    const answer = { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 20 } } }] };
    const turn = [{ role: 'user', parts: [{ text: contents }] }, call, answer];

    const error = await ai.models.generateContent({ model: 'gemini-3-pro-preview', contents: turn }).catch((e: unknown) => e);
    const signed = [turn[0], { role: 'model', parts: [{ ...call.parts[0], thoughtSignature: DEFAULT_SIGNATURE }] }, answer];
    const response = await ai.models.generateContent({ model: 'gemini-3-pro-preview', contents: signed });

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toContain('Function call is missing a thought_signature');
    expect(response.text).toBe(DEFAULT_CONTENT);
  });
});
