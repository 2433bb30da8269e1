import { GoogleGenAI } from '@google/genai';
import { embeddingVector } from './embedding-vector';
import { ProviderSimulator } from './provider-simulator';

describe('Gemini embedding and token-counting endpoints', () => {
  let sim: ProviderSimulator;
  // Explicit fetch: see gemini.wire.spec.ts.
  const client = (apiVersion?: string): GoogleGenAI => new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: sim.url, apiVersion, fetch } });
  const post = (path: string, body: object): Promise<Response> => fetch(`${sim.url}${path}`, { method: 'POST', body: JSON.stringify(body) });

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  it('embeds several contents through batchEmbedContents, as the SDK sends them', async () => {
    const response = await client().models.embedContent({
      model: 'gemini-embedding-001',
      contents: ['first text', 'second'],
      config: { outputDimensionality: 4, taskType: 'RETRIEVAL_DOCUMENT' },
    });

    expect(response.embeddings).toEqual([{ values: embeddingVector('first text', 4) }, { values: embeddingVector('second', 4) }]);
    expect(sim.requests[0].path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
  });

  it('embeds one content through embedContent with the model default size', async () => {
    const response = await post('/v1/models/text-embedding-004:embedContent', { content: { parts: [{ text: 'x' }] } });

    expect(await response.json()).toEqual({ embedding: { values: embeddingVector('x', 768) } });
  });

  it('refuses an unknown task type and an unknown field', async () => {
    const task = await post('/v1beta/models/gemini-embedding-001:embedContent', { content: { parts: [{ text: 'x' }] }, taskType: 'SEARCH' });
    const field = await post('/v1beta/models/gemini-embedding-001:batchEmbedContents', { requests: [{ content: { parts: [{ text: 'x' }] }, dimensions: 3 }] });

    expect(task.status).toBe(400);
    expect(await task.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining(`Invalid value at 'task_type'`) } });
    expect(await field.json()).toMatchObject({ error: { message: `Invalid JSON payload received. Unknown name "dimensions" at 'requests[0]': Cannot find field.` } });
  });

  it('counts tokens like generateContent reports promptTokenCount, on v1 and v1beta', async () => {
    const contents = 'What is the weather in Paris?';

    const counted = await client('v1').models.countTokens({ model: 'gemini-2.5-flash', contents });
    const generated = await client().models.generateContent({ model: 'gemini-2.5-flash', contents });

    expect(counted.totalTokens).toBe(generated.usageMetadata?.promptTokenCount);
    expect(sim.requests[0].path).toBe('/v1/models/gemini-2.5-flash:countTokens');
    const raw = await (await post('/v1beta/models/gemini-2.5-flash:countTokens', { contents: [{ role: 'user', parts: [{ text: 'abcdefgh' }] }] })).json();
    expect(raw).toEqual({ totalTokens: 2, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 2 }] });
  });

  it('counts a whole generateContentRequest, with the scripted cache count, and plays scripted errors', async () => {
    sim.script({ usage: { input: 900, output: 0, cachedInput: 600 } });
    sim.script({ match: { path: ':countTokens' }, error: { status: 429, retryAfter: 5 } });
    const body = { generateContentRequest: { model: 'models/gemini-2.5-flash', contents: [{ role: 'user', parts: [{ text: 'hi' }] }] } };

    const counted = await (await post('/v1beta/models/gemini-2.5-flash:countTokens', body)).json();
    const limited = await post('/v1beta/models/gemini-2.5-flash:countTokens', body);

    expect(counted).toEqual({ totalTokens: 900, cachedContentTokenCount: 600, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 900 }] });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: { status: 'RESOURCE_EXHAUSTED', details: [{ retryDelay: '5s' }] } });
  });
});
