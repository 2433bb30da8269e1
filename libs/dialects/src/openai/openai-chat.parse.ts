import { ChatRequest, Dialect, IrError, Reasoning_Effort, ResponseFormat_Type, Tool, ToolChoice, ToolChoice_Mode } from '@switchyard/ir';
import { JsonObject, expectArray, expectBody, expectObject, expectString, isObject, optBoolean, optInteger, optNumber, optString, ownEntry } from '../json-guards';
import { INSTRUCTIONS_KEY, parseOpenAiMessages } from './openai-chat.messages';

// OpenAI Chat Completions request → IR. Reference: platform.openai.com/docs/api-reference/chat/create
// and the `openai` SDK's ChatCompletionCreateParams. Fields the IR does not model (prediction,
// modalities, audio, web_search_options, service_tier, store, metadata, logit_bias, verbosity,
// prompt_cache_key, safety_identifier …) are kept verbatim in `extensions`: an OpenAI-family
// upstream receives those its provider's passthrough policy allows (libs/providers
// openai.passthrough.ts; the rest are dropped or refused there), other providers list them as dropped.

const MODELLED = new Set([
  'model', 'messages', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p',
  'stop', 'seed', 'presence_penalty', 'frequency_penalty', 'n', 'tools', 'tool_choice', 'parallel_tool_calls',
  'response_format', 'reasoning_effort', 'user', 'logprobs', 'top_logprobs',
]);

// The deprecated functions API: its answer is `function_call`, which we do not render, so a
// request in that shape is refused rather than answered in a shape the client does not read.
const LEGACY = ['functions', 'function_call'];

const EFFORTS: Record<string, Reasoning_Effort> = {
  minimal: Reasoning_Effort.EFFORT_MINIMAL,
  low: Reasoning_Effort.EFFORT_LOW,
  medium: Reasoning_Effort.EFFORT_MEDIUM,
  high: Reasoning_Effort.EFFORT_HIGH,
  // Beyond the IR's scale: HIGH for other providers, the exact value for OpenAI (see below).
  xhigh: Reasoning_Effort.EFFORT_HIGH,
};

export function parseOpenAiChatRequest(raw: unknown): ChatRequest {
  const body = expectBody(raw);
  const model = expectString(body['model'], 'model');
  if (!model) throw IrError.invalid('model: must not be empty', 'model');
  for (const key of LEGACY) {
    if (body[key] !== undefined && body[key] !== null) throw IrError.invalid(`${key}: the deprecated functions API is not supported; use tools and tool_choice`, key);
  }
  const rawMessages = expectArray(body['messages'], 'messages');
  if (rawMessages.length === 0) throw IrError.invalid('messages: must contain at least one message', 'messages');
  const parsed = parseOpenAiMessages(rawMessages);

  const streamOptions = body['stream_options'] === undefined || body['stream_options'] === null ? undefined : expectObject(body['stream_options'], 'stream_options');
  const completionTokens = optInteger(body['max_completion_tokens'], 'max_completion_tokens', 1);
  const maxTokens = completionTokens ?? optInteger(body['max_tokens'], 'max_tokens', 1);
  // Which name the client used, so an OpenAI-family upstream gets the field as sent.
  const maxTokensField = completionTokens !== undefined ? 'max_completion_tokens' : maxTokens !== undefined ? 'max_tokens' : undefined;
  const effort = optString(body['reasoning_effort'], 'reasoning_effort');
  if (effort !== undefined && effort !== 'none' && ownEntry(EFFORTS, effort) === undefined) throw IrError.invalid(`reasoning_effort: unknown value "${effort}"`, 'reasoning_effort');
  // `user` is deprecated in favour of safety_identifier; either names the end user. The newer
  // field itself also travels in extensions so an OpenAI upstream receives it as sent.
  const endUser = optString(body['safety_identifier'], 'safety_identifier') ?? optString(body['user'], 'user') ?? '';

  const request: ChatRequest = {
    model,
    system: parsed.system,
    messages: parsed.messages,
    tools: parseTools(body['tools']),
    toolChoice: parseToolChoice(body['tool_choice'], body['parallel_tool_calls']),
    sampling: {
      maxTokens,
      temperature: optNumber(body['temperature'], 'temperature', 0, 2),
      topP: optNumber(body['top_p'], 'top_p', 0, 1),
      stop: parseStop(body['stop']),
      seed: optInteger(body['seed'], 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
      presencePenalty: optNumber(body['presence_penalty'], 'presence_penalty', -2, 2),
      frequencyPenalty: optNumber(body['frequency_penalty'], 'frequency_penalty', -2, 2),
      n: optInteger(body['n'], 'n', 1, 128),
      logprobs: optBoolean(body['logprobs'], 'logprobs'),
      topLogprobs: optInteger(body['top_logprobs'], 'top_logprobs', 0, 20),
      ...(maxTokensField && { maxTokensField }),
    },
    responseFormat: parseResponseFormat(body['response_format']),
    reasoning: effort && effort !== 'none' ? { effort: ownEntry(EFFORTS, effort) ?? Reasoning_Effort.EFFORT_UNSPECIFIED } : undefined,
    stream: optBoolean(body['stream'], 'stream') ?? false,
    includeUsage: streamOptions ? optBoolean(streamOptions['include_usage'], 'stream_options.include_usage') ?? false : false,
    meta: { endUserId: endUser, dialect: Dialect.DIALECT_OPENAI, requestId: '', tenantId: '', keyId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
    droppedParams: [],
  };
  const extra = unmodelled(body, parsed.dropped);
  // "none" (no reasoning; gpt-5.1's default) and "xhigh" have no IR value: OpenAI gets them verbatim.
  if (effort === 'none' || effort === 'xhigh') extra['reasoning_effort'] = effort;
  // With both, `user` is not the end user we bill: OpenAI still gets it as sent.
  if (body['safety_identifier'] && endUser && body['user']) extra['user'] = body['user'];
  if (parsed.instructions) extra[INSTRUCTIONS_KEY] = parsed.instructions;
  if (Object.keys(extra).length) request.extensions = { dialect: Dialect.DIALECT_OPENAI, json: JSON.stringify(extra) };
  if (parsed.dropped.length) request.droppedParams = parsed.dropped;
  return request;
}

function unmodelled(body: JsonObject, dropped: string[]): JsonObject {
  const extra: JsonObject = {};
  for (const key of Object.keys(body)) {
    if (MODELLED.has(key)) continue;
    // `$`-keys are the gateway's own (INSTRUCTIONS_KEY); OpenAI knows no such parameter.
    if (key.startsWith('$')) dropped.push(key);
    else extra[key] = body[key];
  }
  return extra;
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
      cacheControlJson: '',
    };
  });
}

function parseToolChoice(raw: unknown, parallel: unknown): ToolChoice | undefined {
  const disableParallel = optBoolean(parallel, 'parallel_tool_calls') === false;
  if (raw === undefined || raw === null) return disableParallel ? { mode: ToolChoice_Mode.MODE_AUTO, disableParallel, name: '' } : undefined;
  if (raw === 'auto') return { mode: ToolChoice_Mode.MODE_AUTO, disableParallel, name: '' };
  if (raw === 'none') return { mode: ToolChoice_Mode.MODE_NONE, disableParallel, name: '' };
  if (raw === 'required') return { mode: ToolChoice_Mode.MODE_REQUIRED, disableParallel, name: '' };
  const c = expectObject(raw, 'tool_choice');
  if (c['type'] !== undefined && c['type'] !== 'function') throw IrError.invalid(`tool_choice.type: only "function" tool choices are supported`, 'tool_choice.type');
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
  if (type === 'text') return { type: ResponseFormat_Type.TYPE_TEXT, schemaName: '', schemaJson: '', strict: false };
  if (type === 'json_object') return { type: ResponseFormat_Type.TYPE_JSON_OBJECT, schemaName: '', schemaJson: '', strict: false };
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
