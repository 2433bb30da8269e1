import { ChatRequest, Dialect, Role } from '@switchyard/ir';
import type { UpstreamTarget } from '../core/provider-adapter.types';
import { PROVIDERS } from '../registry';

// Issue 17, fidelity: max_tokens reaches an OpenAI-family upstream under the name the OpenAI
// client gave it where the server knows both names (OpenAI, recent Azure, vLLM), and under the
// one name a server knows otherwise (max_tokens for DeepSeek, Qwen, Moonshot, Ollama and older
// Azure versions; max_completion_tokens for ERNIE), whatever the client sent.

type Name = 'max_tokens' | 'max_completion_tokens';

function ask(name: Name | undefined, dialect = Dialect.DIALECT_OPENAI): ChatRequest {
  return {
    model: 'm',
    system: [],
    messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'Hi', signature: '' } }, cacheControlJson: '' }], name: '' }],
    tools: [],
    sampling: { maxTokens: 64, stop: [], ...(name && { maxTokensField: name }) },
    stream: false,
    includeUsage: false,
    droppedParams: [],
    meta: { dialect, requestId: 'r1', tenantId: 't', keyId: 'k', endUserId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
  };
}

const target = (options: UpstreamTarget['options'] = {}): UpstreamTarget => ({ baseUrl: 'https://upstream.example/v1', apiKey: 'k', upstreamModel: 'model-x', options });

/** The max-tokens fields of the wire body, by name. */
function sent(provider: 'openai' | 'azure-openai' | 'openai-compatible', request: ChatRequest, options?: UpstreamTarget['options']): Record<string, unknown> {
  const body = JSON.parse(PROVIDERS[provider].buildRequest(request, target(options)).body) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(body).filter(([k]) => k === 'max_tokens' || k === 'max_completion_tokens'));
}

describe('max_tokens on the way to an OpenAI-family upstream', () => {
  it.each<[Name]>([['max_tokens'], ['max_completion_tokens']])('OpenAI gets %s as the OpenAI client sent it', (name) => {
    expect(sent('openai', ask(name))).toStrictEqual({ [name]: 64 });
  });

  it('OpenAI gets max_completion_tokens from a client of another dialect', () => {
    expect(sent('openai', ask(undefined, Dialect.DIALECT_ANTHROPIC))).toStrictEqual({ max_completion_tokens: 64 });
  });

  it.each<[Name]>([['max_tokens'], ['max_completion_tokens']])('vLLM, which knows both, gets %s as sent', (name) => {
    expect(sent('openai-compatible', ask(name), { vendor: 'vllm' })).toStrictEqual({ [name]: 64 });
  });

  it.each(['generic', 'deepseek', 'qwen', 'moonshot', 'ollama'])('%s, which knows only max_tokens, gets max_tokens whatever the client called it', (vendor) => {
    expect(sent('openai-compatible', ask('max_tokens'), { vendor })).toStrictEqual({ max_tokens: 64 });
    expect(sent('openai-compatible', ask('max_completion_tokens'), { vendor })).toStrictEqual({ max_tokens: 64 });
  });

  it('ERNIE (Qianfan v2) gets max_completion_tokens, its one name', () => {
    expect(sent('openai-compatible', ask('max_tokens'), { vendor: 'ernie' })).toStrictEqual({ max_completion_tokens: 64 });
  });

  it.each([['2024-06-01'], ['2024-08-01-preview']])('Azure api-version %s, older than max_completion_tokens, gets max_tokens', (apiVersion) => {
    expect(sent('azure-openai', ask('max_completion_tokens'), { apiVersion })).toStrictEqual({ max_tokens: 64 });
    expect(sent('azure-openai', ask(undefined, Dialect.DIALECT_GEMINI), { apiVersion })).toStrictEqual({ max_tokens: 64 });
  });

  it.each([['2024-10-21'], ['2025-04-01-preview'], ['v1']])('Azure api-version %s gets the name the OpenAI client sent', (apiVersion) => {
    expect(sent('azure-openai', ask('max_tokens'), { apiVersion })).toStrictEqual({ max_tokens: 64 });
    expect(sent('azure-openai', ask('max_completion_tokens'), { apiVersion })).toStrictEqual({ max_completion_tokens: 64 });
  });
});
