// OpenAI Responses API wire (POST /v1/responses; Azure /openai/v1/responses): the Response
// object (openai-responses.output.ts) and its stream, as the `openai` SDK declares the events
// (resources/responses/responses.d.ts: ResponseStreamEvent) and the streaming guide orders them:
// response.created, response.in_progress, then per output item output_item.added, its parts
// and deltas, output_item.done; last response.completed or response.incomplete. Every event is
// named (`event:` line) and numbered by `sequence_number` from 0; there is no [DONE] marker.
// Delta events carry an `obfuscation` filler unless stream_options.include_obfuscation is false.
// An error inside the stream is an `error` event ({type, code, message, param, sequence_number}).
// HTTP errors have the Chat Completions error body.
import {
  type Outcome,
  functionCallId,
  functionCallItem,
  hasMessage,
  messageId,
  messageItem,
  nowSeconds,
  outcomeOf,
  outputItems,
  outputText,
  reasoningId,
  reasoningItem,
  reasons,
  requestOf,
  responseObject,
  wantsSummary,
} from './openai-responses.output';
import { validateOpenAiResponses } from './openai-responses.validation';
import { openAiWire } from './openai.wire';
import type { ProviderWire, StreamFrame } from './provider-wire.types';
import type { SimulatedTurn } from './simulated-turn';
import type { SimulatedError } from './simulator-scenario.types';
import { SSE_CONTENT_TYPE, sseEvent } from './sse';

type Json = Record<string, unknown>;

const TERMINAL: Record<Outcome['status'], string> = { completed: 'response.completed', incomplete: 'response.incomplete' };
// Real fillers are random; a fixed one keeps recorded streams stable.
const FILLER = 'Zm9vYmFyYmF6cXV4';

export const openAiResponsesWire: ProviderWire = {
  provider: 'openai',
  requestIdHeader: 'x-request-id',
  jsonContentType: 'application/json',
  streamContentType: SSE_CONTENT_TYPE,
  validate: validateOpenAiResponses,
  json: (turn) => {
    const outcome = outcomeOf(turn);
    return responseObject(turn, nowSeconds(), { outcome, output: outputItems(turn, outcome) });
  },
  stream: responseEvents,
  errorBody: (error, requestId) => openAiWire.errorBody(error, requestId),
  streamError: (error, sequenceNumber) => sseEvent('error', errorEvent(error, sequenceNumber ?? 0)),
  garbage: 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":\n\n',
  models: () => openAiWire.models(),
  // Azure's content filter refuses a prompt the same way on both APIs.
  promptBlockedError: (variant) => openAiWire.promptBlockedError?.(variant),
};

interface Pending {
  readonly type: string;
  readonly payload: Json;
  readonly delta: boolean;
}

function responseEvents(turn: SimulatedTurn): StreamFrame[] {
  const p = turn.prepared;
  const createdAt = nowSeconds();
  const outcome = outcomeOf(turn);
  const obfuscate = requestOf(turn).stream_options?.include_obfuscation !== false;
  const events: Pending[] = [];
  const add = (type: string, payload: Json, delta = false): void => {
    events.push({ type, payload: delta && obfuscate ? { ...payload, obfuscation: FILLER.slice(0, 1 + (String(payload['delta']).length % FILLER.length)) } : payload, delta });
  };
  const announced = responseObject(turn, createdAt);
  add('response.created', { response: announced });
  add('response.in_progress', { response: announced });
  let index = 0;
  if (reasons(turn)) {
    const at = index++;
    const item_id = reasoningId(turn);
    const summary = wantsSummary(turn) ? p.reasoning : '';
    add('response.output_item.added', { output_index: at, item: reasoningItem(turn, '') });
    if (summary !== '') {
      const part = { item_id, output_index: at, summary_index: 0 };
      add('response.reasoning_summary_part.added', { ...part, part: { type: 'summary_text', text: '' } });
      for (const delta of p.reasoningChunks) add('response.reasoning_summary_text.delta', { ...part, delta }, true);
      add('response.reasoning_summary_text.done', { ...part, text: summary });
      add('response.reasoning_summary_part.done', { ...part, part: { type: 'summary_text', text: summary } });
    }
    add('response.output_item.done', { output_index: at, item: reasoningItem(turn, summary) });
  }
  const last = outcome.status === 'completed' ? 'completed' : 'incomplete';
  if (hasMessage(turn)) {
    const at = index++;
    const part = { item_id: messageId(turn), output_index: at, content_index: 0 };
    add('response.output_item.added', { output_index: at, item: messageItem(turn, 'in_progress', undefined) });
    add('response.content_part.added', { ...part, part: outputText('') });
    for (const delta of p.contentChunks) add('response.output_text.delta', { ...part, delta, logprobs: [] }, true);
    add('response.output_text.done', { ...part, text: p.content, logprobs: [] });
    add('response.content_part.done', { ...part, part: outputText(p.content) });
    add('response.output_item.done', { output_index: at, item: messageItem(turn, p.toolCalls.length > 0 ? 'completed' : last, p.content) });
  }
  p.toolCalls.forEach((call, i) => {
    const at = index++;
    const item_id = functionCallId(turn, i);
    add('response.output_item.added', { output_index: at, item: functionCallItem(turn, i, call, 'in_progress', '') });
    for (const delta of call.jsonChunks) add('response.function_call_arguments.delta', { item_id, output_index: at, delta }, true);
    add('response.function_call_arguments.done', { item_id, output_index: at, name: call.name, arguments: call.json });
    add('response.output_item.done', { output_index: at, item: functionCallItem(turn, i, call, i === p.toolCalls.length - 1 ? last : 'completed', call.json) });
  });
  add(TERMINAL[outcome.status], { response: responseObject(turn, createdAt, { outcome, output: outputItems(turn, outcome) }) });
  return events.map(({ type, payload, delta }, sequence_number) => ({ data: sseEvent(type, { type, sequence_number, ...payload }), delta }));
}

// The SDK's ResponseErrorEvent: top-level code, message and param.
function errorEvent(error: SimulatedError, sequence_number: number): Json {
  const body = openAiWire.errorBody(error, '') as { error: { message: string; code: string | null; param: string | null } };
  return { type: 'error', code: body.error.code ?? (error.status >= 500 ? 'server_error' : null), message: body.error.message, param: body.error.param, sequence_number };
}
