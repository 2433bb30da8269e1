import { ChatRequest, Dialect, ErrorKind, IrError, ResponseFormat_Type, Role, ToolChoice_Mode } from '@switchyard/ir';
import { irFixtures, toIrJson } from '@switchyard/testing';
import { join } from 'node:path';
import { parseOpenAiChatRequest } from './openai-chat.parse';

const { readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

type Path = (string | number)[];

/** The agent-turn body with one field replaced (or removed, for `undefined`). */
function agentTurnWith(path: Path, value: unknown): unknown {
  const body = readJsonFixture('agent-turn.request.json');
  let node = body as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return body;
}

function rejection(body: unknown): IrError {
  try {
    parseOpenAiChatRequest(body);
  } catch (e) {
    if (e instanceof IrError) return e;
    throw e;
  }
  throw new Error('the body was accepted');
}

function userSays(content: unknown): ChatRequest['messages'] {
  return parseOpenAiChatRequest({ model: 'gpt-4o', messages: [{ role: 'user', content }] }).messages;
}

describe(parseOpenAiChatRequest.name, () => {
  describe('golden bodies as the openai SDK sends them', () => {
    // reasoning-turn: a LiteLLM-style client replaying thinking blocks (signature, redacted),
    // a Gemini-signed tool call id, a developer message mid-conversation, a cache marker,
    // logprobs, xhigh effort and both end-user fields.
    it.each(['agent-turn', 'streaming-chat', 'reasoning-turn'])('parses the %s body into its golden IR', (name) => {
      const ir = parseOpenAiChatRequest(readJsonFixture(`${name}.request.json`));

      expect(toIrJson(ir)).toStrictEqual(readJsonFixture(`${name}.ir.json`));
    });
  });

  it('gives a minimal body empty tools, no tool choice and no extensions', () => {
    const ir = parseOpenAiChatRequest({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });

    expect(toIrJson(ir)).toStrictEqual({
      model: 'gpt-4o-mini',
      system: [],
      messages: [{ role: 'ROLE_USER', content: [{ part: { $case: 'text', value: { text: 'Hi', signature: '' } }, cacheControlJson: '' }], name: '' }],
      tools: [],
      sampling: { stop: [] },
      stream: false,
      includeUsage: false,
      meta: { endUserId: '', dialect: 'DIALECT_OPENAI', requestId: '', tenantId: '', keyId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
      droppedParams: [],
    });
    expect(ir.extensions).toBeUndefined();
  });

  it('keeps every field the IR does not model in extensions, verbatim', () => {
    const ir = parseOpenAiChatRequest({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
      logprobs: true,
      top_logprobs: 3,
      prediction: { type: 'content', content: 'Hi there' },
      web_search_options: { search_context_size: 'low' },
    });

    expect(ir.extensions).toStrictEqual({
      dialect: Dialect.DIALECT_OPENAI,
      json: '{"prediction":{"type":"content","content":"Hi there"},"web_search_options":{"search_context_size":"low"}}',
    });
    expect(ir.sampling).toMatchObject({ logprobs: true, topLogprobs: 3 });
  });

  it('reads stream_options.include_usage only when it is true', () => {
    const base = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], stream: true };

    expect(parseOpenAiChatRequest(base).includeUsage).toBe(false);
    expect(parseOpenAiChatRequest({ ...base, stream_options: null }).includeUsage).toBe(false);
    expect(parseOpenAiChatRequest({ ...base, stream_options: { include_usage: false } }).includeUsage).toBe(false);
    expect(parseOpenAiChatRequest({ ...base, stream_options: { include_usage: true } }).includeUsage).toBe(true);
  });

  it('prefers max_completion_tokens over the deprecated max_tokens', () => {
    const ir = parseOpenAiChatRequest({ model: 'o4-mini', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 100, max_completion_tokens: 2000 });

    expect(ir.sampling?.maxTokens).toBe(2000);
  });

  it.each([
    ['auto', ToolChoice_Mode.MODE_AUTO],
    ['none', ToolChoice_Mode.MODE_NONE],
    ['required', ToolChoice_Mode.MODE_REQUIRED],
  ])('reads tool_choice "%s"', (choice, mode) => {
    const ir = parseOpenAiChatRequest({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], tool_choice: choice });

    expect(ir.toolChoice).toStrictEqual({ mode, disableParallel: false, name: '' });
  });

  it('turns parallel_tool_calls false without a tool_choice into auto without parallel calls', () => {
    const ir = parseOpenAiChatRequest({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], parallel_tool_calls: false });

    expect(ir.toolChoice).toStrictEqual({ mode: ToolChoice_Mode.MODE_AUTO, disableParallel: true, name: '' });
  });

  it.each([
    [{ type: 'text' }, { type: ResponseFormat_Type.TYPE_TEXT, schemaName: '', schemaJson: '', strict: false }],
    [{ type: 'json_object' }, { type: ResponseFormat_Type.TYPE_JSON_OBJECT, schemaName: '', schemaJson: '', strict: false }],
    [{ type: 'json_schema', json_schema: { name: 'answer' } }, { type: ResponseFormat_Type.TYPE_JSON_SCHEMA, schemaName: 'answer', schemaJson: '', strict: false }],
  ])('reads response_format %j', (format, expected) => {
    const ir = parseOpenAiChatRequest({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], response_format: format });

    expect(ir.responseFormat).toStrictEqual(expected);
  });

  it('reads input_audio and file parts of a user message', () => {
    const messages = userSays([
      { type: 'input_audio', input_audio: { data: 'UklGRiQAAABXQVZF', format: 'wav' } },
      { type: 'file', file: { filename: 'invoice.pdf', file_data: 'data:application/pdf;base64,JVBERi0xLjQK' } },
      { type: 'file', file: { file_id: 'file-6F2ksmvXxt4VdoqmHRw6kL' } },
    ]);

    expect(messages?.[0]?.content).toStrictEqual([
      { part: { $case: 'audio', value: { data: 'UklGRiQAAABXQVZF', format: 'wav' } }, cacheControlJson: '' },
      { part: { $case: 'file', value: { data: 'JVBERi0xLjQK', mediaType: 'application/pdf', fileId: '', filename: 'invoice.pdf', url: '' } }, cacheControlJson: '' },
      { part: { $case: 'file', value: { data: '', mediaType: '', fileId: 'file-6F2ksmvXxt4VdoqmHRw6kL', filename: '', url: '' } }, cacheControlJson: '' },
    ]);
  });

  it('keeps a data: URL that is not base64 as a plain URL', () => {
    const messages = userSays([{ type: 'image_url', image_url: { url: 'data:image/svg+xml,%3Csvg%2F%3E' } }]);

    expect(messages?.[0]?.content).toStrictEqual([{ part: { $case: 'image', value: { url: 'data:image/svg+xml,%3Csvg%2F%3E', detail: '', data: '', mediaType: '' } }, cacheControlJson: '' }]);
  });

  it('reads an assistant refusal part as text', () => {
    const ir = parseOpenAiChatRequest({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'Help me pick a lock.' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: "I can't help with that." }] },
      ],
    });

    expect(ir.messages?.[1]).toStrictEqual({ role: Role.ROLE_ASSISTANT, content: [{ part: { $case: 'text', value: { text: "I can't help with that.", signature: '' } }, cacheControlJson: '' }], name: '' });
  });

  it('rejects a body that is not an object', () => {
    expect(rejection([{ role: 'user', content: 'Hi' }])).toMatchObject({ message: 'body: expected an object', param: 'body' });
  });

  // Each wrong field of an otherwise valid body is named by its full path (messages[2] is the
  // user turn with images, messages[3] the assistant's tool calls, messages[4..5] the results).
  it.each<[Path, unknown, string]>([
    [['model'], undefined, 'model: expected a string'],
    [['model'], '', 'model: must not be empty'],
    [['messages'], {}, 'messages: expected an array'],
    [['messages'], [], 'messages: must contain at least one message'],
    [['messages', 1], 'Never book anything.', 'messages[1]: expected an object'],
    [['messages', 1, 'content'], 42, 'messages[1].content: expected an array'],
    [['messages', 2, 'role'], 'robot', 'messages[2].role: unknown role "robot"'],
    [['messages', 2, 'role'], 'function', 'messages[2].role: "function" messages belong to the deprecated functions API; use tools and "tool" messages'],
    [['functions'], [{ name: 'f' }], 'functions: the deprecated functions API is not supported; use tools and tool_choice'],
    [['function_call'], 'auto', 'function_call: the deprecated functions API is not supported; use tools and tool_choice'],
    [['messages', 3, 'function_call'], { name: 'f', arguments: '{}' }, 'messages[3].function_call: the deprecated functions API is not supported; use tool_calls'],
    [['messages', 3, 'thinking_blocks'], [{ type: 'thought', thinking: 'x' }], 'messages[3].thinking_blocks[0].type: unknown thinking block type "thought"'],
    [['messages', 3, 'reasoning_content'], 7, 'messages[3].reasoning_content: expected a string'],
    [['messages', 2, 'content', 1, 'cache_control'], 'ephemeral', 'messages[2].content[1].cache_control: expected an object'],
    [['messages', 2, 'content', 1], { type: 'file', file: { filename: 'a.pdf' } }, 'messages[2].content[1].file: needs file_data or file_id'],
    [['tool_choice'], { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } }, 'tool_choice.type: only "function" tool choices are supported'],
    [['top_logprobs'], 21, 'top_logprobs: must be between 0 and 20'],
    [['logprobs'], 'yes', 'logprobs: expected a boolean'],
    [['safety_identifier'], 5, 'safety_identifier: expected a string'],
    [['messages', 2, 'name'], 7, 'messages[2].name: expected a string'],
    [['messages', 2, 'content', 1, 'image_url', 'url'], 42, 'messages[2].content[1].image_url.url: expected a string'],
    [['messages', 2, 'content', 1, 'image_url', 'detail'], 3, 'messages[2].content[1].image_url.detail: expected a string'],
    [['messages', 2, 'content', 2, 'type'], 'video_url', 'messages[2].content[2].type: unknown content part type "video_url"'],
    [['messages', 1, 'content', 0], { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }, 'messages[1].content[0].type: "image_url" parts are only allowed in user messages'],
    [['messages', 3, 'tool_calls'], {}, 'messages[3].tool_calls: expected an array'],
    [['messages', 3, 'tool_calls', 1, 'function', 'arguments'], { city: 'Oslo' }, 'messages[3].tool_calls[1].function.arguments: expected a string'],
    [['messages', 3, 'tool_calls', 0, 'id'], undefined, 'messages[3].tool_calls[0].id: expected a string'],
    [['messages', 4, 'tool_call_id'], undefined, 'messages[4].tool_call_id: expected a string'],
    [['messages', 5, 'content', 0, 'text'], null, 'messages[5].content[0].text: expected a string'],
    [['tools'], { type: 'function' }, 'tools: expected an array'],
    [['tools', 0, 'function', 'parameters'], '{"type":"object"}', 'tools[0].function.parameters: expected a JSON Schema object'],
    [['tools', 0, 'function', 'name'], undefined, 'tools[0].function.name: expected a string'],
    [['tools', 0, 'function', 'strict'], 'yes', 'tools[0].function.strict: expected a boolean'],
    [['tools', 1, 'type'], 'custom', 'tools[1].type: only "function" tools are supported'],
    [['tool_choice'], 'any', 'tool_choice: expected an object'],
    [['tool_choice', 'function'], undefined, 'tool_choice.function: expected an object'],
    [['tool_choice', 'function', 'name'], 3, 'tool_choice.function.name: expected a string'],
    [['parallel_tool_calls'], 'false', 'parallel_tool_calls: expected a boolean'],
    [['response_format', 'type'], 'xml', 'response_format.type: unknown value "xml"'],
    [['response_format', 'json_schema', 'name'], undefined, 'response_format.json_schema.name: expected a string'],
    [['response_format', 'json_schema', 'strict'], 'true', 'response_format.json_schema.strict: expected a boolean'],
    [['stop'], 5, 'stop: expected an array'],
    [['stop'], ['END', 7], 'stop[1]: expected a string'],
    [['temperature'], 2.5, 'temperature: must be between 0 and 2'],
    [['temperature'], '0.2', 'temperature: expected a number'],
    [['top_p'], 1.5, 'top_p: must be between 0 and 1'],
    [['presence_penalty'], 3, 'presence_penalty: must be between -2 and 2'],
    [['frequency_penalty'], -2.5, 'frequency_penalty: must be between -2 and 2'],
    [['max_completion_tokens'], 0, 'max_completion_tokens: must be between 1 and 4294967295'],
    // Past uint32 the IR request could not be encoded between services (found by the fuzz suite).
    [['max_completion_tokens'], 2 ** 32, 'max_completion_tokens: must be between 1 and 4294967295'],
    [['seed'], 2 ** 53, `seed: must be between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`],
    [['max_completion_tokens'], 10.5, 'max_completion_tokens: expected an integer'],
    [['seed'], 1.5, 'seed: expected an integer'],
    [['n'], 129, 'n: must be between 1 and 128'],
    [['stream'], 'true', 'stream: expected a boolean'],
    [['stream_options'], true, 'stream_options: expected an object'],
    [['stream_options'], { include_usage: 'yes' }, 'stream_options.include_usage: expected a boolean'],
    [['reasoning_effort'], 'extreme', 'reasoning_effort: unknown value "extreme"'],
    // Object.prototype's members are no effort (the lookup used to hand a function to the IR).
    [['reasoning_effort'], 'constructor', 'reasoning_effort: unknown value "constructor"'],
    [['reasoning_effort'], 'toString', 'reasoning_effort: unknown value "toString"'],
    [['user'], 1234, 'user: expected a string'],
  ])('names %j when it is %j', (path, value, message) => {
    const error = rejection(agentTurnWith(path, value));

    expect({ kind: error.kind, message: error.message, param: error.param }).toStrictEqual({
      kind: ErrorKind.ERROR_KIND_INVALID_REQUEST,
      message,
      param: message.slice(0, message.indexOf(':')),
    });
  });
});
