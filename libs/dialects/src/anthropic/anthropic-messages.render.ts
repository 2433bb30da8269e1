import { CountTokensResponse, ErrorEvent, ErrorKind, FinishReason, FoldedChoice, FoldedResponse, FoldedToolCall, Usage, httpStatusOf } from '@switchyard/ir';
import type { RenderContext, RenderedBody } from '../dialect.types';
import { joinToolCallId } from '../tool-call-id';
import { retryHeaders } from '../retry-headers';

// IR → Anthropic Messages response objects: the Message, its usage, stop reasons and error
// bodies. Shapes: @anthropic-ai/sdk resources/messages/messages.d.ts (Message, Usage,
// MessageDeltaUsage, ContentBlock) and resources/shared.d.ts (ErrorType).

type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal' | 'model_context_window_exceeded';

// An upstream Anthropic reason is kept verbatim when it agrees with the IR reason, so
// stop_sequence, pause_turn and model_context_window_exceeded survive the round trip.
const RAW_REASONS: Record<StopReason, FinishReason> = {
  end_turn: FinishReason.FINISH_REASON_STOP,
  stop_sequence: FinishReason.FINISH_REASON_STOP,
  pause_turn: FinishReason.FINISH_REASON_STOP,
  max_tokens: FinishReason.FINISH_REASON_LENGTH,
  model_context_window_exceeded: FinishReason.FINISH_REASON_LENGTH,
  tool_use: FinishReason.FINISH_REASON_TOOL_CALLS,
  refusal: FinishReason.FINISH_REASON_CONTENT_FILTER,
};

/** The stop_reason and stop_sequence an Anthropic client sees. */
export function anthropicStop(reason: FinishReason | undefined, rawReason?: string, stopSequence?: string): { stop_reason: StopReason; stop_sequence: string | null } {
  if (stopSequence) return { stop_reason: 'stop_sequence', stop_sequence: stopSequence };
  if (rawReason && rawReason in RAW_REASONS && RAW_REASONS[rawReason as StopReason] === reason && rawReason !== 'stop_sequence') {
    return { stop_reason: rawReason as StopReason, stop_sequence: null };
  }
  switch (reason) {
    case FinishReason.FINISH_REASON_LENGTH:
      return { stop_reason: 'max_tokens', stop_sequence: null };
    case FinishReason.FINISH_REASON_TOOL_CALLS:
      return { stop_reason: 'tool_use', stop_sequence: null };
    case FinishReason.FINISH_REASON_CONTENT_FILTER:
      return { stop_reason: 'refusal', stop_sequence: null };
    case FinishReason.FINISH_REASON_STOP:
    case FinishReason.FINISH_REASON_ERROR:
    case FinishReason.FINISH_REASON_UNSPECIFIED:
    case undefined:
      return { stop_reason: 'end_turn', stop_sequence: null };
  }
}

/**
 * Anthropic counts input_tokens without cache reads and writes; the IR counts them in
 * (the Anthropic provider adds them), so they come back out here.
 */
function uncachedInput(u: Usage | undefined): number {
  return Math.max(0, (u?.inputTokens ?? 0) - (u?.cachedInputTokens ?? 0) - (u?.cacheCreationInputTokens ?? 0));
}

function outputDetails(u: Usage | undefined): { thinking_tokens: number } | null {
  return u?.reasoningTokens ? { thinking_tokens: u.reasoningTokens } : null;
}

/** Message.usage. Fields the IR does not know (TTL split, geo, tier, speed) are null, as declared. */
export function anthropicUsage(u: Usage | undefined): Record<string, unknown> {
  return {
    input_tokens: uncachedInput(u),
    cache_creation_input_tokens: u?.cacheCreationInputTokens ?? 0,
    cache_read_input_tokens: u?.cachedInputTokens ?? 0,
    cache_creation: null,
    output_tokens: u?.outputTokens ?? 0,
    output_tokens_details: outputDetails(u),
    server_tool_use: null,
    service_tier: null,
    inference_geo: null,
    speed: null,
  };
}

/** message_delta.usage: cumulative totals, which the SDK copies over message_start's. */
export function anthropicDeltaUsage(u: Usage | undefined): Record<string, unknown> {
  return {
    input_tokens: u ? uncachedInput(u) : null,
    cache_creation_input_tokens: u ? u.cacheCreationInputTokens : null,
    cache_read_input_tokens: u ? u.cachedInputTokens : null,
    output_tokens: u?.outputTokens ?? 0,
    output_tokens_details: outputDetails(u),
    server_tool_use: null,
  };
}

export function anthropicMessageId(ctx: RenderContext): string {
  return ctx.upstreamId ?? `msg_${ctx.requestId}`;
}

// Arguments are streamed verbatim, but the non-streamed block needs an object. A model cut off
// mid-call (stop_reason max_tokens) can leave them truncated: rather than an empty input that
// looks valid, the client gets the text it produced under `raw_arguments`.
export function anthropicToolInput(args: string): unknown {
  if (!args.trim()) return {};
  try {
    const parsed: unknown = JSON.parse(args);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through: not JSON
  }
  return { raw_arguments: args };
}

/**
 * Fields a ResponseFolder could carry beyond FoldedChoice (proposed in the issue-3 report);
 * read when present so stop_sequence, pause_turn and redacted thinking survive non-streamed.
 */
type RicherChoice = Omit<FoldedChoice, 'toolCalls'> & {
  toolCalls: (FoldedToolCall & { signature?: string })[];
  rawReason?: string;
  stopSequence?: string;
  redactedData?: string[];
};

/** Content blocks in Anthropic's order: thinking, text, tool_use. */
export function anthropicContent(c: RicherChoice | undefined): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  if (!c) return blocks;
  // In the order the upstream produced them, each thinking block with its own signature: an
  // Anthropic client replays them as they are, and interleaved thinking must keep its place.
  if (c.blocks?.length) {
    for (const b of c.blocks) {
      if (b.kind === 'reasoning') blocks.push({ type: 'thinking', thinking: b.text, signature: b.signature });
      else if (b.kind === 'redacted') blocks.push({ type: 'redacted_thinking', data: b.data });
      else if (b.kind === 'text') blocks.push({ type: 'text', text: b.text, citations: null });
      else {
        const t = c.toolCalls[b.index];
        if (t) blocks.push({ type: 'tool_use', id: joinToolCallId(t.id, t.signature), name: t.name, input: anthropicToolInput(t.arguments), caller: { type: 'direct' } });
      }
    }
    return blocks;
  }
  if (c.reasoning || c.reasoningSignature) blocks.push({ type: 'thinking', thinking: c.reasoning, signature: c.reasoningSignature });
  for (const data of c.redactedData ?? []) blocks.push({ type: 'redacted_thinking', data });
  if (c.text) blocks.push({ type: 'text', text: c.text, citations: null });
  for (const t of c.toolCalls) {
    if (!t) continue;
    blocks.push({ type: 'tool_use', id: joinToolCallId(t.id, t.signature), name: t.name, input: anthropicToolInput(t.arguments), caller: { type: 'direct' } });
  }
  return blocks;
}

export function renderAnthropicMessage(r: FoldedResponse, ctx: RenderContext): string {
  const c = r.choices[0] as RicherChoice | undefined;
  const stop = anthropicStop(c?.finishReason, c?.rawReason, c?.stopSequence);
  return JSON.stringify({
    id: anthropicMessageId(ctx),
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content: anthropicContent(c),
    stop_reason: stop.stop_reason,
    stop_sequence: stop.stop_sequence,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: anthropicUsage(r.usage),
  });
}

export function renderAnthropicCountTokens(r: CountTokensResponse): string {
  return JSON.stringify({ input_tokens: r.inputTokens });
}

// Anthropic's error types and statuses (platform.claude.com/docs/en/api/errors; ErrorType in
// the SDK's shared.d.ts). Choices where the gateway has failures Anthropic has not:
// - overloaded → 529 overloaded_error, the status Anthropic clients (and Claude Code) know.
// - budget exceeded → 402 billing_error: the SDK declares it, and unlike a 429 the SDK does not
//   retry it (a spent budget does not come back in a few seconds).
// - upstream timeout → 504 timeout_error, Anthropic's own gateway-timeout type.
// - upstream unavailable / failed → 503 / 502 api_error: server errors the SDK retries.
const ERRORS: Record<ErrorKind, [status: number, type: string]> = {
  [ErrorKind.ERROR_KIND_UNSPECIFIED]: [500, 'api_error'],
  [ErrorKind.ERROR_KIND_INVALID_REQUEST]: [400, 'invalid_request_error'],
  [ErrorKind.ERROR_KIND_CONTEXT_LENGTH]: [400, 'invalid_request_error'],
  [ErrorKind.ERROR_KIND_CONTENT_FILTER]: [400, 'invalid_request_error'],
  [ErrorKind.ERROR_KIND_AUTHENTICATION]: [401, 'authentication_error'],
  [ErrorKind.ERROR_KIND_PERMISSION]: [403, 'permission_error'],
  [ErrorKind.ERROR_KIND_NOT_FOUND]: [404, 'not_found_error'],
  [ErrorKind.ERROR_KIND_PAYLOAD_TOO_LARGE]: [413, 'request_too_large'],
  [ErrorKind.ERROR_KIND_RATE_LIMITED]: [429, 'rate_limit_error'],
  // A gateway budget is a limit like a rate limit (429 with retry-after, docs/architecture.md §1,
  // auth: "Answers"), not Anthropic's 402 billing_error about the account's payment details.
  [ErrorKind.ERROR_KIND_BUDGET_EXCEEDED]: [429, 'rate_limit_error'],
  // A prepaid balance that cannot pay is a billing matter: Anthropic's own 402 billing_error.
  [ErrorKind.ERROR_KIND_INSUFFICIENT_BALANCE]: [402, 'billing_error'],
  [ErrorKind.ERROR_KIND_UPSTREAM_ERROR]: [502, 'api_error'],
  [ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE]: [503, 'api_error'],
  [ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT]: [504, 'timeout_error'],
  [ErrorKind.ERROR_KIND_OVERLOADED]: [529, 'overloaded_error'],
  [ErrorKind.ERROR_KIND_CANCELLED]: [httpStatusOf(ErrorKind.ERROR_KIND_CANCELLED), 'api_error'],
  [ErrorKind.ERROR_KIND_INTERNAL]: [500, 'api_error'],
};

function errorEntry(e: ErrorEvent): [number, string] {
  return ERRORS[e.kind || ErrorKind.ERROR_KIND_INTERNAL] ?? [500, 'api_error'];
}

/** The error body, as a non-streamed response and as the data of a streamed `error` event. */
export function anthropicErrorBody(e: ErrorEvent): string {
  return JSON.stringify({ type: 'error', error: { type: errorEntry(e)[1], message: e.message || 'error' } });
}

export function renderAnthropicError(e: ErrorEvent): RenderedBody {
  const headers = retryHeaders(e);
  return { status: errorEntry(e)[0], body: anthropicErrorBody(e), headers };
}
