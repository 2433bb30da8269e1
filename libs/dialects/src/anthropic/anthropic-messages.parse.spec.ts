import { ChatRequest, Dialect, ErrorKind, IrError, Reasoning_Effort, ResponseFormat_Type, Role, ToolChoice_Mode } from '@switchyard/ir';
import { irFixtures, toIrJson } from '@switchyard/testing';
import { join } from 'node:path';
import { parseAnthropicCountTokensRequest, parseAnthropicMessagesRequest } from './anthropic-messages.parse';

const { readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

const BASE = { model: 'claude-sonnet-4-6', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }] };

function rejection(body: unknown, parse: (b: unknown) => ChatRequest = parseAnthropicMessagesRequest): IrError {
  try {
    parse(body);
  } catch (e) {
    if (e instanceof IrError) return e;
    throw e;
  }
  throw new Error('the body was accepted');
}

function userSays(content: unknown): ChatRequest['messages'] {
  return parseAnthropicMessagesRequest({ ...BASE, messages: [{ role: 'user', content }] }).messages;
}

describe(parseAnthropicMessagesRequest.name, () => {
  it.each(['agent-turn', 'streaming-chat'])('parses the %s body into its golden IR', (name) => {
    expect(toIrJson(parseAnthropicMessagesRequest(readJsonFixture(`${name}.request.json`)))).toStrictEqual(readJsonFixture(`${name}.ir.json`));
  });

  it('turns a user turn of tool results followed by text into tool messages, then the user text, in order', () => {
    const messages = userSays([
      { type: 'tool_result', tool_use_id: 'toolu_1', content: 'A' },
      { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'B' }], is_error: true },
      { type: 'text', text: 'Thanks' },
    ]);

    expect(toIrJson(messages)).toStrictEqual([
      { role: 'ROLE_TOOL', content: [{ part: { $case: 'toolResult', value: { callId: 'toolu_1', name: '', content: [{ part: { $case: 'text', value: { text: 'A', signature: '' } }, cacheControlJson: '' }], isError: false } }, cacheControlJson: '' }], name: '' },
      { role: 'ROLE_TOOL', content: [{ part: { $case: 'toolResult', value: { callId: 'toolu_2', name: '', content: [{ part: { $case: 'text', value: { text: 'B', signature: '' } }, cacheControlJson: '' }], isError: true } }, cacheControlJson: '' }], name: '' },
      { role: 'ROLE_USER', content: [{ part: { $case: 'text', value: { text: 'Thanks', signature: '' } }, cacheControlJson: '' }], name: '' },
    ]);
  });

  it('reads documents: PDF by url and by file id as file parts, plain text and content sources inline', () => {
    const request = parseAnthropicMessagesRequest({
      ...BASE,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } },
            { type: 'document', source: { type: 'file', file_id: 'file_011CNha8iCJcU1wXNR6q4V8w' }, title: 'b.pdf' },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Plain notes' }, title: 'notes', context: 'from the user', citations: { enabled: true } },
            { type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'Part one' }, { type: 'text', text: 'Part two' }] }, cache_control: { type: 'ephemeral' } },
          ],
        },
      ],
    });

    expect(toIrJson(request.messages)).toStrictEqual([
      {
        role: 'ROLE_USER',
        content: [
          { part: { $case: 'file', value: { url: 'https://example.com/a.pdf', mediaType: 'application/pdf', filename: '', data: '', fileId: '' } }, cacheControlJson: '' },
          { part: { $case: 'file', value: { fileId: 'file_011CNha8iCJcU1wXNR6q4V8w', filename: 'b.pdf', data: '', url: '', mediaType: '' } }, cacheControlJson: '' },
          { part: { $case: 'text', value: { text: 'Plain notes', signature: '' } }, cacheControlJson: '' },
          { part: { $case: 'text', value: { text: 'Part one', signature: '' } }, cacheControlJson: '' },
          { part: { $case: 'text', value: { text: 'Part two', signature: '' } }, cacheControlJson: '{"type":"ephemeral"}' },
        ],
        name: '',
      },
    ]);
    expect(request.droppedParams).toStrictEqual(['messages[0].content[2].citations', 'messages[0].content[2].title', 'messages[0].content[2].context']);
  });

  it('maps each tool_choice and disable_parallel_tool_use', () => {
    const choice = (tool_choice: unknown) => parseAnthropicMessagesRequest({ ...BASE, tool_choice }).toolChoice;

    expect(choice({ type: 'auto' })).toStrictEqual({ mode: ToolChoice_Mode.MODE_AUTO, disableParallel: false, name: '' });
    expect(choice({ type: 'any', disable_parallel_tool_use: true })).toStrictEqual({ mode: ToolChoice_Mode.MODE_REQUIRED, disableParallel: true, name: '' });
    expect(choice({ type: 'tool', name: 'get_weather' })).toStrictEqual({ mode: ToolChoice_Mode.MODE_NAMED, name: 'get_weather', disableParallel: false });
    expect(choice({ type: 'none' })).toStrictEqual({ mode: ToolChoice_Mode.MODE_NONE, name: '', disableParallel: false });
  });

  it('maps structured output and effort, and keeps what the IR cannot say in extensions', () => {
    const request = parseAnthropicMessagesRequest({
      ...BASE,
      output_config: { effort: 'max', format: { type: 'json_schema', schema: { type: 'object', properties: { city: { type: 'string' } } } } },
      thinking: { type: 'adaptive', display: 'omitted' },
      inference_geo: 'eu',
    });

    expect(request.responseFormat).toStrictEqual({ type: ResponseFormat_Type.TYPE_JSON_SCHEMA, schemaName: '', schemaJson: '{"type":"object","properties":{"city":{"type":"string"}}}', strict: true });
    expect(request.reasoning).toBeUndefined();
    expect(request.extensions).toStrictEqual({ dialect: Dialect.DIALECT_ANTHROPIC, json: '{"inference_geo":"eu","thinking":{"type":"adaptive","display":"omitted"},"output_config":{"effort":"max"}}' });
    expect(parseAnthropicMessagesRequest({ ...BASE, output_config: { effort: 'low' } }).reasoning).toStrictEqual({ effort: Reasoning_Effort.EFFORT_LOW });
  });

  it('moves a system-role turn into the system prompt', () => {
    const request = parseAnthropicMessagesRequest({ ...BASE, system: 'First.', messages: [{ role: 'system', content: [{ type: 'text', text: 'Second.' }] }, { role: 'user', content: 'Hi' }] });

    expect(request.system?.map((p) => (p.part?.$case === 'text' ? p.part.value.text : ''))).toStrictEqual(['First.', 'Second.']);
    expect(request.messages?.map((m) => m.role)).toStrictEqual([Role.ROLE_USER]);
  });

  it.each([
    [{ ...BASE, max_tokens: undefined }, 'max_tokens', 'max_tokens: Field required'],
    [{ ...BASE, top_logprobs: 2 }, 'top_logprobs', 'top_logprobs: Extra inputs are not permitted'],
    [{ ...BASE, betas: ['x'] }, 'betas', 'betas: Extra inputs are not permitted'],
    [{ ...BASE, messages: [] }, 'messages', 'messages: at least one message is required'],
    [{ ...BASE, temperature: 1.5 }, 'temperature', 'temperature: must be between 0 and 1'],
    [{ ...BASE, messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].role', 'messages[0].role: expected "user" or "assistant"'],
    [{ ...BASE, messages: [{ role: 'user', content: 'x', name: 'bob' }] }, 'messages[0].name', 'messages[0].name: Extra inputs are not permitted'],
    [{ ...BASE, messages: [{ role: 'user', content: [{ type: 'video' }] }] }, 'messages[0].content[0].type', 'messages[0].content[0].type: unknown content block type "video"'],
    [
      { ...BASE, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'n', input: {} }] }] },
      'messages[0].content[0].type',
      'messages[0].content[0].type: "tool_use" blocks are not allowed in user content',
    ],
    [
      { ...BASE, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'n', input: '{}' }] }] },
      'messages[0].content[0].input',
      'messages[0].content[0].input: expected an object',
    ],
    [
      { ...BASE, messages: [{ role: 'user', content: [{ type: 'text', text: 'x', cache_control: { type: 'persistent' } }] }] },
      'messages[0].content[0].cache_control.type',
      'messages[0].content[0].cache_control.type: expected "ephemeral"',
    ],
    [
      { ...BASE, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'Qk0=' } }] }] },
      'messages[0].content[0].source.media_type',
      'messages[0].content[0].source.media_type: expected one of image/jpeg, image/png, image/gif, image/webp',
    ],
    [
      { ...BASE, messages: [{ role: 'user', content: [{ type: 'web_search_tool_result', tool_use_id: 's', content: [] }] }] },
      'messages[0].content[0].type',
      'messages[0].content[0].type: "web_search_tool_result" blocks belong to Anthropic server tools and are not supported by this gateway',
    ],
    [
      { ...BASE, tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }] },
      'tools[0].type',
      'tools[0].type: server tool "web_search_20250305" is not supported by this gateway; only custom tools are',
    ],
    [{ ...BASE, tools: [{ name: 'f', input_schema: { type: 'string' } }] }, 'tools[0].input_schema.type', 'tools[0].input_schema.type: expected "object"'],
    [{ ...BASE, tool_choice: { type: 'required' } }, 'tool_choice.type', 'tool_choice.type: expected "auto", "any", "tool" or "none"'],
    [{ ...BASE, thinking: { type: 'enabled' } }, 'thinking.budget_tokens', 'thinking.budget_tokens: Field required'],
    [{ ...BASE, metadata: { user_id: 7 } }, 'metadata.user_id', 'metadata.user_id: expected a string'],
    // Fuzz counterexamples: names of Object.prototype's members looked up as table keys (a 500
    // "ALLOWED_IN[type]?.includes is not a function", and a function passed on as the effort).
    [
      { ...BASE, messages: [{ role: 'assistant', content: [{ type: 'toString', data: 'x' }] }] },
      'messages[0].content[0].type',
      'messages[0].content[0].type: unknown content block type "toString"',
    ],
    [{ ...BASE, system: [{ type: 'constructor' }] }, 'system[0].type', 'system[0].type: unknown content block type "constructor"'],
    [{ ...BASE, output_config: { effort: 'constructor' } }, 'output_config.effort', 'output_config.effort: expected "low", "medium", "high", "xhigh" or "max"'],
  ])('rejects an invalid body, naming the field (%#)', (body, param, message) => {
    const error = rejection(body);

    expect(error.kind).toBe(ErrorKind.ERROR_KIND_INVALID_REQUEST);
    expect(error.param).toBe(param);
    expect(error.message).toBe(message);
  });

  // Found while fuzzing: the duplicate check of dropped fields scanned the list, so 80,000 text
  // blocks with citations (3.4 MB, under the body limit) held the event loop for 137 s.
  it('lists 80,000 dropped citations, each once (the check uses a set; no clock is asserted)', () => {
    const blocks = Array.from({ length: 80_000 }, () => ({ type: 'text', text: 'a', citations: [] }));
    const request = parseAnthropicMessagesRequest({ ...BASE, messages: [{ role: 'user', content: blocks }] });

    expect(request.droppedParams).toHaveLength(80_000);
    expect(request.droppedParams?.[79_999]).toBe('messages[0].content[79999].citations');
  });

  it('fills a tool result with the name of the tool_use it answers', () => {
    const request = parseAnthropicMessagesRequest({
      ...BASE,
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1' }] },
      ],
    });

    expect(request.messages?.[2]?.content?.[0]?.part).toStrictEqual({ $case: 'toolResult', value: { callId: 'toolu_1', name: 'get_weather', content: [], isError: false } });
  });
});

describe(parseAnthropicCountTokensRequest.name, () => {
  it('needs no max_tokens and never streams', () => {
    const request = parseAnthropicCountTokensRequest({ model: 'claude-sonnet-4-6', system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }], tools: [] });

    expect(request.sampling?.maxTokens).toBeUndefined();
    expect(request.stream).toBe(false);
    expect(request.system).toHaveLength(1);
  });

  it('rejects sampling fields count_tokens does not declare', () => {
    expect(rejection({ ...BASE }, parseAnthropicCountTokensRequest).message).toBe('max_tokens: Extra inputs are not permitted');
    expect(rejection({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], stream: true }, parseAnthropicCountTokensRequest).param).toBe('stream');
  });
});
