import { ChatRequest, EmbedRequest, ErrorKind, IrError } from '@switchyard/ir';
import { irFixtures } from '@switchyard/testing';
import { join } from 'node:path';
import type { UpstreamTarget } from '../core/provider-adapter.types';
import { PROVIDERS } from '../registry';
import { buildGeminiEmbedRequest, parseGeminiCountTokensResponse, parseGeminiEmbedResponse } from './gemini.embed';

const { readIrFixture, readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

const EMBEDDING: UpstreamTarget = { baseUrl: 'https://generativelanguage.googleapis.com', apiKey: 'AIzaSy-upstream', upstreamModel: 'gemini-embedding-001', options: {} };
const HEADERS = { 'content-type': 'application/json', 'x-goog-api-key': 'AIzaSy-upstream' };
const gemini = PROVIDERS.gemini;

describe(buildGeminiEmbedRequest.name, () => {
  it('sends one input to embedContent', () => {
    const http = gemini.buildEmbedRequest?.({ model: 'embed', inputs: [{ text: 'How do retries back off?', tokens: [] }], taskType: 'RETRIEVAL_QUERY', title: '', droppedParams: [] }, EMBEDDING);

    expect(http && { ...http, body: JSON.parse(http.body) }).toStrictEqual({
      url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:embedContent',
      headers: HEADERS,
      body: readJsonFixture('embed.single.body.json'),
    });
  });

  it('sends several inputs to batchEmbedContents, each naming the model', () => {
    const request: EmbedRequest = {
      model: 'embed',
      inputs: [{ text: 'Packets cross the night', tokens: [] }, { text: 'The gateway stays lit', tokens: [] }],
      dimensions: 4,
      taskType: 'RETRIEVAL_DOCUMENT',
      title: 'Router haiku',
      droppedParams: [],
    };

    const http = buildGeminiEmbedRequest(request, EMBEDDING);

    expect({ ...http, body: JSON.parse(http.body) }).toStrictEqual({
      url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents',
      headers: HEADERS,
      body: readJsonFixture('embed.batch.body.json'),
    });
  });

  it.each<[string, EmbedRequest, string, string]>([
    ['token ids', { model: 'embed', inputs: [{ text: 'a', tokens: [] }, { tokens: [9906, 1917], text: '' }], taskType: '', title: '', droppedParams: [] }, 'input[1]: Gemini embeds text, not token ids', 'input[1]'],
    ['no input', { model: 'embed', inputs: [], taskType: '', title: '', droppedParams: [] }, 'input: at least one input is needed', 'input'],
  ])('rejects %s as an invalid request', (_what, request, message, param) => {
    const build = () => buildGeminiEmbedRequest(request, EMBEDDING);

    expect(build).toThrow(IrError);
    expect(build).toThrow(expect.objectContaining({ kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, message, param }));
  });
});

describe(parseGeminiEmbedResponse.name, () => {
  it.each<[string, unknown]>([
    ['single', { embeddings: [{ index: 0, values: [0.5, -0.25, 0.125] }], usageEstimated: false }],
    ['batch', { embeddings: [{ index: 0, values: [0.0123, -0.0456, 0.0789, -0.0012] }, { index: 1, values: [-0.0321, 0.0654, -0.0987, 0.0021] }], usageEstimated: false }],
  ])('reads the %s response, which reports no usage', (name, expected) => {
    expect(gemini.parseEmbedResponse?.(readJsonFixture(`embed.${name}.response.json`))).toStrictEqual(expected);
  });

  it.each<[unknown, string]>([
    [{ error: { code: 400 } }, 'upstream embedding response has no embeddings'],
    [{ embeddings: [{ values: [1] }, {}] }, 'upstream embedding 1 has no values'],
  ])('rejects %j', (body, message) => {
    expect(() => parseGeminiEmbedResponse(body)).toThrow(message);
  });
});

describe('Gemini countTokens', () => {
  it('counts the whole request (prompt, system instruction, tools) as generateContentRequest', () => {
    const target: UpstreamTarget = { ...EMBEDDING, upstreamModel: 'gemini-3-pro-preview' };

    const http = gemini.buildCountTokensRequest?.(readIrFixture<ChatRequest>('agent-turn.ir.json'), target);

    expect(http && { url: http.url, body: JSON.parse(http.body), dropped: http.dropped }).toStrictEqual({
      url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-3-pro-preview:countTokens',
      body: readJsonFixture('agent-turn.gemini.count-tokens.body.json'),
      dropped: ['messages.name', 'messages.content.image.detail', 'tools.strict'],
    });
  });

  it.each<[unknown, number]>([
    [{ totalTokens: 1187, cachedContentTokenCount: 1024, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 1187 }] }, 1187],
    [{}, 0],
  ])('reads totalTokens from %j (proto JSON leaves out a zero)', (body, total) => {
    expect(gemini.parseCountTokensResponse?.(body)).toBe(total);
  });

  it('rejects a body that is not an object', () => {
    expect(() => parseGeminiCountTokensResponse('Internal Server Error')).toThrow('upstream countTokens response is not an object');
  });
});
