import { Dialect, IrError } from '@switchyard/ir';
import { irFixtures } from '@switchyard/testing';
import { join } from 'node:path';
import { parseGeminiEmbedRequest, renderGeminiEmbedResponse } from './gemini-embed';

const { readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

const BATCH = { model: 'gemini-embedding-001', batch: true };

function rejection(body: unknown, path: { model?: string; batch?: boolean } = BATCH): [string, string | undefined] {
  try {
    parseGeminiEmbedRequest(body, path);
  } catch (e) {
    if (e instanceof IrError) return [e.message, e.param];
    throw e;
  }
  throw new Error('the body was accepted');
}

const doc = (text: string, extra: Record<string, unknown> = {}) => ({ model: 'models/gemini-embedding-001', content: { parts: [{ text }] }, ...extra });

describe(parseGeminiEmbedRequest.name, () => {
  it('parses an embedContent body with its task type, title and dimensionality', () => {
    const parsed = parseGeminiEmbedRequest(readJsonFixture('embed-content.request.json'), { model: 'models/gemini-embedding-001' });

    expect(parsed).toStrictEqual({
      request: {
        model: 'gemini-embedding-001',
        inputs: [{ text: 'Paris is the capital of France. It lies on the Seine.', tokens: [] }],
        dimensions: 768,
        taskType: 'RETRIEVAL_DOCUMENT',
        title: 'Paris',
        meta: { dialect: Dialect.DIALECT_GEMINI, requestId: '', tenantId: '', keyId: '', endUserId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
        droppedParams: [],
      },
      encoding: 'float',
      batch: false,
    });
  });

  it('parses a batchEmbedContents body into one input per request', () => {
    const parsed = parseGeminiEmbedRequest({ requests: [doc('a'), doc('b', { model: 'gemini-embedding-001' })] }, BATCH);

    expect(parsed.request.inputs).toStrictEqual([
      { text: 'a', tokens: [] },
      { text: 'b', tokens: [] },
    ]);
    expect(parsed.batch).toBe(true);
  });

  it.each([
    ['a request naming another model', { requests: [doc('a'), doc('b', { model: 'models/text-embedding-004' })] }, [
      'requests[1].model: "models/text-embedding-004" differs from the model in the URL ("models/gemini-embedding-001")',
      'requests[1].model',
    ]],
    ['requests with different titles', { requests: [doc('a', { title: 'A' }), doc('b', { title: 'B' })] }, [
      'requests[1].title: every request of a batch must have the same title; send the others in another call',
      'requests[1].title',
    ]],
    ['requests with different dimensionalities', { requests: [doc('a'), doc('b', { outputDimensionality: 256 })] }, [
      'requests[1].outputDimensionality: every request of a batch must have the same outputDimensionality; send the others in another call',
      'requests[1].outputDimensionality',
    ]],
    ['an unknown task type', { requests: [doc('a', { taskType: 'SEARCH' })] }, ['requests[0].taskType: unknown value "SEARCH"', 'requests[0].taskType']],
    ['an image part', { requests: [{ content: { parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBO' } }] } }] }, [
      'requests[0].content.parts[0]: only text parts can be embedded',
      'requests[0].content.parts[0]',
    ]],
    ['an empty batch', { requests: [] }, ['requests: must contain at least one request', 'requests']],
  ])('refuses %s', (_case, body, expected) => {
    expect(rejection(body)).toStrictEqual(expected);
  });

  it('refuses a single embed without content', () => {
    expect(rejection({ taskType: 'RETRIEVAL_QUERY' }, { model: 'gemini-embedding-001' })).toStrictEqual(['content: expected an object', 'content']);
  });
});

describe(renderGeminiEmbedResponse.name, () => {
  const embeddings = [
    { index: 1, values: [0.5, -0.25] },
    { index: 0, values: [0.125, 1] },
  ];

  it('renders embedContent as one embedding', () => {
    const parsed = parseGeminiEmbedRequest(readJsonFixture('embed-content.request.json'), { model: 'gemini-embedding-001' });

    expect(renderGeminiEmbedResponse({ embeddings: [{ index: 0, values: [0.125, 1] }], usageEstimated: false }, parsed)).toBe('{"embedding":{"values":[0.125,1]}}');
  });

  it('renders batchEmbedContents as embeddings in input order', () => {
    const parsed = parseGeminiEmbedRequest({ requests: [doc('a'), doc('b')] }, BATCH);

    expect(renderGeminiEmbedResponse({ embeddings, usageEstimated: false }, parsed)).toBe('{"embeddings":[{"values":[0.125,1]},{"values":[0.5,-0.25]}]}');
  });
});
