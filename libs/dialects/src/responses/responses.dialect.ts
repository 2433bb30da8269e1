import { Dialect, ErrorEvent, ErrorKind, IrError } from '@switchyard/ir';
import type { RenderedBody } from '../dialect.types';
import type { JsonObject } from '../json-guards';
import { renderOpenAiError } from '../openai/openai-chat.render';
import { ResponsesAnswer, type ResponsesAnswerContext } from './responses.answer';
import { type ResponsesCall, parseResponsesRequest } from './responses.parse';

/**
 * OpenAI's Responses API as a client dialect (POST /v1/responses, docs/architecture.md §3):
 * parse into the IR, render the IR events as a Response object or its SSE stream. Errors have
 * the same body as Chat Completions' (`{"error":{message,type,param,code}}`).
 */
export class OpenAiResponsesDialect {
  readonly id = Dialect.DIALECT_OPENAI_RESPONSES;

  parseRequest(body: unknown): ResponsesCall {
    return parseResponsesRequest(body);
  }

  /** The answer's builder: SSE events when `stream`, and the final Response object either way. */
  createAnswer(ctx: ResponsesAnswerContext, stream: boolean): ResponsesAnswer {
    return new ResponsesAnswer(ctx, stream);
  }

  renderError(error: ErrorEvent): RenderedBody {
    const rendered = renderOpenAiError(inResponsesTerms(error));
    if (error.param !== PREVIOUS_PARAM || !error.message.startsWith(PREVIOUS_PREFIX)) return rendered;
    // OpenAI's own code for it, which agents (Codex and others) key their recovery on.
    const body = JSON.parse(rendered.body) as { error: Record<string, unknown> };
    body.error['code'] = 'previous_response_not_found';
    return { ...rendered, body: JSON.stringify(body) };
  }
}

/**
 * The IR's request fields are named as Chat Completions names them, and so are the refusals the
 * providers raise (an OpenAI Responses upstream's `max_tokens` minimum, Anthropic's lack of
 * `response_format: json_object`). A Responses client sent them under other names.
 */
const RESPONSES_PARAM: Readonly<Record<string, string>> = {
  max_tokens: 'max_output_tokens',
  max_completion_tokens: 'max_output_tokens',
  response_format: 'text.format',
  'response_format.json_schema.schema': 'text.format.schema',
  reasoning_effort: 'reasoning.effort',
  messages: 'input',
};

/** The error with its param (and the message's leading `param:`) in the Responses API's names. */
function inResponsesTerms(error: ErrorEvent): ErrorEvent {
  const param = Object.hasOwn(RESPONSES_PARAM, error.param) ? RESPONSES_PARAM[error.param] : undefined;
  if (!param) return error;
  const message = error.message.startsWith(`${error.param}:`) ? param + error.message.slice(error.param.length) : error.message;
  return { ...error, param, message };
}

const PREVIOUS_PARAM = 'previous_response_id';
const PREVIOUS_PREFIX = 'Previous response with id ';

/**
 * OpenAI's answer for a `previous_response_id` it does not hold: 400 `invalid_request_error`,
 * code `previous_response_not_found`. Also the answer for another tenant's id, so ids cannot
 * be probed across tenants.
 */
export function previousResponseNotFound(id: string): IrError {
  return new IrError(ErrorKind.ERROR_KIND_INVALID_REQUEST, `${PREVIOUS_PREFIX}'${id}' not found.`, PREVIOUS_PARAM);
}

/** The Response id of a request (the ingress's UUID request id, without dashes). */
export function responseIdOf(requestId: string): string {
  return `resp_${requestId.replace(/-/g, '')}`;
}

const ITEM_PREFIX: Readonly<Record<string, string>> = { message: 'msg', function_call: 'fc', function_call_output: 'fco', reasoning: 'rs' };

/**
 * The request's input items as stored and listed (GET /v1/responses/{id}/input_items): each
 * with an id (the client's, else one derived from the response id) and the item's type spelled
 * out, as OpenAI lists them.
 */
export function identifiedInputItems(responseId: string, items: readonly JsonObject[]): JsonObject[] {
  const hex = responseId.slice('resp_'.length);
  return items.map((item, i) => {
    const type = typeof item['type'] === 'string' ? item['type'] : 'message';
    const id = typeof item['id'] === 'string' && item['id'] ? item['id'] : `${ITEM_PREFIX[type] ?? 'item'}_${hex}in${i}`;
    const listed: JsonObject = { ...item, id, type };
    if (type === 'message' && typeof item['content'] === 'string') listed['content'] = [{ type: item['role'] === 'assistant' ? 'output_text' : 'input_text', text: item['content'] }];
    if (type === 'message' && listed['status'] === undefined) listed['status'] = 'completed';
    return listed;
  });
}

/** One page of input items, as OpenAI's cursor list (`order` desc by default, `after` an item id). */
export function renderInputItemsPage(items: readonly JsonObject[], query: { after?: string; limit?: number; order?: 'asc' | 'desc' }): string {
  const ordered = query.order === 'asc' ? items : [...items].reverse();
  const start = query.after === undefined ? 0 : ordered.findIndex((i) => i['id'] === query.after) + 1;
  // An `after` that names no item of the list is an empty page, as a cursor past the end.
  const from = query.after !== undefined && start === 0 ? ordered.length : start;
  const limit = query.limit ?? 20;
  const data = ordered.slice(from, from + limit);
  return JSON.stringify({
    object: 'list',
    data,
    first_id: (data[0]?.['id'] as string | undefined) ?? null,
    last_id: (data[data.length - 1]?.['id'] as string | undefined) ?? null,
    has_more: from + limit < ordered.length,
  });
}
