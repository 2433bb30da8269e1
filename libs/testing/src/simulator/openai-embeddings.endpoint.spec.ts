import OpenAI from 'openai';
import { embeddingVector } from './embedding-vector';
import { ProviderSimulator } from './provider-simulator';

describe('OpenAI embeddings endpoint', () => {
  let sim: ProviderSimulator;
  let client: OpenAI;
  const post = (path: string, body: object): Promise<Response> =>
    fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'api-key': 'azure-key' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  afterEach(() => sim.reset());
  afterAll(() => sim.close());

  it('answers the SDK (which asks for base64) with deterministic vectors of the requested size', async () => {
    const response = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['first text', 'second'], dimensions: 4 });

    expect(sim.requests[0].body).toMatchObject({ encoding_format: 'base64', dimensions: 4 });
    expect(response).toEqual({
      object: 'list',
      model: 'text-embedding-3-small',
      data: [
        { object: 'embedding', index: 0, embedding: embeddingVector('first text', 4) },
        { object: 'embedding', index: 1, embedding: embeddingVector('second', 4) },
      ],
      usage: { prompt_tokens: 5, total_tokens: 5 },
    });
  });

  it('sends float arrays when asked, the model default size, and counts token-id inputs', async () => {
    const floats = (await (await post('/embeddings', { model: 'text-embedding-3-large', input: 'x', encoding_format: 'float' })).json()) as {
      data: [{ embedding: number[] }];
    };
    const tokens = (await (await post('/v1/embeddings', { model: 'text-embedding-3-small', input: [[1, 2, 3], [4]] })).json()) as object;

    expect(floats.data[0].embedding).toHaveLength(3072);
    expect(tokens).toMatchObject({ usage: { prompt_tokens: 4, total_tokens: 4 } });
  });

  it.each([
    [{ model: 'text-embedding-ada-002', input: 'x', dimensions: 8 }, 'This model does not support specifying dimensions.'],
    [{ model: 'text-embedding-3-small', input: '' }, "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference."],
    [{ model: 'text-embedding-3-small' }, "Missing required parameter: 'input'."],
  ])('refuses %j with a BadRequestError', async (body, message) => {
    const error = await client.embeddings.create(body as never).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ message, type: 'invalid_request_error' });
  });

  it('plays a scripted error with retry-after on the embeddings path only', async () => {
    sim.script({ match: { path: 'embeddings' }, error: { status: 429, retryAfter: 3 } });

    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    const error = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('3');
  });

  it('serves Azure deployment embeddings, records the api-key header and 404s without api-version like Azure', async () => {
    const ok = await post('/openai/deployments/embed-small/embeddings?api-version=2024-10-21', { input: 'x', dimensions: 2 });
    const missing = await post('/openai/deployments/embed-small/embeddings', { input: 'x' });

    expect(await ok.json()).toMatchObject({ model: 'embed-small', data: [{ embedding: embeddingVector('x', 2) }] });
    expect(sim.requests[0].headers['api-key']).toBe('azure-key');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: '404', message: 'Resource not found' } });
  });

  it('serves the Azure v1 path with the deployment in the body', async () => {
    const azure = new OpenAI({ baseURL: `${sim.url}/openai/v1`, apiKey: 'x', maxRetries: 0 });

    const response = await azure.embeddings.create({ model: 'my-deployment', input: 'x', dimensions: 3 });

    expect(response.data[0].embedding).toEqual(embeddingVector('x', 3));
    expect(sim.requests[0].path).toBe('/openai/v1/embeddings');
  });
});
