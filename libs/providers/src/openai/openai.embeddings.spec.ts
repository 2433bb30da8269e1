import { Dialect, type EmbedRequest } from '@switchyard/ir';
import { irFixtures } from '@switchyard/testing';
import { join } from 'node:path';
import type { ProviderAdapter, UpstreamTarget } from '../core/provider-adapter.types';
import type { ProviderId } from '../core/provider-ids';
import { PROVIDERS } from '../registry';
import { parseOpenAiEmbedResponse } from './openai.embeddings';

const { readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

const REQUEST: EmbedRequest = { model: 'embed', inputs: [{ text: 'first', tokens: [] }, { tokens: [1820, 25977], text: '' }], dimensions: 256, meta: { endUserId: 'u-1', requestId: '', tenantId: '', keyId: '', region: '', dialect: Dialect.DIALECT_UNSPECIFIED, cacheMode: '', allowedRegions: [], clientRequestId: '' }, taskType: '', title: '', droppedParams: [] };

describe('OpenAI-family embeddings', () => {
  it.each<[string, ProviderId, UpstreamTarget, unknown]>([
    [
      'OpenAI',
      'openai',
      { baseUrl: 'https://api.openai.com/v1/', apiKey: 'sk-up', upstreamModel: 'text-embedding-3-small', options: {} },
      {
        url: 'https://api.openai.com/v1/embeddings',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-up' },
        body: { model: 'text-embedding-3-small', input: ['first', [1820, 25977]], dimensions: 256, encoding_format: 'float', user: 'u-1' },
      },
    ],
    [
      'Azure with a dated api-version',
      'azure-openai',
      { baseUrl: 'https://contoso-eu.openai.azure.com', apiKey: 'azure-key-1', upstreamModel: 'embed-prod', options: { apiVersion: '2024-10-21' } },
      {
        url: 'https://contoso-eu.openai.azure.com/openai/deployments/embed-prod/embeddings?api-version=2024-10-21',
        headers: { 'content-type': 'application/json', 'api-key': 'azure-key-1' },
        body: { input: ['first', [1820, 25977]], dimensions: 256, encoding_format: 'float', user: 'u-1' },
      },
    ],
    [
      'Azure v1',
      'azure-openai',
      { baseUrl: 'https://contoso-eu.openai.azure.com', apiKey: 'azure-key-1', upstreamModel: 'embed-prod', options: { apiVersion: 'v1' } },
      {
        url: 'https://contoso-eu.openai.azure.com/openai/v1/embeddings',
        headers: { 'content-type': 'application/json', 'api-key': 'azure-key-1' },
        body: { model: 'embed-prod', input: ['first', [1820, 25977]], dimensions: 256, encoding_format: 'float', user: 'u-1' },
      },
    ],
  ])('asks %s for floats', (_what, provider, target, expected) => {
    const adapter: ProviderAdapter = PROVIDERS[provider];
    const http = adapter.buildEmbedRequest?.(REQUEST, target);
    expect(http && { url: http.url, headers: http.headers, body: JSON.parse(http.body) }).toStrictEqual(expected);
  });

  it('sends one text input as a plain string to a keyless local server', () => {
    const http = PROVIDERS['openai-compatible'].buildEmbedRequest?.({ model: 'm', inputs: [{ text: 'hello', tokens: [] }], taskType: '', title: '', droppedParams: [] }, { baseUrl: 'http://localhost:11434/v1', apiKey: '', upstreamModel: 'nomic-embed-text', options: { vendor: 'ollama' } });
    expect(http && { headers: http.headers, body: JSON.parse(http.body) }).toStrictEqual({
      headers: { 'content-type': 'application/json' },
      body: { model: 'nomic-embed-text', input: 'hello', encoding_format: 'float' },
    });
  });

  it('reads float embeddings', () => {
    const body = { data: [{ index: 0, embedding: [0.5, -0.25] }], usage: { prompt_tokens: 3, total_tokens: 3 } };
    expect(PROVIDERS.openai.parseEmbedResponse?.(body)).toStrictEqual({ embeddings: [{ index: 0, values: [0.5, -0.25] }], usage: { inputTokens: 3, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, usageEstimated: false });
  });

  it('decodes base64 embeddings from a server that ignored encoding_format, in index order', () => {
    expect(parseOpenAiEmbedResponse(readJsonFixture('embeddings.base64.json'))).toStrictEqual({
      embeddings: [
        { index: 0, values: [0.5, -0.25] },
        { index: 1, values: [1, -2] },
      ],
      usage: { inputTokens: 8, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 },
      usageEstimated: false,
    });
  });

  it('rejects a body without data', () => {
    expect(() => parseOpenAiEmbedResponse({ error: 'x' })).toThrow('upstream embeddings response has no data');
  });
});
