import { ErrorEvent, ErrorKind, FinishReason, FoldedResponse, Usage, httpStatusOf } from '@switchyard/ir';
import type { RenderContext, RenderedBody } from '../dialect.types';
import { joinToolCallId } from '../tool-call-id';
import { retryHeaders } from '../retry-headers';

// IR → OpenAI Chat Completions response objects (chat.completion, usage, error bodies).

export function openAiFinishReason(reason: FinishReason | undefined): string | null {
  switch (reason) {
    case FinishReason.FINISH_REASON_STOP:
      return 'stop';
    case FinishReason.FINISH_REASON_LENGTH:
      return 'length';
    case FinishReason.FINISH_REASON_TOOL_CALLS:
      return 'tool_calls';
    case FinishReason.FINISH_REASON_CONTENT_FILTER:
      return 'content_filter';
    case FinishReason.FINISH_REASON_ERROR:
    case FinishReason.FINISH_REASON_UNSPECIFIED:
    case undefined:
      return 'stop';
  }
}

export function openAiUsage(u: Usage | undefined): Record<string, unknown> {
  const input = u?.inputTokens ?? 0;
  const output = u?.outputTokens ?? 0;
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: u?.cachedInputTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: u?.reasoningTokens ?? 0 },
  };
}

/**
 * Reasoning as LiteLLM's `thinking_blocks`, needed only when there is something
 * `reasoning_content` cannot carry: a signature or redacted reasoning that the client must
 * send back for the next turn to be accepted (Anthropic).
 */
export function openAiThinkingBlocks(text: string, signature: string, redacted: readonly string[]): Record<string, unknown>[] | undefined {
  if (!signature && redacted.length === 0) return undefined;
  const blocks: Record<string, unknown>[] = [];
  if (text || signature) blocks.push({ type: 'thinking', thinking: text, signature });
  for (const data of redacted) blocks.push({ type: 'redacted_thinking', data });
  return blocks;
}

/** Merges logprobs fragments (`{"content":[...]}` each) into one choice.logprobs object. */
export function mergeOpenAiLogprobs(fragments: readonly string[] | undefined): Record<string, unknown> | null {
  if (!fragments?.length) return null;
  const content: unknown[] = [];
  const refusal: unknown[] = [];
  for (const f of fragments) {
    const parsed = JSON.parse(f) as { content?: unknown[] | null; refusal?: unknown[] | null };
    if (parsed.content) content.push(...parsed.content);
    if (parsed.refusal) refusal.push(...parsed.refusal);
  }
  return { content, refusal: refusal.length ? refusal : null };
}

export function renderOpenAiChatResponse(r: FoldedResponse, ctx: RenderContext): string {
  const choices = r.choices.map((c) => {
    const message: Record<string, unknown> = { role: 'assistant', content: c.text || (c.toolCalls.length ? null : ''), refusal: null };
    if (c.toolCalls.length) {
      message['tool_calls'] = c.toolCalls.map((t) => ({ id: joinToolCallId(t.id, t.signature), type: 'function', function: { name: t.name, arguments: t.arguments } }));
    }
    if (c.reasoning) message['reasoning_content'] = c.reasoning;
    const blocks = openAiThinkingBlocks(c.reasoning, c.reasoningSignature, c.redactedData ?? []);
    if (blocks) message['thinking_blocks'] = blocks;
    return { index: c.index, message, logprobs: mergeOpenAiLogprobs(c.logprobsJson), finish_reason: openAiFinishReason(c.finishReason) };
  });
  return JSON.stringify({
    id: ctx.upstreamId ?? `chatcmpl-${ctx.requestId}`,
    object: 'chat.completion',
    created: ctx.created,
    model: ctx.model,
    choices,
    usage: openAiUsage(r.usage),
  });
}

const TYPES: Record<number, [type: string, code: string | null]> = {
  [ErrorKind.ERROR_KIND_INVALID_REQUEST]: ['invalid_request_error', null],
  [ErrorKind.ERROR_KIND_CONTEXT_LENGTH]: ['invalid_request_error', 'context_length_exceeded'],
  [ErrorKind.ERROR_KIND_CONTENT_FILTER]: ['invalid_request_error', 'content_filter'],
  [ErrorKind.ERROR_KIND_AUTHENTICATION]: ['invalid_request_error', 'invalid_api_key'],
  [ErrorKind.ERROR_KIND_PERMISSION]: ['permission_error', 'model_not_allowed'],
  [ErrorKind.ERROR_KIND_NOT_FOUND]: ['invalid_request_error', 'model_not_found'],
  [ErrorKind.ERROR_KIND_PAYLOAD_TOO_LARGE]: ['invalid_request_error', 'request_too_large'],
  [ErrorKind.ERROR_KIND_RATE_LIMITED]: ['rate_limit_error', 'rate_limit_exceeded'],
  [ErrorKind.ERROR_KIND_BUDGET_EXCEEDED]: ['insufficient_quota', 'insufficient_quota'],
  // OpenAI's type for an account out of credit, with a code that says which (answered with 402:
  // error-kinds.ts says why).
  [ErrorKind.ERROR_KIND_INSUFFICIENT_BALANCE]: ['insufficient_quota', 'insufficient_balance'],
  [ErrorKind.ERROR_KIND_UPSTREAM_ERROR]: ['api_error', 'upstream_error'],
  [ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE]: ['api_error', 'upstream_unavailable'],
  [ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT]: ['api_error', 'upstream_timeout'],
  [ErrorKind.ERROR_KIND_OVERLOADED]: ['api_error', 'overloaded'],
  [ErrorKind.ERROR_KIND_CANCELLED]: ['api_error', 'cancelled'],
  [ErrorKind.ERROR_KIND_INTERNAL]: ['api_error', 'internal_error'],
};

export function openAiErrorObject(e: ErrorEvent): Record<string, unknown> {
  const [type, kindCode] = TYPES[e.kind] ?? ['api_error', null];
  // Not-found and permission are about the model only when the failure names it (an unknown URL,
  // a client IP outside the key's ranges are not).
  const modelCode = e.kind === ErrorKind.ERROR_KIND_NOT_FOUND || e.kind === ErrorKind.ERROR_KIND_PERMISSION;
  const code = modelCode && e.param !== 'model' ? null : kindCode;
  return { message: e.message || 'error', type, param: e.param || null, code };
}

export function renderOpenAiError(e: ErrorEvent): RenderedBody {
  const headers = retryHeaders(e);
  return { status: httpStatusOf(e.kind), body: JSON.stringify({ error: openAiErrorObject(e) }), headers };
}
