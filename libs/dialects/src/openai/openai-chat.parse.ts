import {
  ChatRequest,
  ContentPart,
  Dialect,
  IrError,
  Message,
  Reasoning_Effort,
  ResponseFormat_Type,
  Role,
  Tool,
  ToolChoice,
  ToolChoice_Mode,
} from '@switchyard/ir';
import {
  JsonObject,
  expectArray,
  expectObject,
  expectString,
  isObject,
  optBoolean,
  optInteger,
  optNumber,
  optString,
  parseDataUrl,
} from '../json-guards';

// OpenAI Chat Completions request → IR. Reference: platform.openai.com/docs/api-reference/chat/create
// and the `openai` SDK's ChatCompletionCreateParams. Fields the IR does not model are kept in
// `extensions` so an OpenAI-family upstream still receives them.

const MODELLED = new Set([
  'model', 'messages', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p',
  'stop', 'seed', 'presence_penalty', 'frequency_penalty', 'n', 'tools', 'tool_choice', 'parallel_tool_calls',
  'response_format', 'reasoning_effort', 'user',
]);

const EFFORTS: Record<string, Reasoning_Effort> = {
  minimal: Reasoning_Effort.EFFORT_MINIMAL,
  low: Reasoning_Effort.EFFORT_LOW,
  medium: Reasoning_Effort.EFFORT_MEDIUM,
  high: Reasoning_Effort.EFFORT_HIGH,
};

export function parseOpenAiChatRequest(raw: unknown): ChatRequest {
  const body = expectObject(raw, 'body');
  const model = expectString(body['model'], 'model');
  if (!model) throw IrError.invalid('model: must not be empty', 'model');
  const rawMessages = expectArray(body['messages'], 'messages');
  if (rawMessages.length === 0) throw IrError.invalid('messages: must contain at least one message', 'messages');

  const system: ContentPart[] = [];
  const messages: Message[] = [];
  rawMessages.forEach((m, i) => parseMessage(m, `messages[${i}]`, system, messages));

  const streamOptions = body['stream_options'] === undefined || body['stream_options'] === null ? undefined : expectObject(body['stream_options'], 'stream_options');
  const maxTokens = optInteger(body['max_completion_tokens'], 'max_completion_tokens', 1) ?? optInteger(body['max_tokens'], 'max_tokens', 1);
  const effort = optString(body['reasoning_effort'], 'reasoning_effort');
  if (effort !== undefined && !(effort in EFFORTS)) throw IrError.invalid(`reasoning_effort: unknown value "${effort}"`, 'reasoning_effort');

  const request: ChatRequest = {
    model,
    system,
    messages,
    tools: parseTools(body['tools']),
    toolChoice: parseToolChoice(body['tool_choice'], body['parallel_tool_calls']),
    sampling: {
      maxTokens,
      temperature: optNumber(body['temperature'], 'temperature', 0, 2),
      topP: optNumber(body['top_p'], 'top_p', 0, 1),
      stop: parseStop(body['stop']),
      seed: optInteger(body['seed'], 'seed', Number.MIN_SAFE_INTEGER),
      presencePenalty: optNumber(body['presence_penalty'], 'presence_penalty', -2, 2),
      frequencyPenalty: optNumber(body['frequency_penalty'], 'frequency_penalty', -2, 2),
      n: optInteger(body['n'], 'n', 1, 128),
    },
    responseFormat: parseResponseFormat(body['response_format']),
    reasoning: effort ? { effort: EFFORTS[effort] } : undefined,
    stream: optBoolean(body['stream'], 'stream') ?? false,
    includeUsage: streamOptions ? optBoolean(streamOptions['include_usage'], 'stream_options.include_usage') ?? false : false,
    meta: { endUserId: optString(body['user'], 'user') ?? '', dialect: Dialect.DIALECT_OPENAI },
  };
  const extra = unmodelled(body);
  if (extra) request.extensions = { dialect: Dialect.DIALECT_OPENAI, json: extra };
  return request;
}

function unmodelled(body: JsonObject): string | undefined {
  let extra: JsonObject | undefined;
  for (const key of Object.keys(body)) {
    if (MODELLED.has(key)) continue;
    (extra ??= {})[key] = body[key];
  }
  return extra ? JSON.stringify(extra) : undefined;
}

function parseMessage(raw: unknown, path: string, system: ContentPart[], out: Message[]): void {
  const m = expectObject(raw, path);
  const role = expectString(m['role'], `${path}.role`);
  switch (role) {
    case 'system':
    case 'developer':
      system.push(...parseContent(m['content'], `${path}.content`, false));
      return;
    case 'user':
      out.push({ role: Role.ROLE_USER, content: parseContent(m['content'], `${path}.content`, true), name: optString(m['name'], `${path}.name`) });
      return;
    case 'assistant': {
      const content = m['content'] === null || m['content'] === undefined ? [] : parseContent(m['content'], `${path}.content`, false);
      if (m['tool_calls'] !== undefined && m['tool_calls'] !== null) {
        expectArray(m['tool_calls'], `${path}.tool_calls`).forEach((c, j) => content.push(parseToolCall(c, `${path}.tool_calls[${j}]`)));
      }
      out.push({ role: Role.ROLE_ASSISTANT, content, name: optString(m['name'], `${path}.name`) });
      return;
    }
    case 'tool': {
      const callId = expectString(m['tool_call_id'], `${path}.tool_call_id`);
      const result: ContentPart = { part: { $case: 'toolResult', value: { callId, content: parseContent(m['content'], `${path}.content`, false) } } };
      out.push({ role: Role.ROLE_TOOL, content: [result] });
      return;
    }
    default:
      throw IrError.invalid(`${path}.role: unknown role "${role}"`, `${path}.role`);
  }
}

function parseToolCall(raw: unknown, path: string): ContentPart {
  const c = expectObject(raw, path);
  const fn = expectObject(c['function'], `${path}.function`);
  return {
    part: {
      $case: 'toolCall',
      value: { id: expectString(c['id'], `${path}.id`), name: expectString(fn['name'], `${path}.function.name`), argumentsJson: expectString(fn['arguments'], `${path}.function.arguments`) },
    },
  };
}

function parseContent(raw: unknown, path: string, allowMedia: boolean): ContentPart[] {
  if (typeof raw === 'string') return [{ part: { $case: 'text', value: { text: raw } } }];
  const parts = expectArray(raw, path);
  return parts.map((p, i) => parseContentPart(p, `${path}[${i}]`, allowMedia));
}

function parseContentPart(raw: unknown, path: string, allowMedia: boolean): ContentPart {
  const p = expectObject(raw, path);
  const type = expectString(p['type'], `${path}.type`);
  if (type === 'text') return { part: { $case: 'text', value: { text: expectString(p['text'], `${path}.text`) } } };
  if (type === 'refusal') return { part: { $case: 'text', value: { text: expectString(p['refusal'], `${path}.refusal`) } } };
  if (!allowMedia) throw IrError.invalid(`${path}.type: "${type}" parts are only allowed in user messages`, `${path}.type`);
  switch (type) {
    case 'image_url': {
      const img = expectObject(p['image_url'], `${path}.image_url`);
      const url = expectString(img['url'], `${path}.image_url.url`);
      const detail = optString(img['detail'], `${path}.image_url.detail`) ?? '';
      const inline = parseDataUrl(url);
      return { part: { $case: 'image', value: inline ? { data: inline.data, mediaType: inline.mediaType, detail } : { url, detail } } };
    }
    case 'input_audio': {
      const a = expectObject(p['input_audio'], `${path}.input_audio`);
      return { part: { $case: 'audio', value: { data: expectString(a['data'], `${path}.input_audio.data`), format: expectString(a['format'], `${path}.input_audio.format`) } } };
    }
    case 'file': {
      const f = expectObject(p['file'], `${path}.file`);
      const fileData = optString(f['file_data'], `${path}.file.file_data`);
      const inline = fileData ? parseDataUrl(fileData) : undefined;
      return {
        part: {
          $case: 'file',
          value: {
            data: inline?.data ?? fileData ?? '',
            mediaType: inline?.mediaType ?? '',
            fileId: optString(f['file_id'], `${path}.file.file_id`) ?? '',
            filename: optString(f['filename'], `${path}.file.filename`) ?? '',
          },
        },
      };
    }
    default:
      throw IrError.invalid(`${path}.type: unknown content part type "${type}"`, `${path}.type`);
  }
}

function parseTools(raw: unknown): Tool[] {
  if (raw === undefined || raw === null) return [];
  return expectArray(raw, 'tools').map((t, i) => {
    const tool = expectObject(t, `tools[${i}]`);
    if (tool['type'] !== 'function') throw IrError.invalid(`tools[${i}].type: only "function" tools are supported`, `tools[${i}].type`);
    const fn = expectObject(tool['function'], `tools[${i}].function`);
    const params = fn['parameters'];
    if (params !== undefined && !isObject(params)) throw IrError.invalid(`tools[${i}].function.parameters: expected a JSON Schema object`, `tools[${i}].function.parameters`);
    return {
      name: expectString(fn['name'], `tools[${i}].function.name`),
      description: optString(fn['description'], `tools[${i}].function.description`) ?? '',
      parametersJson: params === undefined ? '' : JSON.stringify(params),
      strict: optBoolean(fn['strict'], `tools[${i}].function.strict`) ?? false,
    };
  });
}

function parseToolChoice(raw: unknown, parallel: unknown): ToolChoice | undefined {
  const disableParallel = optBoolean(parallel, 'parallel_tool_calls') === false;
  if (raw === undefined || raw === null) return disableParallel ? { mode: ToolChoice_Mode.MODE_AUTO, disableParallel } : undefined;
  if (raw === 'auto') return { mode: ToolChoice_Mode.MODE_AUTO, disableParallel };
  if (raw === 'none') return { mode: ToolChoice_Mode.MODE_NONE, disableParallel };
  if (raw === 'required') return { mode: ToolChoice_Mode.MODE_REQUIRED, disableParallel };
  const c = expectObject(raw, 'tool_choice');
  const fn = expectObject(c['function'], 'tool_choice.function');
  return { mode: ToolChoice_Mode.MODE_NAMED, name: expectString(fn['name'], 'tool_choice.function.name'), disableParallel };
}

function parseStop(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw === 'string') return [raw];
  return expectArray(raw, 'stop').map((s, i) => expectString(s, `stop[${i}]`));
}

function parseResponseFormat(raw: unknown): ChatRequest['responseFormat'] {
  if (raw === undefined || raw === null) return undefined;
  const f = expectObject(raw, 'response_format');
  const type = expectString(f['type'], 'response_format.type');
  if (type === 'text') return { type: ResponseFormat_Type.TYPE_TEXT };
  if (type === 'json_object') return { type: ResponseFormat_Type.TYPE_JSON_OBJECT };
  if (type === 'json_schema') {
    const s = expectObject(f['json_schema'], 'response_format.json_schema');
    return {
      type: ResponseFormat_Type.TYPE_JSON_SCHEMA,
      schemaName: expectString(s['name'], 'response_format.json_schema.name'),
      schemaJson: s['schema'] === undefined ? '' : JSON.stringify(s['schema']),
      strict: optBoolean(s['strict'], 'response_format.json_schema.strict') ?? false,
    };
  }
  throw IrError.invalid(`response_format.type: unknown value "${type}"`, 'response_format.type');
}
