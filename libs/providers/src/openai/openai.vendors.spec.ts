import { ChatRequest, ErrorKind, IrError, Role, ToolChoice_Mode } from '@switchyard/ir';
import { irFixtures } from '@switchyard/testing';
import { join } from 'node:path';
import type { UpstreamHttpRequest, UpstreamTarget } from '../core/provider-adapter.types';
import type { ProviderId } from '../core/provider-ids';
import { PROVIDERS } from '../registry';
import { VENDOR_PROFILES } from './openai.vendors';

const { readIrFixture, readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

// One deployment per endpoint and vendor, as an operator would configure them.
const TARGETS: Record<string, [ProviderId, UpstreamTarget]> = {
  openai: ['openai', { baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-proj-upstream', upstreamModel: 'gpt-4.1-2025-04-14', options: {} }],
  'azure-dated': ['azure-openai', { baseUrl: 'https://contoso-eu.openai.azure.com/', apiKey: 'azure-key-1', upstreamModel: 'gpt-4o-prod', options: {} }],
  'azure-v1': ['azure-openai', { baseUrl: 'https://contoso-eu.openai.azure.com', apiKey: 'azure-key-1', upstreamModel: 'gpt-5-mini-prod', options: { apiVersion: 'v1' } }],
  'deepseek-chat': ['openai-compatible', { baseUrl: 'https://api.deepseek.com', apiKey: 'sk-ds', upstreamModel: 'deepseek-chat', options: { vendor: 'deepseek' } }],
  'deepseek-reasoner': ['openai-compatible', { baseUrl: 'https://api.deepseek.com', apiKey: 'sk-ds', upstreamModel: 'deepseek-reasoner', options: { vendor: 'deepseek' } }],
  qwen: ['openai-compatible', { baseUrl: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1', apiKey: 'sk-dashscope', upstreamModel: 'qwen-plus', options: { vendor: 'qwen' } }],
  ernie: ['openai-compatible', { baseUrl: 'https://qianfan.baidubce.com/v2', apiKey: 'bce-v3/ALTAK-qianfan', upstreamModel: 'ernie-4.5-turbo-128k', options: { vendor: 'ernie' } }],
  moonshot: ['openai-compatible', { baseUrl: 'https://api.moonshot.ai/v1', apiKey: 'sk-moonshot', upstreamModel: 'kimi-k2-0905-preview', options: { vendor: 'moonshot' } }],
  vllm: ['openai-compatible', { baseUrl: 'http://vllm.internal:8000/v1/', apiKey: 'token-vllm', upstreamModel: 'Qwen/Qwen3-32B', options: { vendor: 'vllm' } }],
  ollama: ['openai-compatible', { baseUrl: 'http://localhost:11434/v1', apiKey: '', upstreamModel: 'llama3.1:8b', options: { vendor: 'ollama' } }],
  generic: ['openai-compatible', { baseUrl: 'http://vllm.internal:8000/v1/', apiKey: 'token-vllm', upstreamModel: 'Qwen/Qwen3-32B', options: {} }],
};

function build(request: ChatRequest, target: string): UpstreamHttpRequest {
  const [provider, t] = TARGETS[target] as [ProviderId, UpstreamTarget];
  return PROVIDERS[provider].buildRequest(request, t);
}

function golden(http: UpstreamHttpRequest): unknown {
  return { url: http.url, headers: http.headers, dropped: http.dropped ?? [], body: JSON.parse(http.body) };
}

function user(text: string): ChatRequest['messages'] {
  return [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text, signature: '' } }, cacheControlJson: '' }], name: '' }];
}

function refusal(request: ChatRequest, target: string): IrError {
  try {
    build(request, target);
  } catch (e) {
    if (e instanceof IrError) return e;
    throw e;
  }
  throw new Error('the request was built');
}

// agent-turn: OpenAI-dialect tools, images, JSON schema, extras. streaming-chat: an Anthropic
// client (thinking, top_k, its own extras). reasoning-turn: an OpenAI client replaying
// thinking blocks and a tool turn, a developer message mid-conversation, a cache marker,
// logprobs and xhigh effort.
const CASES: [string, string][] = [
  ...['openai', 'azure-dated', 'azure-v1', 'generic', 'deepseek-chat', 'qwen', 'ernie', 'moonshot', 'vllm', 'ollama'].map((t): [string, string] => ['agent-turn', t]),
  ...['openai', 'generic', 'deepseek-reasoner', 'qwen', 'ernie', 'moonshot', 'vllm', 'ollama'].map((t): [string, string] => ['streaming-chat', t]),
  ...['openai', 'azure-dated', 'azure-v1', 'deepseek-chat', 'qwen', 'moonshot', 'vllm'].map((t): [string, string] => ['reasoning-turn', t]),
];

describe('OpenAI vendor profiles', () => {
  it.each(CASES)('writes %s for %s as the golden request', (name, target) => {
    expect(golden(build(readIrFixture<ChatRequest>(`${name}.ir.json`), target))).toStrictEqual(readJsonFixture(`${name}.${target}.request.json`));
  });

  it.each<[string, ChatRequest, string, string]>([
    ['logprobs on deepseek-reasoner', { model: 'm', messages: user('Hi'), sampling: { logprobs: true, stop: [] }, system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, 'deepseek-reasoner', 'logprobs: log probabilities are not available for this upstream (deepseek)'],
    ['logprobs on ERNIE', { model: 'm', messages: user('Hi'), sampling: { logprobs: true, topLogprobs: 2, stop: [] }, system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, 'ernie', 'logprobs: log probabilities are not available for this upstream (ernie)'],
    ['temperature 1.5 on Moonshot', { model: 'm', messages: user('Hi'), sampling: { temperature: 1.5, stop: [] }, system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, 'moonshot', 'temperature: must be between 0 and 1 for this upstream (moonshot)'],
    ['temperature 0 on ERNIE', { model: 'm', messages: user('Hi'), sampling: { temperature: 0, stop: [] }, system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, 'ernie', 'temperature: must be between 0.0001 and 1 for this upstream (ernie)'],
    ['n = 2 on Ollama', { model: 'm', messages: user('Hi'), sampling: { n: 2, stop: [] }, system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, 'ollama', 'n: at most 1 choice for this upstream (ollama)'],
    ['n = 6 on Moonshot', { model: 'm', messages: user('Hi'), sampling: { n: 6, stop: [] }, system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, 'moonshot', 'n: at most 5 choices for this upstream (moonshot)'],
    [
      'tool_choice required on Moonshot',
      { model: 'm', messages: user('Hi'), tools: [{ name: 'f', description: '', parametersJson: '', strict: false, cacheControlJson: '' }], toolChoice: { mode: ToolChoice_Mode.MODE_REQUIRED, name: '', disableParallel: false }, system: [], stream: false, includeUsage: false, droppedParams: [] },
      'moonshot',
      'tool_choice: "required" is not supported for this upstream (moonshot)',
    ],
  ])('refuses %s, naming the field', (_what, request, target, message) => {
    expect(refusal(request, target)).toMatchObject({ kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, message, param: message.slice(0, message.indexOf(':')) });
  });

  it('fails on a deployment with an unknown vendor', () => {
    const [, t] = TARGETS['vllm'] as [ProviderId, UpstreamTarget];
    expect(() => PROVIDERS['openai-compatible'].buildRequest({ model: 'm', messages: user('Hi'), system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, { ...t, options: { vendor: 'mistral' } })).toThrow(
      'openai-compatible deployment has unknown options.vendor "mistral"',
    );
  });

  it('keeps every vendor profile in the table', () => {
    expect(Object.keys(VENDOR_PROFILES)).toStrictEqual(['openai', 'azure', 'generic', 'deepseek', 'qwen', 'ernie', 'moonshot', 'vllm', 'ollama']);
  });
});
