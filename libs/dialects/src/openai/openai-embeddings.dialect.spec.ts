import { ErrorKind, EmbedResponse, IrError } from '@switchyard/ir';
import { irFixtures } from '@switchyard/testing';
import OpenAI from 'openai';
import { join } from 'node:path';
import type { RenderContext } from '../dialect.types';
import { OpenAiEmbeddingsDialect, float32Base64 } from './openai-embeddings.dialect';

const { readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));
const CTX: RenderContext = { requestId: 'req_e1', model: 'text-embedding-3-small', created: 1754500000, includeUsage: false };
// Values exactly representable in float32, so the base64 round trip is exact.
const RESPONSE: EmbedResponse = {
  embeddings: [
    { index: 0, values: [0.0078125, -0.009765625, 0.015625] },
    { index: 1, values: [-0.5, 0.25, 1] },
  ],
  usage: { inputTokens: 9, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 },
  usageEstimated: false,
};

describe(OpenAiEmbeddingsDialect.name, () => {
  const sut = new OpenAiEmbeddingsDialect();

  it.each<[string, unknown, unknown]>([
    ['a string', 'The food was delicious.', [{ text: 'The food was delicious.', tokens: [] }]],
    ['strings', ['a', 'b'], [{ text: 'a', tokens: [] }, { text: 'b', tokens: [] }]],
    ['one token array', [1820, 25977], [{ text: '', tokens: [1820, 25977] }]],
    ['token arrays', [[1820], [25977, 3]], [{ text: '', tokens: [1820] }, { text: '', tokens: [25977, 3] }]],
  ])('reads %s as input', (_what, input, inputs) => {
    expect(sut.parseEmbedRequest({ model: 'text-embedding-3-small', input }).request.inputs).toStrictEqual(inputs);
  });

  it('reads dimensions, the encoding and the end user, and lists unknown fields as dropped', () => {
    expect(sut.parseEmbedRequest({ model: 'text-embedding-3-large', input: 'x', dimensions: 256, encoding_format: 'base64', user: 'u-1', extra: 1 })).toStrictEqual({
      request: { model: 'text-embedding-3-large', inputs: [{ text: 'x', tokens: [] }], dimensions: 256, meta: { endUserId: 'u-1', dialect: 1, requestId: '', tenantId: '', keyId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' }, droppedParams: ['extra'], taskType: '', title: '' },
      encoding: 'base64',
      batch: false,
    });
  });

  it.each<[unknown, string, string]>([
    [{ input: 'x' }, 'model: expected a string', 'model'],
    [{ model: 'm' }, 'input: expected a string or an array', 'input'],
    [{ model: 'm', input: [] }, 'input: must not be empty', 'input'],
    [{ model: 'm', input: ['a', ''] }, 'input[1]: must not be empty', 'input[1]'],
    [{ model: 'm', input: [[1, -2]] }, 'input[0][1]: expected a token id', 'input[0][1]'],
    [{ model: 'm', input: 'x', encoding_format: 'int8' }, 'encoding_format: unknown value "int8"', 'encoding_format'],
    [{ model: 'm', input: 'x', dimensions: 0 }, 'dimensions: must be between 1 and 4294967295', 'dimensions'],
    // Fuzz counterexamples: past uint32 the IR request could not be encoded between services.
    [{ model: 'm', input: ['Paris'], dimensions: 4294967296 }, 'dimensions: must be between 1 and 4294967295', 'dimensions'],
    [{ model: 'm', input: [[1, 4294967296]] }, 'input[0][1]: expected a token id', 'input[0][1]'],
  ])('rejects %j', (body, message, param) => {
    const parse = () => sut.parseEmbedRequest(body);
    expect(parse).toThrow(IrError);
    expect(parse).toThrow(expect.objectContaining({ kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, message, param }));
  });

  it('renders floats as the golden list object', () => {
    const parsed = sut.parseEmbedRequest({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(JSON.parse(sut.renderEmbedResponse(RESPONSE, parsed, CTX))).toStrictEqual(readJsonFixture('embeddings.response.json'));
  });

  it('encodes base64 as little-endian float32', () => {
    expect(float32Base64([1, -2])).toBe('AACAPwAAAMA=');
  });

  // The SDK asks for base64 when the caller names no encoding, and decodes it itself.
  it.each([undefined, 'float' as const])('gives the openai SDK the same vectors with encoding_format %s', async (encoding) => {
    const client = new OpenAI({
      apiKey: 'sk-switchyard-test',
      baseURL: 'http://switchyard.test/v1',
      maxRetries: 0,
      fetch: async (_url, init) => {
        const parsed = sut.parseEmbedRequest(JSON.parse(String(init?.body)));
        return new Response(sut.renderEmbedResponse(RESPONSE, parsed, CTX), { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'], ...(encoding ? { encoding_format: encoding } : {}) });

    expect(result.data.map((d) => d.embedding)).toStrictEqual(RESPONSE.embeddings?.map((e) => e.values));
    expect(result.usage).toStrictEqual({ prompt_tokens: 9, total_tokens: 9 });
  });
});
