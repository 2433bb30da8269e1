import { ChatRequest, Dialect, ErrorKind, IrError, Role, ToolChoice_Mode } from '@switchyard/ir';
import type { UpstreamTarget } from '../core/provider-adapter.types';
import { PROVIDERS } from '../registry';
import { irFixtures } from '@switchyard/testing';
import { join } from 'node:path';
import { buildOpenAiRequest } from './openai.request';

const { readIrFixture } = irFixtures(join(__dirname, '__fixtures__'));

const TARGETS: Record<string, UpstreamTarget> = {
  'agent-turn': { baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-proj-upstream', upstreamModel: 'gpt-4.1-2025-04-14', options: {} },
  'streaming-chat': { baseUrl: 'http://vllm.internal:8000/v1/', apiKey: 'token-vllm', upstreamModel: 'Qwen/Qwen3-32B', options: {} },
};

function wireBody(request: ChatRequest, provider: keyof typeof PROVIDERS = 'openai', target = TARGETS['agent-turn'] as UpstreamTarget): unknown {
  return JSON.parse(PROVIDERS[provider].buildRequest(request, target).body);
}

function user(text: string): ChatRequest['messages'] {
  return [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text, signature: '' } }, cacheControlJson: '' }], name: '' }];
}

describe(buildOpenAiRequest.name, () => {
  it('posts to /chat/completions under the base URL with the upstream key', () => {
    const request = readIrFixture<ChatRequest>('streaming-chat.ir.json');

    const http = PROVIDERS['openai-compatible'].buildRequest(request, TARGETS['streaming-chat'] as UpstreamTarget);

    expect({ url: http.url, headers: http.headers }).toStrictEqual({
      url: 'http://vllm.internal:8000/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: 'Bearer token-vllm' },
    });
  });

  it('always asks for usage when streaming, even if the client did not', () => {
    const body = wireBody({ model: 'm', messages: user('Hi'), stream: true, includeUsage: false, system: [], tools: [], droppedParams: [] });

    expect(body).toStrictEqual({ model: 'gpt-4.1-2025-04-14', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } });
  });

  it('lets modelled fields win over passthrough extras and never streams a non-streaming request', () => {
    const extras = { model: 'gpt-5', temperature: 2, stream: true, stream_options: { include_usage: false }, store: false };
    const request: ChatRequest = {
      model: 'm',
      messages: user('Hi'),
      sampling: { temperature: 0.3, stop: [] },
      stream: false,
      extensions: { dialect: Dialect.DIALECT_OPENAI, json: JSON.stringify(extras) },
      system: [],
      tools: [],
      includeUsage: false,
      droppedParams: [],
    };

    const allowAll = { ...(TARGETS['agent-turn'] as UpstreamTarget), passthrough: { allow: ['*'] } };

    expect(wireBody(request, 'openai', allowAll)).toStrictEqual({ store: false, model: 'gpt-4.1-2025-04-14', messages: [{ role: 'user', content: 'Hi' }], temperature: 0.3 });
  });

  describe('passthrough policy', () => {
    const extras = (fields: Record<string, unknown>): ChatRequest => ({
      model: 'm',
      messages: user('Hi'),
      extensions: { dialect: Dialect.DIALECT_OPENAI, json: JSON.stringify(fields) },
      system: [],
      tools: [],
      stream: false,
      includeUsage: false,
      droppedParams: [],
    });
    const build = (request: ChatRequest, passthrough?: UpstreamTarget['passthrough']) =>
      PROVIDERS.openai.buildRequest(request, { ...(TARGETS['agent-turn'] as UpstreamTarget), passthrough });

    it('forwards the safe fields and drops service_tier and store by default, listing them', () => {
      const http = build(extras({ logit_bias: { 50256: -100 }, verbosity: 'low', service_tier: 'priority', store: true }));

      expect(JSON.parse(http.body)).toMatchObject({ logit_bias: { 50256: -100 }, verbosity: 'low' });
      expect(JSON.parse(http.body)).not.toHaveProperty('service_tier');
      expect(JSON.parse(http.body)).not.toHaveProperty('store');
      expect(http.dropped).toStrictEqual(['service_tier', 'store']);
    });

    it('drops a field no rule names (a vendor extra) rather than forwarding it', () => {
      const http = build(extras({ enable_search: true }));

      expect(JSON.parse(http.body)).not.toHaveProperty('enable_search');
      expect(http.dropped).toStrictEqual(['enable_search']);
    });

    it('refuses web_search_options, naming it: without the search the answer would change unnoticed', () => {
      const run = () => build(extras({ web_search_options: { search_context_size: 'high' } }));

      expect(run).toThrow(expect.objectContaining({ kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, param: 'web_search_options' }));
      expect(run).toThrow(/web_search_options: this gateway does not forward this field/);
    });

    it("forwards what the operator's policy allows", () => {
      const http = build(extras({ service_tier: 'priority', web_search_options: {}, enable_search: true }), { allow: ['service_tier', 'web_search_options', 'enable_search'] });

      expect(JSON.parse(http.body)).toMatchObject({ service_tier: 'priority', web_search_options: {}, enable_search: true });
      expect(http.dropped).toBeUndefined();
    });

    it("drops a default-forwarded field the operator's policy denies, even when it also allows everything", () => {
      const http = build(extras({ logit_bias: { 1: 1 }, verbosity: 'low' }), { allow: ['*'], deny: ['logit_bias'] });

      expect(JSON.parse(http.body)).not.toHaveProperty('logit_bias');
      expect(JSON.parse(http.body)).toMatchObject({ verbosity: 'low' });
      expect(http.dropped).toStrictEqual(['logit_bias']);
    });

    it.each([
      [Dialect.DIALECT_ANTHROPIC, { mcp_servers: [{ type: 'url', url: 'https://x.example', name: 'x' }] }, 'mcp_servers'],
      [Dialect.DIALECT_GEMINI, { tools: [{ googleSearch: {} }], safetySettings: [] }, 'tools.googleSearch'],
    ])('refuses a foreign extra its own family refuses (%s: %j), naming it', (dialect, fields, param) => {
      const run = () => build({ model: 'm', messages: user('Hi'), extensions: { dialect, json: JSON.stringify(fields) }, system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] });

      expect(run).toThrow(expect.objectContaining({ kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, param }));
    });

    it('still lists the harmless foreign extras as dropped, by their top-level name', () => {
      const http = build({ model: 'm', messages: user('Hi'), extensions: { dialect: Dialect.DIALECT_GEMINI, json: '{"safetySettings":[],"generationConfig":{"mediaResolution":"MEDIA_RESOLUTION_LOW"}}' }, system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] });

      expect(http.dropped).toStrictEqual(['safetySettings', 'generationConfig']);
    });

    it("keeps the gateway's own $-notes whatever the policy", () => {
      const http = build({ ...extras({ $instructions: [] }), system: [] }, { deny: ['*'] });

      expect(http.dropped).toBeUndefined();
    });
  });

  it('sends neither tool_choice nor parallel_tool_calls without tools', () => {
    // OpenAI answers 400 "'tool_choice' is only allowed when 'tools' are specified".
    const request: ChatRequest = { model: 'm', messages: user('Hi'), tools: [], toolChoice: { mode: ToolChoice_Mode.MODE_AUTO, disableParallel: true, name: '' }, system: [], stream: false, includeUsage: false, droppedParams: [] };

    expect(wireBody(request)).toStrictEqual({ model: 'gpt-4.1-2025-04-14', messages: [{ role: 'user', content: 'Hi' }] });
  });

  it.each<[keyof typeof ToolChoice_Mode, string]>([
    ['MODE_AUTO', 'auto'],
    ['MODE_NONE', 'none'],
    ['MODE_REQUIRED', 'required'],
  ])('writes tool choice %s as "%s"', (name, wire) => {
    const request: ChatRequest = { model: 'm', messages: user('Hi'), tools: [{ name: 'ping', description: '', parametersJson: '', strict: false, cacheControlJson: '' }], toolChoice: { mode: ToolChoice_Mode[name], name: '', disableParallel: false }, system: [], stream: false, includeUsage: false, droppedParams: [] };

    expect(wireBody(request)).toMatchObject({ tool_choice: wire });
    expect(wireBody(request)).not.toHaveProperty('parallel_tool_calls');
  });

  it('writes audio and file parts of a user message', () => {
    const request: ChatRequest = {
      model: 'm',
      messages: [
        {
          role: Role.ROLE_USER,
          content: [
            { part: { $case: 'audio', value: { data: 'UklGRiQAAABXQVZF', format: 'wav' } }, cacheControlJson: '' },
            { part: { $case: 'file', value: { data: 'JVBERi0xLjQK', mediaType: 'application/pdf', filename: 'invoice.pdf', url: '', fileId: '' } }, cacheControlJson: '' },
            { part: { $case: 'file', value: { fileId: 'file-6F2ksmvXxt4VdoqmHRw6kL', data: '', url: '', mediaType: '', filename: '' } }, cacheControlJson: '' },
          ],
          name: '',
        },
      ],
      system: [],
      tools: [],
      stream: false,
      includeUsage: false,
      droppedParams: [],
    };

    expect(wireBody(request)).toStrictEqual({
      model: 'gpt-4.1-2025-04-14',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'input_audio', input_audio: { data: 'UklGRiQAAABXQVZF', format: 'wav' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0xLjQK', filename: 'invoice.pdf' } },
            { type: 'file', file: { file_id: 'file-6F2ksmvXxt4VdoqmHRw6kL' } },
          ],
        },
      ],
    });
  });

  it.each<[string, ChatRequest['messages'], string, string]>([
    [
      'an image in a tool result',
      [{ role: Role.ROLE_TOOL, content: [{ part: { $case: 'toolResult', value: { callId: 'call_1', content: [{ part: { $case: 'image', value: { url: 'https://example.com/a.png', data: '', mediaType: '', detail: '' } }, cacheControlJson: '' }], name: '', isError: false } }, cacheControlJson: '' }], name: '' }],
      'tool_result.content: only text is supported here by this provider',
      'tool_result.content',
    ],
    [
      'a tool call in a user message',
      [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'a', signature: '' } }, cacheControlJson: '' }, { part: { $case: 'toolCall', value: { id: 'call_1', name: 'f', argumentsJson: '', signature: '' } }, cacheControlJson: '' }], name: '' }],
      'user messages cannot carry toolCall parts',
      'messages',
    ],
    ['a message without a role', [{ content: [{ part: { $case: 'text', value: { text: 'Hi', signature: '' } }, cacheControlJson: '' }], role: Role.ROLE_UNSPECIFIED, name: '' }], 'message role is missing', 'messages'],
  ])('rejects %s as an invalid request', (_what, messages, message, param) => {
    const build = () => wireBody({ model: 'm', messages, system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] });

    expect(build).toThrow(IrError);
    expect(build).toThrow(expect.objectContaining({ kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, message, param }));
  });
});
