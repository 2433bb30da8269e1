import { ChatRequest, Dialect, IrError, Reasoning_Effort, ResponseFormat, ResponseFormat_Type, Tool, ToolChoice, ToolChoice_Mode } from '@switchyard/ir';
import { JsonObject, expectArray, expectBody, expectObject, expectString, isObject, optBoolean, optInteger, optNumber, optString, ownEntry } from '../json-guards';
import { type ParsedInput, parseInputItems } from './responses-input.parse';

// OpenAI Responses request (POST /v1/responses) → IR. Reference: the `openai` SDK's
// ResponseCreateParamsBase (src/resources/responses/responses.ts) and
// platform.openai.com/docs/api-reference/responses/create. What the IR cannot carry but the
// answer must echo (metadata, the tools as sent, text.format …) is kept in `ResponsesEcho`;
// what an OpenAI upstream could still use (service_tier, prompt_cache_key …) travels in
// `extensions` tagged DIALECT_OPENAI_RESPONSES, which a Chat Completions upstream lists as dropped.

const MODELLED = new Set([
  'model', 'input', 'instructions', 'stream', 'stream_options', 'max_output_tokens', 'temperature', 'top_p', 'tools', 'tool_choice', 'parallel_tool_calls',
  'text', 'reasoning', 'store', 'previous_response_id', 'metadata', 'user', 'truncation', 'include', 'top_logprobs', 'background', 'conversation', 'prompt',
]);

/**
 * `include` (platform.openai.com/docs/api-reference/responses/create, the SDK's
 * ResponseIncludable): an enum, so another value is OpenAI's 400. Honoured:
 * `reasoning.encrypted_content` (reasoning items carry it; a stateless client replays signed
 * reasoning with it) and `message.output_text.logprobs` (the IR's log probabilities);
 * `message.input_image.image_url` always holds (input items are kept as sent). The others
 * name outputs of built-in tools, which this gateway refuses, so there is never anything to
 * include: accepted, as OpenAI accepts them without those tools.
 */
export const INCLUDABLE: ReadonlySet<string> = new Set([
  'reasoning.encrypted_content',
  'message.output_text.logprobs',
  'message.input_image.image_url',
  'web_search_call.action.sources',
  'web_search_call.results',
  'code_interpreter_call.outputs',
  'computer_call_output.output.image_url',
  'file_search_call.results',
]);

/** Fields that need OpenAI's own servers (background runs, its Conversations and prompt stores): refused, since the answer would silently differ. */
const REFUSED: Readonly<Record<string, string>> = {
  conversation: 'the Conversations API is not served by this gateway; continue a stored response with previous_response_id',
  prompt: 'stored prompt templates live on OpenAI and are not served by this gateway; send instructions and input',
};

const EFFORTS: Record<string, Reasoning_Effort> = {
  minimal: Reasoning_Effort.EFFORT_MINIMAL,
  low: Reasoning_Effort.EFFORT_LOW,
  medium: Reasoning_Effort.EFFORT_MEDIUM,
  high: Reasoning_Effort.EFFORT_HIGH,
  xhigh: Reasoning_Effort.EFFORT_HIGH,
};

/** What the Response object echoes of the request (the IR keeps only what an upstream needs). */
export interface ResponsesEcho {
  instructions: string | null;
  maxOutputTokens: number | null;
  metadata: Record<string, string>;
  parallelToolCalls: boolean;
  previousResponseId: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number;
  topP: number;
  text: JsonObject;
  toolChoice: unknown;
  tools: JsonObject[];
  truncation: string;
  user: string | null;
  /** `include` as sent (validated); decides what the answer shows (encrypted reasoning, logprobs). */
  include: string[];
  topLogprobs: number;
}

/** A parsed Responses request: the IR request and what the answer and the store need besides. */
export interface ResponsesCall {
  chat: ChatRequest;
  /** This request's own input items, as the client sent them (ids are added by the ingress). */
  input: JsonObject[];
  echo: ResponsesEcho;
  /** Whether `store` was given explicitly (an explicit true needs a store; the default does not). */
  storeAsked: boolean;
}

export function parseResponsesRequest(raw: unknown): ResponsesCall {
  const body = expectBody(raw);
  const model = expectString(body['model'], 'model');
  if (!model) throw IrError.invalid('model: must not be empty', 'model');
  for (const key of Object.keys(REFUSED)) {
    if (body[key] !== undefined && body[key] !== null) throw IrError.invalid(`${key}: ${REFUSED[key] as string}`, key);
  }
  if (optBoolean(body['background'], 'background')) throw IrError.invalid('background: background responses are not supported by this gateway; stream the response instead', 'background');

  const input = inputItems(body['input']);
  const parsed: ParsedInput = { system: [], messages: [] };
  const instructions = optString(body['instructions'], 'instructions') ?? null;
  if (instructions) parsed.system.push({ part: { $case: 'text', value: { text: instructions, signature: '' } }, cacheControlJson: '' });
  parseInputItems(input, 'input', parsed);

  const textConfig = body['text'] === undefined || body['text'] === null ? {} : expectObject(body['text'], 'text');
  const reasoning = body['reasoning'] === undefined || body['reasoning'] === null ? {} : expectObject(body['reasoning'], 'reasoning');
  const effort = optString(reasoning['effort'], 'reasoning.effort');
  if (effort !== undefined && effort !== 'none' && ownEntry(EFFORTS, effort) === undefined) throw IrError.invalid(`reasoning.effort: unknown value "${effort}"`, 'reasoning.effort');
  const summary = optString(reasoning['summary'], 'reasoning.summary') ?? optString(reasoning['generate_summary'], 'reasoning.generate_summary') ?? null;
  const maxTokens = optInteger(body['max_output_tokens'], 'max_output_tokens', 1);
  const truncation = optString(body['truncation'], 'truncation') ?? 'disabled';
  if (truncation !== 'auto' && truncation !== 'disabled') throw IrError.invalid(`truncation: unknown value "${truncation}"`, 'truncation');
  const store = optBoolean(body['store'], 'store');
  const previous = optString(body['previous_response_id'], 'previous_response_id') ?? null;
  const endUser = optString(body['safety_identifier'], 'safety_identifier') ?? optString(body['user'], 'user') ?? '';
  const streamOptions = body['stream_options'] === undefined || body['stream_options'] === null ? undefined : expectObject(body['stream_options'], 'stream_options');
  const tools = parseTools(body['tools']);
  const include = parseInclude(body['include']);
  const topLogprobs = optInteger(body['top_logprobs'], 'top_logprobs', 0, 20);
  const logprobs = include.includes('message.output_text.logprobs');

  const chat: ChatRequest = {
    model,
    system: parsed.system,
    messages: parsed.messages,
    tools: tools.ir,
    toolChoice: parseToolChoice(body['tool_choice'], body['parallel_tool_calls']),
    sampling: {
      maxTokens,
      temperature: optNumber(body['temperature'], 'temperature', 0, 2),
      topP: optNumber(body['top_p'], 'top_p', 0, 1),
      stop: [],
      // Log probabilities are returned only when included (top_logprobs alone asks for none).
      ...(logprobs && { logprobs: true, topLogprobs }),
    },
    responseFormat: parseFormat(textConfig['format']),
    reasoning: effort && effort !== 'none' ? { effort: ownEntry(EFFORTS, effort) ?? Reasoning_Effort.EFFORT_UNSPECIFIED } : undefined,
    stream: optBoolean(body['stream'], 'stream') ?? false,
    // The Responses stream always ends with the usage (in response.completed).
    includeUsage: true,
    meta: { endUserId: endUser, dialect: Dialect.DIALECT_OPENAI_RESPONSES, requestId: '', tenantId: '', keyId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
    droppedParams: [],
  };
  if (streamOptions) optBoolean(streamOptions['include_obfuscation'], 'stream_options.include_obfuscation');
  const extra = unmodelled(body);
  // `auto` lets OpenAI drop the oldest items to fit the window: an OpenAI-only field, forwarded to
  // a Responses upstream (openai-responses.passthrough.ts); no other upstream can, so they list
  // it dropped and the request goes whole (a context-length error if it does not fit).
  if (truncation === 'auto') extra['truncation'] = truncation;
  if (textConfig['verbosity'] !== undefined && textConfig['verbosity'] !== null) extra['verbosity'] = textConfig['verbosity'];
  if (effort === 'none' || effort === 'xhigh') extra['reasoning_effort'] = effort;
  if (Object.keys(extra).length) chat.extensions = { dialect: Dialect.DIALECT_OPENAI_RESPONSES, json: JSON.stringify(extra) };

  const echo: ResponsesEcho = {
    instructions,
    maxOutputTokens: maxTokens ?? null,
    metadata: parseMetadata(body['metadata']),
    parallelToolCalls: optBoolean(body['parallel_tool_calls'], 'parallel_tool_calls') ?? true,
    previousResponseId: previous,
    reasoning: { effort: effort ?? null, summary },
    store: store ?? true,
    // OpenAI echoes its defaults (1) when the request set none.
    temperature: chat.sampling?.temperature ?? 1,
    topP: chat.sampling?.topP ?? 1,
    text: { format: isObject(textConfig['format']) ? textConfig['format'] : { type: 'text' }, ...(textConfig['verbosity'] ? { verbosity: textConfig['verbosity'] } : {}) },
    toolChoice: body['tool_choice'] ?? 'auto',
    tools: tools.echo,
    truncation,
    user: optString(body['user'], 'user') ?? null,
    include,
    topLogprobs: topLogprobs ?? 0,
  };
  return { chat, input, echo, storeAsked: store === true };
}

function parseInclude(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  return expectArray(raw, 'include').map((v, i) => {
    const value = expectString(v, `include[${i}]`);
    if (!INCLUDABLE.has(value)) throw IrError.invalid(`include[${i}]: unknown value "${value}"; expected one of ${[...INCLUDABLE].join(', ')}`, `include[${i}]`);
    return value;
  });
}

/** `input` as a list of items: a string is one user message. */
function inputItems(raw: unknown): JsonObject[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw === 'string') return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: raw }] }];
  return expectArray(raw, 'input').map((item, i) => expectObject(item, `input[${i}]`));
}

function unmodelled(body: JsonObject): JsonObject {
  const extra: JsonObject = {};
  for (const key of Object.keys(body)) if (!MODELLED.has(key)) extra[key] = body[key];
  return extra;
}

function parseTools(raw: unknown): { ir: Tool[]; echo: JsonObject[] } {
  const out = { ir: [] as Tool[], echo: [] as JsonObject[] };
  if (raw === undefined || raw === null) return out;
  expectArray(raw, 'tools').forEach((t, i) => {
    const path = `tools[${i}]`;
    const tool = expectObject(t, path);
    const type = expectString(tool['type'], `${path}.type`);
    // Built-in tools (web_search, file_search, code_interpreter, computer use, image generation,
    // MCP …) run on OpenAI's servers: no other upstream can honour them.
    if (type !== 'function') throw IrError.invalid(`${path}.type: "${type}" is a built-in tool this gateway does not run; only function tools are supported`, `${path}.type`);
    const params = tool['parameters'];
    if (params !== undefined && params !== null && !isObject(params)) throw IrError.invalid(`${path}.parameters: expected a JSON Schema object`, `${path}.parameters`);
    const name = expectString(tool['name'], `${path}.name`);
    const description = optString(tool['description'], `${path}.description`) ?? '';
    // Responses function tools are strict unless they say otherwise (the SDK's FunctionTool.strict).
    const strict = optBoolean(tool['strict'], `${path}.strict`) ?? true;
    out.ir.push({ name, description, parametersJson: isObject(params) ? JSON.stringify(params) : '', strict, cacheControlJson: '' });
    out.echo.push({ type: 'function', name, description: description || null, parameters: isObject(params) ? params : null, strict });
  });
  return out;
}

function parseToolChoice(raw: unknown, parallel: unknown): ToolChoice | undefined {
  const disableParallel = optBoolean(parallel, 'parallel_tool_calls') === false;
  if (raw === undefined || raw === null) return disableParallel ? { mode: ToolChoice_Mode.MODE_AUTO, disableParallel, name: '' } : undefined;
  if (raw === 'auto') return { mode: ToolChoice_Mode.MODE_AUTO, disableParallel, name: '' };
  if (raw === 'none') return { mode: ToolChoice_Mode.MODE_NONE, disableParallel, name: '' };
  if (raw === 'required') return { mode: ToolChoice_Mode.MODE_REQUIRED, disableParallel, name: '' };
  if (typeof raw === 'string') throw IrError.invalid(`tool_choice: unknown value "${raw}"`, 'tool_choice');
  const c = expectObject(raw, 'tool_choice');
  const type = expectString(c['type'], 'tool_choice.type');
  if (type !== 'function') throw IrError.invalid(`tool_choice.type: only "function" tool choices are supported, not "${type}"`, 'tool_choice.type');
  return { mode: ToolChoice_Mode.MODE_NAMED, name: expectString(c['name'], 'tool_choice.name'), disableParallel };
}

function parseFormat(raw: unknown): ResponseFormat | undefined {
  if (raw === undefined || raw === null) return undefined;
  const f = expectObject(raw, 'text.format');
  const type = expectString(f['type'], 'text.format.type');
  if (type === 'text') return { type: ResponseFormat_Type.TYPE_TEXT, schemaName: '', schemaJson: '', strict: false };
  if (type === 'json_object') return { type: ResponseFormat_Type.TYPE_JSON_OBJECT, schemaName: '', schemaJson: '', strict: false };
  if (type === 'json_schema') {
    // The Responses API flattens Chat Completions' json_schema object into the format itself.
    const schema = f['schema'];
    if (!isObject(schema)) throw IrError.invalid('text.format.schema: expected a JSON Schema object', 'text.format.schema');
    return { type: ResponseFormat_Type.TYPE_JSON_SCHEMA, schemaName: expectString(f['name'], 'text.format.name'), schemaJson: JSON.stringify(schema), strict: optBoolean(f['strict'], 'text.format.strict') ?? false };
  }
  throw IrError.invalid(`text.format.type: unknown value "${type}"`, 'text.format.type');
}

/** OpenAI's metadata: at most 16 string values, keys up to 64 and values up to 512 characters. */
function parseMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  const m = expectObject(raw, 'metadata');
  const keys = Object.keys(m);
  if (keys.length > 16) throw IrError.invalid('metadata: at most 16 keys', 'metadata');
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = expectString(m[k], `metadata.${k}`);
    if (k.length > 64) throw IrError.invalid('metadata: keys are at most 64 characters', 'metadata');
    if (v.length > 512) throw IrError.invalid(`metadata.${k}: values are at most 512 characters`, `metadata.${k}`);
    out[k] = v;
  }
  return out;
}
