// The Response object of OpenAI's Responses API (POST /v1/responses), field for field as the
// `openai` SDK declares it (resources/responses/responses.d.ts: Response, ResponseOutputMessage,
// ResponseOutputText, ResponseFunctionToolCall, ResponseReasoningItem, ResponseUsage). The
// SDK's `output_text` is computed by the SDK, not sent. Output items come in the order the API
// produces them: reasoning, then the message, then function calls. A reasoning item is always
// there for a turn that reasoned; its `summary` is filled only when the request asked for one
// (`reasoning.summary`), and `encrypted_content` only with `include: ["reasoning.encrypted_content"]`.
// Why the model stopped is the response's `status`: `completed`, or `incomplete` with
// `incomplete_details.reason` (`max_output_tokens`, `content_filter`); tool calls are just
// function_call items of a completed response.
import type { PreparedToolCall, ResolvedUsage, SimulatedTurn } from './simulated-turn';

type Json = Record<string, unknown>;

export interface ResponsesRequest {
  readonly instructions?: unknown;
  readonly max_output_tokens?: unknown;
  readonly parallel_tool_calls?: unknown;
  readonly previous_response_id?: unknown;
  readonly reasoning?: { effort?: unknown; summary?: unknown } | null;
  readonly include?: unknown;
  readonly store?: unknown;
  readonly temperature?: unknown;
  readonly top_p?: unknown;
  readonly text?: unknown;
  readonly tool_choice?: unknown;
  readonly tools?: unknown;
  readonly truncation?: unknown;
  readonly metadata?: unknown;
  readonly user?: unknown;
  readonly safety_identifier?: unknown;
  readonly prompt_cache_key?: unknown;
  readonly service_tier?: unknown;
  readonly stream_options?: { include_obfuscation?: unknown } | null;
}

/** How the turn ends: the response's status and, when incomplete, why. */
export interface Outcome {
  readonly status: 'completed' | 'incomplete';
  readonly reason: string | undefined;
}

export const responseId = (turn: SimulatedTurn): string => `resp_sim${turn.seq}`;
export const messageId = (turn: SimulatedTurn): string => `msg_sim${turn.seq}`;
export const reasoningId = (turn: SimulatedTurn): string => `rs_sim${turn.seq}`;
export const functionCallId = (turn: SimulatedTurn, i: number): string => `fc_sim${turn.seq}x${i}`;
export const callId = (turn: SimulatedTurn, i: number): string => turn.prepared.toolCalls[i]?.id ?? `call_sim${turn.seq}x${i}`;

export function requestOf(turn: SimulatedTurn): ResponsesRequest {
  return (turn.body ?? {}) as ResponsesRequest;
}

export function outcomeOf(turn: SimulatedTurn): Outcome {
  const raw = turn.prepared.scenario.rawFinishReason;
  if (raw !== undefined) return { status: 'incomplete', reason: raw };
  switch (turn.prepared.finishReason) {
    case 'length':
      return { status: 'incomplete', reason: 'max_output_tokens' };
    case 'content_filter':
      return { status: 'incomplete', reason: 'content_filter' };
    case 'stop':
    case 'tool_calls':
      return { status: 'completed', reason: undefined };
  }
}

/** The turn reasoned: the API then always answers a reasoning item first. */
export const reasons = (turn: SimulatedTurn): boolean => turn.prepared.reasoning !== '';
/** Summaries are sent only when asked for (`reasoning.summary`: auto, concise or detailed). */
export const wantsSummary = (turn: SimulatedTurn): boolean => typeof requestOf(turn).reasoning?.summary === 'string';
export const wantsEncryptedReasoning = (turn: SimulatedTurn): boolean => included(turn, 'reasoning.encrypted_content');
/** A message item unless the turn is tool calls only. */
export const hasMessage = (turn: SimulatedTurn): boolean => turn.prepared.content !== '' || turn.prepared.toolCalls.length === 0;

function included(turn: SimulatedTurn, what: string): boolean {
  const include = requestOf(turn).include;
  return Array.isArray(include) && include.includes(what);
}

export function outputText(text: string): Json {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

export function reasoningItem(turn: SimulatedTurn, summary: string): Json {
  const item: Json = { id: reasoningId(turn), type: 'reasoning', summary: summary === '' ? [] : [{ type: 'summary_text', text: summary }] };
  if (wantsEncryptedReasoning(turn)) item['encrypted_content'] = turn.prepared.signature;
  return item;
}

export function messageItem(turn: SimulatedTurn, status: string, text: string | undefined): Json {
  return { id: messageId(turn), type: 'message', status, content: text === undefined ? [] : [outputText(text)], role: 'assistant' };
}

export function functionCallItem(turn: SimulatedTurn, i: number, call: PreparedToolCall, status: string, args: string): Json {
  return { id: functionCallId(turn, i), type: 'function_call', status, arguments: args, call_id: callId(turn, i), name: call.name };
}

/** Every output item in its final state. */
export function outputItems(turn: SimulatedTurn, outcome: Outcome): Json[] {
  const p = turn.prepared;
  const items: Json[] = [];
  if (reasons(turn)) items.push(reasoningItem(turn, wantsSummary(turn) ? p.reasoning : ''));
  const last = outcome.status === 'completed' ? 'completed' : 'incomplete';
  if (hasMessage(turn)) items.push(messageItem(turn, p.toolCalls.length > 0 ? 'completed' : last, p.content));
  p.toolCalls.forEach((call, i) => items.push(functionCallItem(turn, i, call, i === p.toolCalls.length - 1 ? last : 'completed', call.json)));
  return items;
}

/** The Response object: finished (`output` and `usage` given) or as announced at the start of a stream. */
export function responseObject(turn: SimulatedTurn, createdAt: number, finished?: { outcome: Outcome; output: Json[] }): Json {
  const req = requestOf(turn);
  const status = finished ? finished.outcome.status : 'in_progress';
  return {
    id: responseId(turn),
    object: 'response',
    created_at: createdAt,
    status,
    background: false,
    completed_at: status === 'completed' ? nowSeconds() : null,
    error: null,
    incomplete_details: finished?.outcome.reason === undefined ? null : { reason: finished.outcome.reason },
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    max_tool_calls: null,
    model: turn.model,
    output: finished ? finished.output : [],
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: req.previous_response_id ?? null,
    prompt_cache_key: req.prompt_cache_key ?? null,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: req.reasoning?.summary ?? null },
    safety_identifier: req.safety_identifier ?? null,
    service_tier: finished ? 'default' : (req.service_tier ?? 'auto'),
    store: req.store ?? true,
    temperature: req.temperature ?? 1,
    text: textConfig(req.text),
    tool_choice: req.tool_choice ?? 'auto',
    tools: req.tools ?? [],
    top_logprobs: 0,
    top_p: req.top_p ?? 1,
    truncation: req.truncation ?? 'disabled',
    usage: finished ? usage(turn.usage) : null,
    user: req.user ?? null,
    metadata: req.metadata ?? {},
  };
}

function textConfig(given: unknown): Json {
  const text = typeof given === 'object' && given !== null ? (given as Json) : {};
  return { format: text['format'] ?? { type: 'text' }, verbosity: text['verbosity'] ?? 'medium' };
}

export function usage(u: ResolvedUsage): Json {
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cachedInput },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: u.input + u.output,
  };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
