// Chat Completions request checks the OpenAI API makes, with its own wording, for the mistakes
// a translator can make. Message texts as the API returns them (OpenAI's misspelling
// "preceeding" included), e.g. github.com/miurla/morphic/issues/136 and
// github.com/BerriAI/litellm/issues/10083; the roles from the SDK's ChatCompletionMessageParam.
import type { IncomingCall } from './provider-wire.types';
import type { SimulatedError } from './simulator-scenario.types';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

export function validateOpenAiChat({ body, modelInPath }: IncomingCall): SimulatedError | undefined {
  if (!modelInPath && typeof body['model'] !== 'string') return invalid('you must provide a model parameter', 'model');
  const messages = body['messages'];
  if (messages === undefined) return invalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(messages)) return invalid("Invalid type for 'messages': expected an array.", 'messages', 'invalid_type');
  if (messages.length === 0) {
    return invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  }
  if (body['stream_options'] != null && body['stream'] !== true) {
    return invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options');
  }
  return checkRoles(messages) ?? checkToolPairs(messages);
}

function checkRoles(messages: readonly unknown[]): SimulatedError | undefined {
  for (let i = 0; i < messages.length; i++) {
    const role = roleOf(messages[i]);
    if (!ROLES.has(role)) {
      return invalid(
        `Invalid value: '${role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        `messages[${i}].role`,
        'invalid_value',
      );
    }
  }
  return undefined;
}

// Every tool message answers a tool call of the assistant message just before the run of tool
// messages it belongs to, and every such call gets its answer before the conversation moves on.
function checkToolPairs(messages: readonly unknown[]): SimulatedError | undefined {
  let awaited: Set<string> | undefined;
  let askedAt = -1;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as Record<string, unknown>;
    const role = roleOf(message);
    if (role === 'tool') {
      const id = message['tool_call_id'];
      if (!awaited || typeof id !== 'string' || !awaited.delete(id)) {
        return invalid("Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", `messages.[${i}].role`);
      }
      continue;
    }
    if (awaited && awaited.size > 0) return unanswered(awaited, askedAt);
    awaited = undefined;
    const calls = message['tool_calls'];
    if (role === 'assistant' && Array.isArray(calls) && calls.length > 0) {
      awaited = new Set(calls.map((call) => String((call as { id?: unknown }).id)));
      askedAt = i;
    }
  }
  return awaited && awaited.size > 0 ? unanswered(awaited, askedAt) : undefined;
}

function unanswered(ids: ReadonlySet<string>, at: number): SimulatedError {
  return invalid(
    `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...ids].join(', ')}`,
    `messages.[${at}].role`,
  );
}

function roleOf(message: unknown): string {
  const role = (message as { role?: unknown } | null)?.role;
  return typeof role === 'string' ? role : String(role);
}

function invalid(message: string, param?: string, code?: string): SimulatedError {
  return { status: 400, type: 'invalid_request_error', message, param, code };
}
