import { CountTokensResponse, ErrorEvent, ErrorKind, FinishReason, FoldedBlock, FoldedChoice, FoldedResponse, FoldedToolCall, Usage, httpStatusOf } from '@switchyard/ir';
import type { RenderContext, RenderedBody } from '../dialect.types';
import { isObject } from '../json-guards';
import { withLogprobs } from './gemini-logprobs';
import type { GeminiCandidate, GeminiPart, GeminiResponse, GeminiStatus, GeminiUsageMetadata } from './gemini.types';
import { retryHeaders } from '../retry-headers';

// IR → Gemini GenerateContentResponse, countTokens and error bodies.

/** Gemini has no tool-call finish reason: a turn that ends in function calls ends with STOP. */
export function geminiFinishReason(reason: FinishReason | undefined): string {
  switch (reason) {
    case FinishReason.FINISH_REASON_STOP:
    case FinishReason.FINISH_REASON_TOOL_CALLS:
    case FinishReason.FINISH_REASON_UNSPECIFIED:
    case undefined:
      return 'STOP';
    case FinishReason.FINISH_REASON_LENGTH:
      return 'MAX_TOKENS';
    case FinishReason.FINISH_REASON_CONTENT_FILTER:
      return 'SAFETY';
    case FinishReason.FINISH_REASON_ERROR:
      return 'OTHER';
  }
}

/**
 * IR output tokens include reasoning; Gemini counts thoughts apart from candidates
 * (candidatesTokenCount + thoughtsTokenCount = output). Zero counts are left out, as Gemini does.
 */
export function geminiUsageMetadata(u: Usage | undefined): GeminiUsageMetadata {
  const input = u?.inputTokens ?? 0;
  const output = u?.outputTokens ?? 0;
  const thoughts = Math.min(u?.reasoningTokens ?? 0, output);
  const usage: GeminiUsageMetadata = { promptTokenCount: input, candidatesTokenCount: output - thoughts, totalTokenCount: input + output };
  if (u?.cachedInputTokens) usage.cachedContentTokenCount = u.cachedInputTokens;
  if (thoughts) usage.thoughtsTokenCount = thoughts;
  return usage;
}

/**
 * One functionCall part. Gemini `args` is a JSON object; arguments that are not one (cut short
 * by max tokens, say) cannot be written, and Gemini reports such a turn as
 * MALFORMED_FUNCTION_CALL, so undefined tells the caller to do the same.
 */
export function functionCallPart(call: FoldedToolCall): GeminiPart | undefined {
  let args: unknown;
  try {
    args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch {
    return undefined;
  }
  if (!isObject(args)) return undefined;
  const part: GeminiPart = { functionCall: call.id ? { name: call.name, args, id: call.id } : { name: call.name, args } };
  if (call.signature) part.thoughtSignature = call.signature;
  return part;
}

export function malformedCallMessage(call: FoldedToolCall): string {
  return `Malformed function call: the arguments of ${call.name} are not a JSON object: ${call.arguments}`;
}

/** Parts in the order the upstream produced them (thoughts, text and calls interleaved). */
function orderedParts(c: FoldedChoice, blocks: readonly FoldedBlock[]): { parts: GeminiPart[]; malformed: string | undefined } {
  const parts: GeminiPart[] = [];
  let malformed: string | undefined;
  let lastText: GeminiPart | undefined;
  for (const b of blocks) {
    if (b.kind === 'reasoning') {
      const thought: GeminiPart = { text: b.text, thought: true };
      if (b.signature) thought.thoughtSignature = b.signature;
      parts.push(thought);
    } else if (b.kind === 'text') {
      lastText = { text: b.text };
      parts.push(lastText);
    } else if (b.kind === 'tool') {
      const call = c.toolCalls[b.index];
      const part = call && functionCallPart(call);
      if (part) parts.push(part);
      else if (call) malformed ??= malformedCallMessage(call);
    }
    // Redacted thinking has no Gemini form.
  }
  // Gemini puts a text signature on the last text part.
  if (c.textSignature) {
    if (lastText) lastText.thoughtSignature = c.textSignature;
    else parts.push({ text: '', thoughtSignature: c.textSignature });
  }
  return { parts, malformed };
}

function candidate(c: FoldedChoice): GeminiCandidate {
  if (c.blocks?.length) {
    const { parts, malformed } = orderedParts(c, c.blocks);
    return finishCandidate(c, parts, malformed);
  }
  const parts: GeminiPart[] = [];
  if (c.reasoning || c.reasoningSignature) {
    const thought: GeminiPart = { text: c.reasoning, thought: true };
    if (c.reasoningSignature) thought.thoughtSignature = c.reasoningSignature;
    parts.push(thought);
  }
  if (c.text || c.textSignature) parts.push(c.textSignature ? { text: c.text, thoughtSignature: c.textSignature } : { text: c.text });
  let malformed: string | undefined;
  for (const call of c.toolCalls) {
    if (!call) continue;
    const part = functionCallPart(call);
    if (part) parts.push(part);
    else malformed ??= malformedCallMessage(call);
  }
  return finishCandidate(c, parts, malformed);
}

function finishCandidate(c: FoldedChoice, parts: GeminiPart[], malformed: string | undefined): GeminiCandidate {
  const content: GeminiCandidate['content'] = parts.length ? { parts, role: 'model' } : { role: 'model' };
  const out: GeminiCandidate = malformed
    ? { content, finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: malformed, index: c.index }
    : { content, finishReason: geminiFinishReason(c.finishReason), index: c.index };
  return withLogprobs(out, c.logprobsJson);
}

export function renderGeminiResponse(r: FoldedResponse, ctx: RenderContext): string {
  const response: GeminiResponse = {
    candidates: r.choices.filter(Boolean).map((c) => candidate(c)),
    usageMetadata: geminiUsageMetadata(r.usage),
    modelVersion: ctx.model,
    responseId: ctx.upstreamId ?? ctx.requestId,
  };
  return JSON.stringify(response);
}

/** countTokens answers `{"totalTokens": n}` (ai.google.dev/api/tokens#CountTokensResponse). */
export function renderGeminiCountTokens(r: CountTokensResponse): string {
  return JSON.stringify({ totalTokens: r.inputTokens });
}

// google.rpc status names with their HTTP codes (ai.google.dev/gemini-api/docs/troubleshooting).
// Two deliberate differences from httpStatusOf: a body over the size limit is what Gemini calls
// 400 INVALID_ARGUMENT ("Request payload size exceeds the limit: N bytes."), not 413; and an
// upstream failure (502) is INTERNAL, as google.rpc has no bad-gateway status.
const STATUS: Record<ErrorKind, [code: number, status: string]> = {
  [ErrorKind.ERROR_KIND_UNSPECIFIED]: [500, 'INTERNAL'],
  [ErrorKind.ERROR_KIND_INVALID_REQUEST]: [400, 'INVALID_ARGUMENT'],
  [ErrorKind.ERROR_KIND_CONTEXT_LENGTH]: [400, 'INVALID_ARGUMENT'],
  [ErrorKind.ERROR_KIND_CONTENT_FILTER]: [400, 'INVALID_ARGUMENT'],
  [ErrorKind.ERROR_KIND_PAYLOAD_TOO_LARGE]: [400, 'INVALID_ARGUMENT'],
  [ErrorKind.ERROR_KIND_AUTHENTICATION]: [401, 'UNAUTHENTICATED'],
  [ErrorKind.ERROR_KIND_PERMISSION]: [403, 'PERMISSION_DENIED'],
  [ErrorKind.ERROR_KIND_NOT_FOUND]: [404, 'NOT_FOUND'],
  [ErrorKind.ERROR_KIND_RATE_LIMITED]: [429, 'RESOURCE_EXHAUSTED'],
  [ErrorKind.ERROR_KIND_BUDGET_EXCEEDED]: [429, 'RESOURCE_EXHAUSTED'],
  // google.rpc has no payment status; an exhausted quota is RESOURCE_EXHAUSTED (429) in Gemini's
  // vocabulary, sent without retry-after (waiting does not refill a balance).
  [ErrorKind.ERROR_KIND_INSUFFICIENT_BALANCE]: [429, 'RESOURCE_EXHAUSTED'],
  [ErrorKind.ERROR_KIND_CANCELLED]: [499, 'CANCELLED'],
  [ErrorKind.ERROR_KIND_UPSTREAM_ERROR]: [502, 'INTERNAL'],
  [ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE]: [503, 'UNAVAILABLE'],
  [ErrorKind.ERROR_KIND_OVERLOADED]: [503, 'UNAVAILABLE'],
  [ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT]: [504, 'DEADLINE_EXCEEDED'],
  [ErrorKind.ERROR_KIND_INTERNAL]: [500, 'INTERNAL'],
};

export function geminiStatus(e: ErrorEvent): GeminiStatus {
  const kind = e.kind || ErrorKind.ERROR_KIND_INTERNAL;
  const [code, status] = STATUS[kind] ?? [httpStatusOf(kind), 'INTERNAL'];
  const out: GeminiStatus = { code, message: e.message || status, status };
  const details: Record<string, unknown>[] = [];
  // The same detail messages Google attaches: the field at fault, and how long to back off.
  if (e.param && code === 400) details.push({ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: e.param, description: e.message }] });
  if (e.retryAfterMs) details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${e.retryAfterMs / 1000}s` });
  if (details.length) out.details = details;
  return out;
}

export function renderGeminiError(e: ErrorEvent): RenderedBody {
  const status = geminiStatus(e);
  const headers = retryHeaders(e);
  return { status: status.code, body: JSON.stringify({ error: status }), headers };
}
