import { ChatRequest, ContentPart, Dialect, ErrorKind, IrError, Reasoning_Effort, ResponseFormat_Type, Role, ToolChoice_Mode } from '@switchyard/ir';
import { irFixtures } from '@switchyard/testing';
import { join } from 'node:path';
import type { ProviderAdapter, UpstreamHttpRequest, UpstreamTarget } from '../core/provider-adapter.types';
import { PROVIDERS } from '../registry';
import { anthropicUrl, buildAnthropicRequest } from './anthropic.request';

// The shared IR fixtures live with the OpenAI provider; the Anthropic bodies are golden here.
const shared = irFixtures(join(__dirname, '../openai/__fixtures__'));
const own = irFixtures(join(__dirname, '__fixtures__'));

const TARGET: UpstreamTarget = { baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant-upstream', upstreamModel: 'claude-sonnet-4-5-20250929', options: {} };
const TARGETS: Record<string, UpstreamTarget> = {
  'agent-turn': TARGET,
  'streaming-chat': { baseUrl: 'https://anthropic-proxy.internal/v1/', apiKey: 'sk-ant-proxy', upstreamModel: 'claude-opus-4-1-20250805', options: {} },
};

const text = (t: string): ContentPart => ({ part: { $case: 'text', value: { text: t, signature: '' } }, cacheControlJson: '' });
const user = (...content: ContentPart[]): ChatRequest['messages'] => [{ role: Role.ROLE_USER, content, name: '' }];

function build(request: ChatRequest, target: UpstreamTarget = TARGET): UpstreamHttpRequest {
  return PROVIDERS.anthropic.buildRequest(request, target);
}

function body(request: ChatRequest, target: UpstreamTarget = TARGET): Record<string, unknown> {
  return JSON.parse(build(request, target).body) as Record<string, unknown>;
}

function rejects(request: ChatRequest, message: string, param: string): void {
  const run = () => build(request);
  expect(run).toThrow(IrError);
  expect(run).toThrow(expect.objectContaining({ kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, message, param }));
}

describe(buildAnthropicRequest.name, () => {
  // agent-turn: an OpenAI client with images, parallel tool results, tools, a named tool choice,
  // a JSON schema, OpenAI-only sampling and extras. streaming-chat: an Anthropic client with a
  // signed thinking block, top_k, output_config.effort, a thinking budget above max_tokens and
  // its own extras.
  it.each(['agent-turn', 'streaming-chat'])('writes %s as the golden wire body', (name) => {
    const http = build(shared.readIrFixture<ChatRequest>(`${name}.ir.json`), TARGETS[name]);

    expect(JSON.parse(http.body)).toStrictEqual(own.readJsonFixture(`${name}.anthropic.body.json`));
  });

  it('lists what agent-turn loses on the way to Anthropic', () => {
    const http = build(shared.readIrFixture<ChatRequest>('agent-turn.ir.json'));

    expect(http.dropped).toStrictEqual(['metadata', 'logit_bias', 'store', 'service_tier', 'messages[].name', 'image.detail', 'seed', 'presence_penalty', 'frequency_penalty']);
  });

  it('drops the whitespace-only stop sequence of streaming-chat, which Anthropic rejects, and the service tier the policy does not forward', () => {
    const http = build(shared.readIrFixture<ChatRequest>('streaming-chat.ir.json'), TARGETS['streaming-chat']);

    expect(http.dropped).toStrictEqual(['service_tier', 'stop']);
    expect(JSON.parse(http.body)).not.toHaveProperty('stop_sequences');
  });

  it('posts to /v1/messages with the upstream key and the API version', () => {
    const http = build(shared.readIrFixture<ChatRequest>('streaming-chat.ir.json'), TARGETS['streaming-chat']);

    expect({ url: http.url, headers: http.headers }).toStrictEqual({
      url: 'https://anthropic-proxy.internal/v1/messages',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-proxy', 'anthropic-version': '2023-06-01' },
    });
  });

  it('takes the API version and beta flags from the target options', () => {
    const http = build({ messages: user(text('Hi')), model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, { ...TARGET, options: { anthropicVersion: '2023-01-01', anthropicBeta: 'interleaved-thinking-2025-05-14,files-api-2025-04-14' } });

    expect(http.headers).toStrictEqual({
      'content-type': 'application/json',
      'x-api-key': 'sk-ant-upstream',
      'anthropic-version': '2023-01-01',
      'anthropic-beta': 'interleaved-thinking-2025-05-14,files-api-2025-04-14',
    });
  });

  it.each(['https://api.anthropic.com', 'https://api.anthropic.com/', 'https://api.anthropic.com/v1', 'https://api.anthropic.com/v1/'])('reads base URL %s with or without /v1', (base) => {
    expect(anthropicUrl(base, '/messages')).toBe('https://api.anthropic.com/v1/messages');
  });

  it('writes a minimal request with the model maximum as max_tokens and no stream flag', () => {
    expect(body({ model: 'claude', messages: user(text('Hi')), stream: false, system: [], tools: [], includeUsage: false, droppedParams: [] })).toStrictEqual({
      model: 'claude-sonnet-4-5-20250929',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      max_tokens: 64000,
    });
  });

  it.each<[string, UpstreamTarget['options'], number]>([
    ['claude-opus-4-1-20250805', {}, 32000],
    ['claude-haiku-4-5', {}, 64000],
    ['claude-3-5-haiku-20241022', {}, 8192],
    ['claude-3-haiku-20240307', {}, 4096],
    ['my-claude-finetune', {}, 4096],
    ['claude-sonnet-4-5', { defaultMaxTokens: 2000 }, 2000],
    ['claude-sonnet-4-5', { defaultMaxTokens: '3000' }, 3000],
  ])('defaults max_tokens for %s with options %j to %d', (model, options, maxTokens) => {
    expect(body({ messages: user(text('Hi')), model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, { ...TARGET, upstreamModel: model, options })).toMatchObject({ max_tokens: maxTokens });
  });

  describe('thinking', () => {
    const withReasoning = (reasoning: ChatRequest['reasoning'], maxTokens?: number): Record<string, unknown> =>
      body({ messages: user(text('Hi')), reasoning, sampling: maxTokens === undefined ? undefined : { maxTokens, stop: [] }, model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, { ...TARGET, options: { defaultMaxTokens: 8000 } });

    it.each<[keyof typeof Reasoning_Effort, number]>([
      ['EFFORT_MINIMAL', 1024],
      ['EFFORT_LOW', 4096],
      ['EFFORT_MEDIUM', 8192],
      ['EFFORT_HIGH', 16384],
    ])('turns %s into a budget of %d tokens', (effort, budget) => {
      const b = withReasoning({ effort: Reasoning_Effort[effort] }, 32000);

      expect({ thinking: b['thinking'], max_tokens: b['max_tokens'] }).toStrictEqual({ thinking: { type: 'enabled', budget_tokens: budget }, max_tokens: 32000 });
    });

    it('shrinks an effort budget to half the client max_tokens (at least 1024), leaving the answer the rest', () => {
      expect(withReasoning({ effort: Reasoning_Effort.EFFORT_HIGH }, 5000)).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 2500 }, max_tokens: 5000 });
      // A budgeted tenant's request without max_tokens is sent with 4,096: low effort (4,096) must not take it all.
      expect(withReasoning({ effort: Reasoning_Effort.EFFORT_LOW }, 4096)).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 2048 }, max_tokens: 4096 });
      expect(withReasoning({ effort: Reasoning_Effort.EFFORT_MEDIUM }, 1500)).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 1500 });
    });

    it('adds the budget on top of a max_tokens too small to hold it', () => {
      expect(withReasoning({ effort: Reasoning_Effort.EFFORT_LOW }, 500)).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 4096 }, max_tokens: 4596 });
      expect(withReasoning({ budgetTokens: 10000, effort: Reasoning_Effort.EFFORT_UNSPECIFIED }, 2000)).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 10000 }, max_tokens: 12000 });
    });

    it('keeps an explicit budget below max_tokens as it is, whatever the effort', () => {
      expect(withReasoning({ effort: Reasoning_Effort.EFFORT_HIGH, budgetTokens: 2048 }, 3000)).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 2048 }, max_tokens: 3000 });
    });

    it('raises the default max_tokens above a larger budget', () => {
      expect(withReasoning({ budgetTokens: 12000, effort: Reasoning_Effort.EFFORT_UNSPECIFIED })).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 12000 }, max_tokens: 16096 });
    });

    it('raises a budget below 1024 to the minimum and says so', () => {
      const http = build({ messages: user(text('Hi')), reasoning: { budgetTokens: 512, effort: Reasoning_Effort.EFFORT_UNSPECIFIED }, sampling: { maxTokens: 4000, stop: [] }, model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] });

      expect(JSON.parse(http.body)).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 4000 });
      expect(http.dropped).toStrictEqual(['reasoning.budget_tokens']);
    });

    it('reads a zero budget as thinking off', () => {
      expect(withReasoning({ effort: Reasoning_Effort.EFFORT_HIGH, budgetTokens: 0 }, 3000)).not.toHaveProperty('thinking');
    });

    describe('from an Anthropic client', () => {
      const native = (reasoning: ChatRequest['reasoning'], extras?: object): Record<string, unknown> =>
        body({
          messages: user(text('Hi')),
          sampling: { maxTokens: 2000, stop: [] },
          reasoning,
          meta: { dialect: Dialect.DIALECT_ANTHROPIC, requestId: '', tenantId: '', keyId: '', endUserId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
          extensions: extras && { dialect: Dialect.DIALECT_ANTHROPIC, json: JSON.stringify(extras) },
          model: '',
          system: [],
          tools: [],
          stream: false,
          includeUsage: false,
          droppedParams: [],
        });

      it('sends an effort back as output_config.effort, not as a thinking budget', () => {
        const b = native({ effort: Reasoning_Effort.EFFORT_LOW }, { thinking: { type: 'adaptive' } });

        expect({ thinking: b['thinking'], output_config: b['output_config'], max_tokens: b['max_tokens'] }).toStrictEqual({
          thinking: { type: 'adaptive' },
          output_config: { effort: 'low' },
          max_tokens: 2000,
        });
      });

      it('keeps the display of its thinking and sends a disabled thinking back', () => {
        expect(native({ budgetTokens: 1500, effort: Reasoning_Effort.EFFORT_UNSPECIFIED }, { thinking: { type: 'enabled', budget_tokens: 1500, display: 'omitted' } })['thinking']).toStrictEqual({
          type: 'enabled',
          budget_tokens: 1500,
          display: 'omitted',
        });
        expect(native({ budgetTokens: 0, effort: Reasoning_Effort.EFFORT_UNSPECIFIED })['thinking']).toStrictEqual({ type: 'disabled' });
      });
    });
  });

  describe('messages', () => {
    it('merges consecutive turns of one role and puts tool results first in a user turn', () => {
      const request: ChatRequest = {
        messages: [
          { role: Role.ROLE_USER, content: [text('Weather in Paris?')], name: '' },
          { role: Role.ROLE_USER, content: [text('And Oslo?')], name: '' },
          { role: Role.ROLE_ASSISTANT, content: [{ part: { $case: 'toolCall', value: { id: 'toolu_1', name: 'get_weather', argumentsJson: '{"city":"Paris"}', signature: '' } }, cacheControlJson: '' }], name: '' },
          { role: Role.ROLE_ASSISTANT, content: [{ part: { $case: 'toolCall', value: { id: 'toolu_2', name: 'get_weather', argumentsJson: '', signature: '' } }, cacheControlJson: '' }], name: '' },
          { role: Role.ROLE_USER, content: [text('Be quick.')], name: '' },
          { role: Role.ROLE_TOOL, content: [{ part: { $case: 'toolResult', value: { callId: 'toolu_1', content: [text('18C')], name: '', isError: false } }, cacheControlJson: '' }], name: '' },
          { role: Role.ROLE_TOOL, content: [{ part: { $case: 'toolResult', value: { callId: 'toolu_2', content: [], isError: true, name: '' } }, cacheControlJson: '' }], name: '' },
        ],
        model: '',
        system: [],
        tools: [],
        stream: false,
        includeUsage: false,
        droppedParams: [],
      };

      expect(body(request)['messages']).toStrictEqual([
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }, { type: 'text', text: 'And Oslo?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '18C' }] },
            { type: 'tool_result', tool_use_id: 'toolu_2', is_error: true },
            { type: 'text', text: 'Be quick.' },
          ],
        },
      ]);
    });

    it('sends a conversation that starts with the assistant as it is', () => {
      const request: ChatRequest = { messages: [{ role: Role.ROLE_ASSISTANT, content: [text('Hello, how can I help?')], name: '' }, ...(user(text('Hi')) ?? [])], model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] };

      expect(body(request)['messages']).toStrictEqual([
        { role: 'assistant', content: [{ type: 'text', text: 'Hello, how can I help?' }] },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      ]);
    });

    it('skips empty text parts and the turns they leave empty', () => {
      const request: ChatRequest = {
        messages: [
          { role: Role.ROLE_USER, content: [text('Hi')], name: '' },
          { role: Role.ROLE_ASSISTANT, content: [text('')], name: '' },
          { role: Role.ROLE_USER, content: [text('Still there?')], name: '' },
        ],
        model: '',
        system: [],
        tools: [],
        stream: false,
        includeUsage: false,
        droppedParams: [],
      };

      expect(body(request)['messages']).toStrictEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'text', text: 'Still there?' }] }]);
    });

    it('makes tool call ids Anthropic accepts, the same way on both sides', () => {
      const request: ChatRequest = {
        messages: [
          { role: Role.ROLE_ASSISTANT, content: [{ part: { $case: 'toolCall', value: { id: 'functions.get_weather:0', name: 'get_weather', argumentsJson: '{}', signature: '' } }, cacheControlJson: '' }], name: '' },
          { role: Role.ROLE_TOOL, content: [{ part: { $case: 'toolResult', value: { callId: 'functions.get_weather:0', content: [text('ok')], name: '', isError: false } }, cacheControlJson: '' }], name: '' },
        ],
        model: '',
        system: [],
        tools: [],
        stream: false,
        includeUsage: false,
        droppedParams: [],
      };

      expect(body(request)['messages']).toMatchObject([{ content: [{ id: 'functions_get_weather_0' }] }, { content: [{ tool_use_id: 'functions_get_weather_0' }] }]);
    });

    it('replays signed and redacted reasoning and drops unsigned reasoning', () => {
      const http = build({
        messages: [
          ...(user(text('Hi')) ?? []),
          {
            role: Role.ROLE_ASSISTANT,
            content: [
              { part: { $case: 'reasoning', value: { text: 'from deepseek', signature: '', redactedData: '' } }, cacheControlJson: '' },
              { part: { $case: 'reasoning', value: { text: 'mine', signature: 'EqQBsig', redactedData: '' } }, cacheControlJson: '' },
              { part: { $case: 'reasoning', value: { redactedData: 'EmwKredacted', text: '', signature: '' } }, cacheControlJson: '' },
              text('Hello'),
            ],
            name: '',
          },
        ],
        model: '',
        system: [],
        tools: [],
        stream: false,
        includeUsage: false,
        droppedParams: [],
      });

      expect(JSON.parse(http.body)).toMatchObject({
        messages: [
          {},
          {
            role: 'assistant',
            content: [{ type: 'thinking', thinking: 'mine', signature: 'EqQBsig' }, { type: 'redacted_thinking', data: 'EmwKredacted' }, { type: 'text', text: 'Hello' }],
          },
        ],
      });
      expect(http.dropped).toStrictEqual(['messages[].reasoning']);
    });

    it('writes images, documents and tool-result images', () => {
      const request: ChatRequest = {
        messages: [
          {
            role: Role.ROLE_USER,
            content: [
              { part: { $case: 'image', value: { url: 'data:image/jpeg;base64,/9j/4AAQ', data: '', mediaType: '', detail: '' } }, cacheControlJson: '' },
              { part: { $case: 'file', value: { data: 'JVBERi0xLjQK', mediaType: 'application/pdf', filename: 'invoice.pdf', url: '', fileId: '' } }, cacheControlJson: '' },
              { part: { $case: 'file', value: { url: 'https://example.com/report.pdf', mediaType: 'application/pdf', data: '', filename: '', fileId: '' } }, cacheControlJson: '' },
              { part: { $case: 'file', value: { url: 'data:application/pdf;base64,JVBERi0xLjcK', data: '', mediaType: '', filename: '', fileId: '' } }, cacheControlJson: '' },
              { part: { $case: 'file', value: { data: Buffer.from('Notes: ship it.').toString('base64'), mediaType: 'text/plain', url: '', filename: '', fileId: '' } }, cacheControlJson: '' },
              { part: { $case: 'toolResult', value: { callId: 'toolu_1', content: [{ part: { $case: 'image', value: { data: 'iVBORw0K', mediaType: 'image/png', url: '', detail: '' } }, cacheControlJson: '' }], name: '', isError: false } }, cacheControlJson: '' },
            ],
            name: '',
          },
        ],
        model: '',
        system: [],
        tools: [],
        stream: false,
        includeUsage: false,
        droppedParams: [],
      };

      expect(body(request)['messages']).toStrictEqual([
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0K' } }] },
            { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' }, title: 'invoice.pdf' },
            { type: 'document', source: { type: 'url', url: 'https://example.com/report.pdf' } },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjcK' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Notes: ship it.' } },
          ],
        },
      ]);
    });

    it("sends an Anthropic client's Files API id as a file document source", () => {
      const request: ChatRequest = {
        messages: user({ part: { $case: 'file', value: { fileId: 'file_011CNha8iCJcU1wXNR6q4V8w', filename: 'spec.pdf', data: '', url: '', mediaType: '' } }, cacheControlJson: '' }),
        meta: { dialect: Dialect.DIALECT_ANTHROPIC, requestId: '', tenantId: '', keyId: '', endUserId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
        model: '',
        system: [],
        tools: [],
        stream: false,
        includeUsage: false,
        droppedParams: [],
      };

      expect(body(request)['messages']).toStrictEqual([
        { role: 'user', content: [{ type: 'document', source: { type: 'file', file_id: 'file_011CNha8iCJcU1wXNR6q4V8w' }, title: 'spec.pdf' }] },
      ]);
    });

    it('passes cache_control markers on system parts, blocks and tools', () => {
      const cache = '{"type":"ephemeral","ttl":"1h"}';
      const b = body({
        system: [{ part: { $case: 'text', value: { text: 'Long manual', signature: '' } }, cacheControlJson: cache }],
        messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'Q', signature: '' } }, cacheControlJson: '{"type":"ephemeral"}' }], name: '' }],
        tools: [{ name: 'ping', cacheControlJson: '{"type":"ephemeral"}', description: '', parametersJson: '', strict: false }],
        model: '',
        stream: false,
        includeUsage: false,
        droppedParams: [],
      });

      expect(b).toMatchObject({
        system: [{ type: 'text', text: 'Long manual', cache_control: { type: 'ephemeral', ttl: '1h' } }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Q', cache_control: { type: 'ephemeral' } }] }],
        tools: [{ name: 'ping', input_schema: { type: 'object', properties: {} }, cache_control: { type: 'ephemeral' } }],
      });
    });

    it.each<[string, ChatRequest, string, string]>([
      ['audio', { messages: user({ part: { $case: 'audio', value: { data: 'UklGR', format: 'wav' } }, cacheControlJson: '' }), model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, 'messages[0].content[0]: Anthropic does not accept audio input', 'messages[0].content[0]'],
      [
        'a spreadsheet',
        { messages: user(text('Sum it'), { part: { $case: 'file', value: { data: 'UEsDBA', mediaType: 'application/vnd.ms-excel', url: '', filename: '', fileId: '' } }, cacheControlJson: '' }), model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
        'messages[0].content[1]: Anthropic accepts PDF and inline text/plain documents, not "application/vnd.ms-excel" files',
        'messages[0].content[1]',
      ],
      [
        'an OpenAI file id',
        { messages: user({ part: { $case: 'file', value: { fileId: 'file-6F2ksmvXxt4VdoqmHRw6kL', data: '', url: '', mediaType: '', filename: '' } }, cacheControlJson: '' }), model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
        "messages[0].content[0]: file ids cannot be sent to Anthropic; send the file's data",
        'messages[0].content[0]',
      ],
      [
        'a TIFF image',
        { messages: user({ part: { $case: 'image', value: { data: 'SUkqAA', mediaType: 'image/tiff', url: '', detail: '' } }, cacheControlJson: '' }), model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
        'messages[0].content[0]: Anthropic accepts jpeg, png, gif and webp images, not "image/tiff"',
        'messages[0].content[0]',
      ],
      [
        'an ftp image URL',
        { messages: user({ part: { $case: 'image', value: { url: 'ftp://example.com/a.png', data: '', mediaType: '', detail: '' } }, cacheControlJson: '' }), model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
        'messages[0].content[0]: image URLs must be http(s) or data: URLs',
        'messages[0].content[0]',
      ],
      [
        'tool arguments that are not JSON',
        { messages: [{ role: Role.ROLE_ASSISTANT, content: [{ part: { $case: 'toolCall', value: { id: 'toolu_1', name: 'f', argumentsJson: '{"city":', signature: '' } }, cacheControlJson: '' }], name: '' }], model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
        'messages[0].content[0].arguments: tool call arguments are not valid JSON',
        'messages[0].content[0].arguments',
      ],
      [
        'tool arguments that are an array',
        { messages: [{ role: Role.ROLE_ASSISTANT, content: [{ part: { $case: 'toolCall', value: { id: 'toolu_1', name: 'f', argumentsJson: '[1]', signature: '' } }, cacheControlJson: '' }], name: '' }], model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
        'messages[0].content[0].arguments: tool call arguments must be a JSON object',
        'messages[0].content[0].arguments',
      ],
      [
        'an image in an assistant turn',
        { messages: [{ role: Role.ROLE_ASSISTANT, content: [{ part: { $case: 'image', value: { url: 'https://example.com/a.png', data: '', mediaType: '', detail: '' } }, cacheControlJson: '' }], name: '' }], model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
        'messages[0].content[0]: assistant messages cannot carry image parts',
        'messages[0].content[0]',
      ],
      [
        'a tool call in a user turn',
        { messages: user({ part: { $case: 'toolCall', value: { id: 'toolu_1', name: 'f', argumentsJson: '', signature: '' } }, cacheControlJson: '' }), model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
        'messages[0].content[0]: user messages cannot carry toolCall parts',
        'messages[0].content[0]',
      ],
      ['a message without a role', { messages: [{ content: [text('Hi')], role: Role.ROLE_UNSPECIFIED, name: '' }], model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, 'messages[0].role: message role is missing', 'messages[0].role'],
      [
        'an image in the system prompt',
        { system: [{ part: { $case: 'image', value: { url: 'https://example.com/a.png', data: '', mediaType: '', detail: '' } }, cacheControlJson: '' }], messages: user(text('Hi')), model: '', tools: [], stream: false, includeUsage: false, droppedParams: [] },
        'system[0]: Anthropic system prompts take text only, not image parts',
        'system[0]',
      ],
      [
        'a cache marker that is not an object',
        { messages: user({ part: { $case: 'text', value: { text: 'Q', signature: '' } }, cacheControlJson: '"ephemeral"' }), model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
        'messages[0].content[0].cache_control: expected an object',
        'messages[0].content[0].cache_control',
      ],
    ])('rejects %s naming the part', (_what, request, message, param) => {
      rejects(request, message, param);
    });
  });

  describe('tools and sampling', () => {
    const tools: ChatRequest['tools'] = [{ name: 'ping', parametersJson: '{"properties":{"host":{"type":"string"}}}', description: '', strict: false, cacheControlJson: '' }];

    it.each<[keyof typeof ToolChoice_Mode, boolean, unknown]>([
      ['MODE_AUTO', false, { type: 'auto' }],
      ['MODE_AUTO', true, { type: 'auto', disable_parallel_tool_use: true }],
      ['MODE_UNSPECIFIED', true, { type: 'auto', disable_parallel_tool_use: true }],
      ['MODE_REQUIRED', false, { type: 'any' }],
      ['MODE_REQUIRED', true, { type: 'any', disable_parallel_tool_use: true }],
      ['MODE_NONE', true, { type: 'none' }],
    ])('writes tool choice %s (disable parallel: %s) as %j', (mode, disableParallel, wire) => {
      expect(body({ messages: user(text('Hi')), tools, toolChoice: { mode: ToolChoice_Mode[mode], disableParallel, name: '' }, model: '', system: [], stream: false, includeUsage: false, droppedParams: [] })['tool_choice']).toStrictEqual(wire);
    });

    it('sends no tool_choice without tools and none for an unspecified choice', () => {
      expect(body({ messages: user(text('Hi')), toolChoice: { mode: ToolChoice_Mode.MODE_REQUIRED, name: '', disableParallel: false }, model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] })).not.toHaveProperty('tool_choice');
      expect(body({ messages: user(text('Hi')), tools, toolChoice: { mode: ToolChoice_Mode.MODE_UNSPECIFIED, name: '', disableParallel: false }, model: '', system: [], stream: false, includeUsage: false, droppedParams: [] })).not.toHaveProperty('tool_choice');
    });

    it('completes a schema without a type as an object schema', () => {
      expect(body({ messages: user(text('Hi')), tools, model: '', system: [], stream: false, includeUsage: false, droppedParams: [] })['tools']).toStrictEqual([{ name: 'ping', input_schema: { type: 'object', properties: { host: { type: 'string' } } } }]);
    });

    it('rejects a tool schema that is not an object schema', () => {
      rejects({ messages: user(text('Hi')), tools: [{ name: 'f', parametersJson: '{"type":"string"}', description: '', strict: false, cacheControlJson: '' }], model: '', system: [], stream: false, includeUsage: false, droppedParams: [] }, 'tools[0].parameters: Anthropic tools need an object schema ("type": "object")', 'tools[0].parameters');
    });

    it('clamps a temperature above 1 and lists it', () => {
      const http = build({ messages: user(text('Hi')), sampling: { temperature: 1.6, presencePenalty: 0, frequencyPenalty: 0, stop: [] }, model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] });

      expect(JSON.parse(http.body)).toMatchObject({ temperature: 1 });
      expect(http.dropped).toStrictEqual(['temperature']);
    });

    it.each<[string, ChatRequest['sampling'], string, string]>([
      ['n > 1', { n: 2, stop: [] }, 'n: Anthropic returns one choice per request; n must be 1', 'n'],
      ['logprobs', { logprobs: true, stop: [] }, 'logprobs: Anthropic does not return log probabilities', 'logprobs'],
      ['top_logprobs', { topLogprobs: 5, stop: [] }, 'top_logprobs: Anthropic does not return log probabilities', 'top_logprobs'],
    ])('rejects %s, which changes the answer shape', (_what, sampling, message, param) => {
      rejects({ messages: user(text('Hi')), sampling, model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, message, param);
    });

    it('accepts n = 1', () => {
      expect(body({ messages: user(text('Hi')), sampling: { n: 1, stop: [] }, model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] })).not.toHaveProperty('n');
    });

    it('rejects a schema-less JSON mode', () => {
      rejects(
        { messages: user(text('Hi')), responseFormat: { type: ResponseFormat_Type.TYPE_JSON_OBJECT, schemaName: '', schemaJson: '', strict: false }, model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
        'response_format: Anthropic has no schema-less JSON mode; use a json_schema response format',
        'response_format',
      );
    });
  });

  describe('extensions', () => {
    it('merges the Anthropic extras the policy allows under the modelled fields and never streams a non-streaming request', () => {
      const extras = { model: 'claude-opus-4-1', max_tokens: 5, stream: true, service_tier: 'auto', metadata: { user_id: 'client-id' }, output_config: { effort: 'low' } };
      const allowing: UpstreamTarget = { ...TARGET, passthrough: { allow: ['model', 'max_tokens', 'stream', 'service_tier'] } };
      const request: ChatRequest = {
        messages: user(text('Hi')),
        sampling: { maxTokens: 100, stop: [] },
        responseFormat: { type: ResponseFormat_Type.TYPE_JSON_SCHEMA, schemaName: 'r', schemaJson: '{"type":"object"}', strict: false },
        meta: { endUserId: 'user-1234', requestId: '', tenantId: '', keyId: '', region: '', dialect: Dialect.DIALECT_UNSPECIFIED, cacheMode: '', allowedRegions: [], clientRequestId: '' },
        extensions: { dialect: Dialect.DIALECT_ANTHROPIC, json: JSON.stringify(extras) },
        model: '',
        system: [],
        tools: [],
        stream: false,
        includeUsage: false,
        droppedParams: [],
      };

      expect(body(request, allowing)).toStrictEqual({
        model: 'claude-sonnet-4-5-20250929',
        max_tokens: 100,
        service_tier: 'auto',
        metadata: { user_id: 'user-1234' },
        output_config: { effort: 'low', format: { type: 'json_schema', schema: { type: 'object' } } },
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      });
    });

    it.each([
      ['mcp_servers', { mcp_servers: [{ type: 'url', url: 'https://attacker.example/mcp', name: 'x' }] }],
      ['container', { container: 'container_011CZ' }],
      ['inference_geo', { inference_geo: 'us' }],
    ])('refuses %s by default, naming it', (param, extras) => {
      rejects(
        { messages: user(text('Hi')), extensions: { dialect: Dialect.DIALECT_ANTHROPIC, json: JSON.stringify(extras) }, model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
        expect.stringContaining(`${param}: this gateway does not forward this field`) as unknown as string,
        param,
      );
    });

    it('drops workspace_id, service_tier and speed by default and forwards cache_control, listing what it dropped', () => {
      const extras = { workspace_id: 'wrkspc_other', service_tier: 'auto', speed: 'fast', cache_control: { type: 'ephemeral' } };
      const http = build({ messages: user(text('Hi')), extensions: { dialect: Dialect.DIALECT_ANTHROPIC, json: JSON.stringify(extras) }, model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] });

      expect(JSON.parse(http.body)).toMatchObject({ cache_control: { type: 'ephemeral' } });
      expect(JSON.parse(http.body)).not.toHaveProperty('workspace_id');
      expect(http.dropped).toStrictEqual(['workspace_id', 'service_tier', 'speed']);
    });

    it('forwards mcp_servers to a provider whose policy allows it', () => {
      const servers = [{ type: 'url', url: 'https://mcp.example/sse', name: 'docs' }];
      const request: ChatRequest = { messages: user(text('Hi')), extensions: { dialect: Dialect.DIALECT_ANTHROPIC, json: JSON.stringify({ mcp_servers: servers }) }, model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] };

      expect(body(request, { ...TARGET, passthrough: { allow: ['mcp_servers'] } })['mcp_servers']).toStrictEqual(servers);
    });

    it('lists the extras of other dialects as dropped', () => {
      const http = build({ messages: user(text('Hi')), extensions: { dialect: Dialect.DIALECT_GEMINI, json: '{"safetySettings":[],"labels":{"a":"b"}}' }, model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] });

      expect(http.dropped).toStrictEqual(['safetySettings', 'labels']);
      expect(JSON.parse(http.body)).not.toHaveProperty('safetySettings');
    });

    it("refuses another dialect's extra that its own family's rules refuse, since it cannot be forwarded here either", () => {
      rejects(
        { messages: user(text('Hi')), extensions: { dialect: Dialect.DIALECT_GEMINI, json: '{"safetySettings":[],"cachedContent":"c/1"}' }, model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] },
        expect.stringContaining('cachedContent: the upstream serving this model cannot take this field') as unknown as string,
        'cachedContent',
      );
    });
  });
});

describe('AnthropicAdapter.buildCountTokensRequest', () => {
  it('counts with the same translation, without max_tokens, stream or sampling', () => {
    const request = shared.readIrFixture<ChatRequest>('streaming-chat.ir.json');
    const sut = PROVIDERS.anthropic;

    const http = sut.buildCountTokensRequest?.(request, TARGETS['streaming-chat'] as UpstreamTarget);
    const generate = own.readJsonFixture('streaming-chat.anthropic.body.json') as Record<string, unknown>;

    expect(http?.url).toBe('https://anthropic-proxy.internal/v1/messages/count_tokens');
    expect(JSON.parse(http?.body ?? '')).toStrictEqual({
      model: generate['model'],
      system: generate['system'],
      messages: generate['messages'],
      thinking: generate['thinking'],
      output_config: generate['output_config'],
    });
  });

  it('reads input_tokens from the count', () => {
    expect(PROVIDERS.anthropic.parseCountTokensResponse?.({ input_tokens: 2095 })).toBe(2095);
    expect(() => PROVIDERS.anthropic.parseCountTokensResponse?.({ error: {} })).toThrow('upstream token count has no input_tokens');
  });

  it('has no embeddings', () => {
    const adapter: ProviderAdapter = PROVIDERS.anthropic;

    expect(adapter.buildEmbedRequest).toBeUndefined();
  });
});
