// Responses API request checks the OpenAI API makes, with its own wording, for the mistakes a
// translator from Chat Completions makes: chat-only parameters (`messages`, `max_tokens`,
// `stop`…) are unknown here, function tools are flat (`tools[0].name`, not `tools[0].function`),
// content parts are `input_text` / `output_text`, max_output_tokens is at least 16, and every
// function_call_output answers a function_call of the same input (and every call is answered).
// Texts as the API returns them, e.g. continuedev/continue#10092 ("No tool call found for
// function call output with call_id …", param `input`), tjardoo/openai-client#124 ("No tool
// output found for function call …"); the parameter list is the SDK's ResponseCreateParamsBase.
import type { IncomingCall } from './provider-wire.types';
import type { SimulatedError } from './simulator-scenario.types';

const PARAMETERS = new Set([
  'background', 'context_management', 'conversation', 'include', 'input', 'instructions', 'max_output_tokens', 'max_tool_calls',
  'metadata', 'model', 'parallel_tool_calls', 'previous_response_id', 'prompt', 'prompt_cache_key', 'prompt_cache_retention',
  'reasoning', 'safety_identifier', 'service_tier', 'store', 'stream', 'stream_options', 'temperature', 'text', 'tool_choice',
  'tools', 'top_logprobs', 'top_p', 'truncation', 'user',
]);
const ROLES = new Set(['user', 'assistant', 'system', 'developer']);
const CONTENT_TYPES = ['input_text', 'input_image', 'output_text', 'refusal', 'input_file', 'computer_screenshot', 'summary_text'];
const MIN_OUTPUT_TOKENS = 16;

type Json = Record<string, unknown>;

export function validateOpenAiResponses({ body, modelInPath }: IncomingCall): SimulatedError | undefined {
  for (const key of Object.keys(body)) {
    if (!PARAMETERS.has(key)) return invalid(`Unknown parameter: '${key}'.`, key, 'unknown_parameter');
  }
  if (!modelInPath && typeof body['model'] !== 'string') return invalid("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  const max = body['max_output_tokens'];
  if (typeof max === 'number' && max < MIN_OUTPUT_TOKENS) {
    return invalid(`Invalid 'max_output_tokens': integer below minimum value. Expected a value >= ${MIN_OUTPUT_TOKENS}, but got ${max} instead.`, 'max_output_tokens', 'integer_below_min_value');
  }
  if (body['stream_options'] != null && body['stream'] !== true) {
    return invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options');
  }
  const input = body['input'];
  if (input !== undefined && typeof input !== 'string' && !Array.isArray(input)) {
    return invalid("Invalid type for 'input': expected one of a string or an array of input items.", 'input', 'invalid_type');
  }
  return checkTools(body['tools']) ?? (Array.isArray(input) ? checkItems(input) ?? checkCallPairs(input) : undefined);
}

function checkTools(tools: unknown): SimulatedError | undefined {
  if (!Array.isArray(tools)) return undefined;
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i] as Json;
    if (tool?.['type'] === 'function' && typeof tool['name'] !== 'string') {
      return invalid(`Missing required parameter: 'tools[${i}].name'.`, `tools[${i}].name`, 'missing_required_parameter');
    }
  }
  return undefined;
}

function checkItems(items: readonly unknown[]): SimulatedError | undefined {
  for (let i = 0; i < items.length; i++) {
    const item = (items[i] ?? {}) as Json;
    const type = item['type'] ?? 'message';
    if (type !== 'message') continue;
    const role = item['role'];
    if (typeof role !== 'string' || !ROLES.has(role)) {
      return invalid(`Invalid value: '${String(role)}'. Supported values are: 'assistant', 'system', 'developer', and 'user'.`, `input[${i}].role`, 'invalid_value');
    }
    const content = item['content'];
    if (!Array.isArray(content)) continue;
    for (let j = 0; j < content.length; j++) {
      const partType = (content[j] as Json | null)?.['type'];
      if (typeof partType !== 'string' || !CONTENT_TYPES.includes(partType)) {
        return invalid(`Invalid value: '${String(partType)}'. Supported values are: ${listed(CONTENT_TYPES)}.`, `input[${i}].content[${j}]`, 'invalid_value');
      }
    }
  }
  return undefined;
}

function checkCallPairs(items: readonly unknown[]): SimulatedError | undefined {
  const called = new Set<string>();
  const answered = new Set<string>();
  for (const raw of items) {
    const item = (raw ?? {}) as Json;
    const id = String(item['call_id']);
    if (item['type'] === 'function_call') called.add(id);
    else if (item['type'] === 'function_call_output') {
      if (!called.has(id)) return invalid(`No tool call found for function call output with call_id ${id}.`, 'input');
      answered.add(id);
    }
  }
  const unanswered = [...called].find((id) => !answered.has(id));
  return unanswered === undefined ? undefined : invalid(`No tool output found for function call ${unanswered}.`, 'input');
}

function listed(values: readonly string[]): string {
  return `${values.slice(0, -1).map((v) => `'${v}'`).join(', ')}, and '${values[values.length - 1]}'`;
}

function invalid(message: string, param?: string, code?: string): SimulatedError {
  return { status: 400, type: 'invalid_request_error', message, param, code };
}
