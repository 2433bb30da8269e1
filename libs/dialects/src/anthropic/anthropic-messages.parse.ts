import { ChatRequest, ContentPart, Dialect, IrError, Message, Reasoning, Reasoning_Effort, ResponseFormat, ResponseFormat_Type, Tool, ToolChoice, ToolChoice_Mode } from '@switchyard/ir';
import { JsonObject, expectArray, expectBody, expectObject, expectString, isObject, optBoolean, optInteger, optNumber, optString, ownEntry } from '../json-guards';
import { ParseScope, cacheControlJson, checkKeys, parseMessageContent, parseSystem } from './anthropic-messages.content';

// Anthropic Messages request (POST /v1/messages, /v1/messages/count_tokens) → IR. Reference:
// platform.claude.com/docs/en/api/messages and the @anthropic-ai/sdk MessageCreateParamsBase /
// MessageCountTokensParams types. Like the API, an undeclared top-level field is a 400 ("Extra
// inputs are not permitted"); declared fields the IR does not model travel in `extensions` for
// an Anthropic upstream.

/** Fields the IR models (or that this parser turns into IR fields). */
const MODELLED = ['model', 'messages', 'system', 'max_tokens', 'metadata', 'stop_sequences', 'stream', 'temperature', 'top_p', 'top_k', 'tools', 'tool_choice', 'thinking', 'output_config', 'output_format'];

// Declared by the Messages API (GA and beta bodies) but outside the IR: passed verbatim to an
// Anthropic upstream where its provider's passthrough policy allows them (libs/providers
// anthropic.passthrough.ts decides, field by field, what is forwarded, dropped or refused). `betas` is absent on purpose: the SDK sends it as a header, never a field.
const PASSTHROUGH_CREATE = [
  'cache_control', 'container', 'diagnostics', 'inference_geo', 'service_tier', 'speed', 'user_profile_id', 'workspace_id',
  'mcp_servers', 'context_management', 'compaction', 'fallbacks', 'fallback_credit_token',
];
const PASSTHROUGH_COUNT = ['cache_control', 'speed', 'user_profile_id', 'workspace_id', 'mcp_servers', 'context_management'];

// count_tokens takes the prompt half of a create body: no max_tokens, sampling or streaming.
const COUNT_MODELLED = ['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'output_config', 'output_format'];

const EFFORTS: Record<string, Reasoning_Effort> = { low: Reasoning_Effort.EFFORT_LOW, medium: Reasoning_Effort.EFFORT_MEDIUM, high: Reasoning_Effort.EFFORT_HIGH };

const TOOL_KEYS = ['type', 'name', 'description', 'input_schema', 'cache_control', 'strict', 'allowed_callers', 'defer_loading', 'eager_input_streaming', 'input_examples'];

export function parseAnthropicMessagesRequest(raw: unknown): ChatRequest {
  return parse(raw, false);
}

export function parseAnthropicCountTokensRequest(raw: unknown): ChatRequest {
  return parse(raw, true);
}

function parse(raw: unknown, counting: boolean): ChatRequest {
  const body = expectBody(raw);
  const passthrough = counting ? PASSTHROUGH_COUNT : PASSTHROUGH_CREATE;
  checkKeys(body, [...(counting ? COUNT_MODELLED : MODELLED), ...passthrough], 'body');

  const model = expectString(body['model'], 'model');
  if (!model) throw IrError.invalid('model: must not be empty', 'model');
  const maxTokens = optInteger(body['max_tokens'], 'max_tokens', 1);
  if (!counting && maxTokens === undefined) throw IrError.invalid('max_tokens: Field required', 'max_tokens');

  const scope: ParseScope = { dropped: [], droppedSeen: new Set(), toolNames: new Map() };
  const system = parseSystem(body['system'], scope);
  const messages = parseMessages(body['messages'], system, scope);
  const extra: JsonObject = {};
  for (const key of passthrough) if (body[key] !== undefined) extra[key] = body[key];

  const request: ChatRequest = {
    model,
    system,
    messages,
    tools: parseTools(body['tools'], scope),
    toolChoice: parseToolChoice(body['tool_choice']),
    sampling: {
      maxTokens,
      temperature: optNumber(body['temperature'], 'temperature', 0, 1),
      topP: optNumber(body['top_p'], 'top_p', 0, 1),
      topK: optInteger(body['top_k'], 'top_k', 0),
      stop: parseStopSequences(body['stop_sequences']),
    },
    responseFormat: parseOutputFormat(body),
    reasoning: parseThinking(body['thinking'], extra),
    stream: counting ? false : optBoolean(body['stream'], 'stream') ?? false,
    // Anthropic always reports usage, streamed or not (message_start / message_delta).
    includeUsage: true,
    meta: { endUserId: parseMetadata(body['metadata']), dialect: Dialect.DIALECT_ANTHROPIC, requestId: '', tenantId: '', keyId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
    droppedParams: scope.dropped,
  };
  const effort = parseOutputEffort(body['output_config'], extra);
  if (effort) request.reasoning = { ...request.reasoning, effort };
  if (Object.keys(extra).length) request.extensions = { dialect: Dialect.DIALECT_ANTHROPIC, json: JSON.stringify(extra) };
  return request;
}

function parseMessages(raw: unknown, system: ContentPart[], scope: ParseScope): Message[] {
  const list = expectArray(raw, 'messages');
  if (list.length === 0) throw IrError.invalid('messages: at least one message is required', 'messages');
  const out: Message[] = [];
  list.forEach((m, i) => {
    const path = `messages[${i}]`;
    const message = expectObject(m, path);
    checkKeys(message, ['role', 'content'], path);
    const role = expectString(message['role'], `${path}.role`);
    if (message['content'] === undefined) throw IrError.invalid(`${path}.content: Field required`, `${path}.content`);
    switch (role) {
      case 'user':
      case 'assistant':
        parseMessageContent(message['content'], `${path}.content`, role, scope, out);
        return;
      case 'system':
        // The SDK's MessageParam allows a system turn; the IR has one system prompt, so its
        // text joins it (as the OpenAI dialect does with system/developer messages).
        system.push(...parseSystem(message['content'], scope, `${path}.content`));
        return;
      default:
        throw IrError.invalid(`${path}.role: expected "user" or "assistant"`, `${path}.role`);
    }
  });
  return out;
}

function parseTools(raw: unknown, scope: ParseScope): Tool[] {
  if (raw === undefined || raw === null) return [];
  return expectArray(raw, 'tools').map((t, i) => {
    const path = `tools[${i}]`;
    const tool = expectObject(t, path);
    const type = optString(tool['type'], `${path}.type`);
    if (type !== undefined && type !== 'custom') {
      // Server tools (web_search_*, bash_*, text_editor_*, code_execution_*, computer use…) run
      // inside Anthropic; no other upstream has them, and silently dropping one changes the answer.
      throw IrError.invalid(`${path}.type: server tool "${type}" is not supported by this gateway; only custom tools are`, `${path}.type`);
    }
    checkKeys(tool, TOOL_KEYS, path);
    for (const key of ['allowed_callers', 'defer_loading', 'eager_input_streaming', 'input_examples']) {
      if (tool[key] !== undefined && tool[key] !== null) scope.dropped.push(`${path}.${key}`);
    }
    const schema = expectObject(tool['input_schema'], `${path}.input_schema`);
    if (schema['type'] !== 'object') throw IrError.invalid(`${path}.input_schema.type: expected "object"`, `${path}.input_schema.type`);
    const result: Tool = {
      name: expectString(tool['name'], `${path}.name`),
      description: optString(tool['description'], `${path}.description`) ?? '',
      parametersJson: JSON.stringify(schema),
      strict: optBoolean(tool['strict'], `${path}.strict`) ?? false,
      cacheControlJson: '',
    };
    const cacheControl = cacheControlJson(tool['cache_control'], `${path}.cache_control`);
    if (cacheControl) result.cacheControlJson = cacheControl;
    return result;
  });
}

function parseToolChoice(raw: unknown): ToolChoice | undefined {
  if (raw === undefined || raw === null) return undefined;
  const c = expectObject(raw, 'tool_choice');
  const type = expectString(c['type'], 'tool_choice.type');
  const keys = type === 'tool' ? ['type', 'name', 'disable_parallel_tool_use'] : type === 'none' ? ['type'] : ['type', 'disable_parallel_tool_use'];
  const disableParallel = () => optBoolean(c['disable_parallel_tool_use'], 'tool_choice.disable_parallel_tool_use') ?? false;
  switch (type) {
    case 'auto':
      checkKeys(c, keys, 'tool_choice');
      return { mode: ToolChoice_Mode.MODE_AUTO, disableParallel: disableParallel(), name: '' };
    case 'any':
      checkKeys(c, keys, 'tool_choice');
      return { mode: ToolChoice_Mode.MODE_REQUIRED, disableParallel: disableParallel(), name: '' };
    case 'tool':
      checkKeys(c, keys, 'tool_choice');
      return { mode: ToolChoice_Mode.MODE_NAMED, name: expectString(c['name'], 'tool_choice.name'), disableParallel: disableParallel() };
    case 'none':
      checkKeys(c, keys, 'tool_choice');
      return { mode: ToolChoice_Mode.MODE_NONE, name: '', disableParallel: false };
    default:
      throw IrError.invalid(`tool_choice.type: expected "auto", "any", "tool" or "none"`, 'tool_choice.type');
  }
}

function parseStopSequences(raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  return expectArray(raw, 'stop_sequences').map((s, i) => expectString(s, `stop_sequences[${i}]`));
}

// {type:"enabled", budget_tokens} is a budget; {type:"disabled"} a zero budget (thinking off
// for upstreams that think by default). Adaptive and between_tools thinking, and `display`,
// have no IR form: they travel in extensions to an Anthropic upstream only.
function parseThinking(raw: unknown, extra: JsonObject): Reasoning | undefined {
  if (raw === undefined || raw === null) return undefined;
  const t = expectObject(raw, 'thinking');
  const type = expectString(t['type'], 'thinking.type');
  switch (type) {
    case 'enabled': {
      checkKeys(t, ['type', 'budget_tokens', 'display'], 'thinking');
      const budget = optInteger(t['budget_tokens'], 'thinking.budget_tokens', 0);
      if (budget === undefined) throw IrError.invalid('thinking.budget_tokens: Field required', 'thinking.budget_tokens');
      if (optString(t['display'], 'thinking.display') !== undefined) extra['thinking'] = t;
      return { budgetTokens: budget, effort: Reasoning_Effort.EFFORT_UNSPECIFIED };
    }
    case 'disabled':
      checkKeys(t, ['type'], 'thinking');
      return { budgetTokens: 0, effort: Reasoning_Effort.EFFORT_UNSPECIFIED };
    case 'adaptive':
      checkKeys(t, ['type', 'display'], 'thinking');
      extra['thinking'] = t;
      return undefined;
    case 'between_tools':
      checkKeys(t, ['type'], 'thinking');
      extra['thinking'] = t;
      return undefined;
    default:
      throw IrError.invalid('thinking.type: expected "enabled", "disabled", "adaptive" or "between_tools"', 'thinking.type');
  }
}

// Structured output: output_config.format (GA) or the older beta output_format, both
// {type:"json_schema", schema}. It is a JSON-schema response format in IR terms.
function parseOutputFormat(body: JsonObject): ResponseFormat | undefined {
  const config = body['output_config'] === undefined || body['output_config'] === null ? undefined : expectObject(body['output_config'], 'output_config');
  if (config) checkKeys(config, ['effort', 'format'], 'output_config');
  const fromConfig = config?.['format'];
  const [raw, path] = fromConfig !== undefined && fromConfig !== null ? [fromConfig, 'output_config.format'] : [body['output_format'], 'output_format'];
  if (raw === undefined || raw === null) return undefined;
  const f = expectObject(raw, path);
  checkKeys(f, ['type', 'schema'], path);
  if (f['type'] !== 'json_schema') throw IrError.invalid(`${path}.type: expected "json_schema"`, `${path}.type`);
  if (!isObject(f['schema'])) throw IrError.invalid(`${path}.schema: expected an object`, `${path}.schema`);
  return { type: ResponseFormat_Type.TYPE_JSON_SCHEMA, schemaName: '', schemaJson: JSON.stringify(f['schema']), strict: true };
}

// output_config.effort: low/medium/high are IR efforts; xhigh and max exist only at Anthropic
// and go to it unchanged in extensions.
function parseOutputEffort(raw: unknown, extra: JsonObject): Reasoning_Effort | undefined {
  if (!isObject(raw)) return undefined;
  const effort = optString(raw['effort'], 'output_config.effort');
  if (effort === undefined) return undefined;
  const known = ownEntry(EFFORTS, effort);
  if (known !== undefined) return known;
  if (effort === 'xhigh' || effort === 'max') {
    extra['output_config'] = { effort };
    return undefined;
  }
  throw IrError.invalid('output_config.effort: expected "low", "medium", "high", "xhigh" or "max"', 'output_config.effort');
}

function parseMetadata(raw: unknown): string {
  if (raw === undefined || raw === null) return '';
  const m = expectObject(raw, 'metadata');
  checkKeys(m, ['user_id'], 'metadata');
  return optString(m['user_id'], 'metadata.user_id') ?? '';
}
