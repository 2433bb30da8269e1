// Anthropic Messages wire format as `@anthropic-ai/sdk` declares it
// (resources/messages/messages.d.ts: Message, Usage, RawMessageStreamEvent) and as
// https://docs.anthropic.com/en/docs/build-with-claude/streaming orders the events:
// message_start, then per block content_block_start / _delta… / _stop (a ping after the first
// start), message_delta with the stop reason and cumulative usage, message_stop. Thinking
// streams as thinking_delta fragments closed by one signature_delta; a redacted_thinking block
// arrives whole in its content_block_start (extended-thinking docs).
import { validateAnthropicMessages } from './anthropic.validation';
import type { ProviderWire, StreamFrame } from './provider-wire.types';
import type { ResolvedUsage, SimulatedTurn } from './simulated-turn';
import type { SimulatedError, SimulatedFinishReason } from './simulator-scenario.types';
import { SSE_CONTENT_TYPE, sseEvent } from './sse';

const STOP_REASONS = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
} as const satisfies Record<SimulatedFinishReason, string>;

// https://docs.anthropic.com/en/api/errors
const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

const PING = sseEvent('ping', { type: 'ping' });
const DIRECT_CALLER = { type: 'direct' };
const MODEL_IDS = ['claude-sonnet-4-6', 'claude-opus-4-7', 'claude-haiku-4-5'];
const MODELS_BODY = {
  data: MODEL_IDS.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' })),
  has_more: false,
  first_id: MODEL_IDS[0],
  last_id: MODEL_IDS[MODEL_IDS.length - 1],
};

export const anthropicWire: ProviderWire = {
  provider: 'anthropic',
  requestIdHeader: 'request-id',
  jsonContentType: 'application/json',
  streamContentType: SSE_CONTENT_TYPE,
  validate: validateAnthropicMessages,
  json: message,
  stream: messageEvents,
  errorBody: (error, requestId) => ({ ...errorEnvelope(error), request_id: requestId }),
  streamError: (error) => sseEvent('error', errorEnvelope(error)),
  garbage: 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":\n\n',
  models: () => MODELS_BODY,
};

function message(turn: SimulatedTurn): unknown {
  const p = turn.prepared;
  const content: object[] = [];
  const redacted = p.scenario.redactedReasoning;
  if (redacted !== undefined) content.push({ type: 'redacted_thinking', data: redacted });
  if (p.reasoning !== '') content.push({ type: 'thinking', thinking: p.reasoning, signature: p.signature });
  if (p.content !== '') content.push({ type: 'text', text: p.content });
  p.toolCalls.forEach((call, i) => content.push(toolUse(turn, i, call.input)));
  return {
    id: messageId(turn),
    type: 'message',
    role: 'assistant',
    model: turn.model,
    content,
    stop_reason: stopReason(turn),
    stop_sequence: stopSequence(turn),
    stop_details: null,
    usage: usage(turn.usage, turn.usage.output),
  };
}

function messageEvents(turn: SimulatedTurn): StreamFrame[] {
  const p = turn.prepared;
  const frames: StreamFrame[] = [];
  const meta = (event: string, payload: object): void => {
    frames.push({ data: sseEvent(event, payload), delta: false });
  };
  const delta = (index: number, payload: object): void => {
    frames.push({ data: sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: payload }), delta: true });
  };
  let index = 0;
  const open = (block: object): void => {
    meta('content_block_start', { type: 'content_block_start', index, content_block: block });
    if (index === 0) frames.push({ data: PING, delta: false });
  };
  const close = (): void => meta('content_block_stop', { type: 'content_block_stop', index: index++ });

  // Input usage is known up front; output starts at 1, as in the documented example.
  const started = { id: messageId(turn), type: 'message', role: 'assistant', model: turn.model, content: [] };
  meta('message_start', {
    type: 'message_start',
    message: { ...started, stop_reason: null, stop_sequence: null, stop_details: null, usage: usage(turn.usage, Math.min(1, turn.usage.output)) },
  });
  const redacted = p.scenario.redactedReasoning;
  if (redacted !== undefined) {
    open({ type: 'redacted_thinking', data: redacted });
    close();
  }
  if (p.reasoning !== '') {
    open({ type: 'thinking', thinking: '', signature: '' });
    for (const piece of p.reasoningChunks) delta(index, { type: 'thinking_delta', thinking: piece });
    meta('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: p.signature } });
    close();
  }
  if (p.content !== '') {
    open({ type: 'text', text: '' });
    for (const piece of p.contentChunks) delta(index, { type: 'text_delta', text: piece });
    close();
  }
  p.toolCalls.forEach((call, i) => {
    open(toolUse(turn, i, {}));
    for (const piece of call.jsonChunks) delta(index, { type: 'input_json_delta', partial_json: piece });
    close();
  });
  const u = turn.usage;
  meta('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: stopReason(turn), stop_sequence: stopSequence(turn), stop_details: null },
    usage: {
      input_tokens: uncachedInput(u),
      cache_creation_input_tokens: u.cacheWrite,
      cache_read_input_tokens: u.cachedInput,
      output_tokens: u.output,
    },
  });
  meta('message_stop', { type: 'message_stop' });
  return frames;
}

function toolUse(turn: SimulatedTurn, i: number, input: unknown): object {
  const call = turn.prepared.toolCalls[i];
  return { type: 'tool_use', id: call.id ?? `toolu_sim${turn.seq}x${i}`, name: call.name, input, caller: DIRECT_CALLER };
}

// Anthropic's input_tokens excludes cache reads and writes; the three add up to the prompt.
function uncachedInput(u: ResolvedUsage): number {
  return Math.max(0, u.input - u.cachedInput - u.cacheWrite);
}

function usage(u: ResolvedUsage, output: number): object {
  return {
    input_tokens: uncachedInput(u),
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cachedInput,
    cache_creation: { ephemeral_5m_input_tokens: u.cacheWrite, ephemeral_1h_input_tokens: 0 },
    output_tokens: output,
    service_tier: 'standard',
  };
}

function stopReason(turn: SimulatedTurn): string {
  const { finishReason, scenario } = turn.prepared;
  if (scenario.rawFinishReason !== undefined) return scenario.rawFinishReason;
  return finishReason === 'stop' && scenario.stopSequence !== undefined ? 'stop_sequence' : STOP_REASONS[finishReason];
}

function stopSequence(turn: SimulatedTurn): string | null {
  return stopReason(turn) === 'stop_sequence' ? (turn.prepared.scenario.stopSequence ?? null) : null;
}

function errorEnvelope(error: SimulatedError): object {
  const type = error.type ?? ERROR_TYPES[error.status] ?? (error.status >= 500 ? 'api_error' : 'invalid_request_error');
  return { type: 'error', error: { type, message: error.message ?? `Simulated ${type}` } };
}

const messageId = (turn: SimulatedTurn): string => `msg_sim${turn.seq}`;
