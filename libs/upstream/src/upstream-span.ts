import { FinishReason, type ChatRequest, type ResponseEvent, type Target } from '@switchyard/ir';
import { GEN_AI, SEMCONV, type Span, SpanKind, SWITCHYARD, failSpan, genAiProviderName, startSpan } from '@switchyard/telemetry';

/**
 * The upstream HTTP call as a GenAI client span (the conventions' inference span: named
 * `{operation} {model}`, kind CLIENT), a child of the active context (the router's try, over gRPC
 * or in process). Request parameters, then what the answer said: its id and model, the finish
 * reasons, the tokens. Never the prompt or the completion, never the key.
 */
export function startUpstreamSpan(operation: string, target: Target | undefined, url: string, request: ChatRequest | undefined): Span {
  const model = target?.upstreamModel ?? '';
  const span = startSpan(`${operation} ${model}`, SpanKind.CLIENT, {
    [GEN_AI.operationName]: operation,
    [GEN_AI.providerName]: genAiProviderName(target?.providerType ?? ''),
    [GEN_AI.requestModel]: model,
    [SWITCHYARD.deploymentId]: target?.deploymentId ?? '',
    [SWITCHYARD.providerId]: target?.providerId ?? '',
    [SEMCONV.serverAddress]: hostOf(url),
  });
  const sampling = request?.sampling;
  if (sampling?.maxTokens) span.setAttribute(GEN_AI.requestMaxTokens, sampling.maxTokens);
  if (sampling?.temperature !== undefined) span.setAttribute(GEN_AI.requestTemperature, sampling.temperature);
  if (request) span.setAttribute(GEN_AI.requestStream, request.stream);
  return span;
}

/** Reads one event of the answer into the span. `reasons` collects finish reasons (one per choice). */
export function observeUpstreamEvent(span: Span, ev: ResponseEvent, reasons: string[]): void {
  const e = ev.event;
  switch (e?.$case) {
    case 'start':
      if (e.value.id) span.setAttribute(GEN_AI.responseId, e.value.id);
      if (e.value.model) span.setAttribute(GEN_AI.responseModel, e.value.model);
      return;
    case 'usage':
      span.setAttribute(GEN_AI.usageInputTokens, e.value.inputTokens);
      span.setAttribute(GEN_AI.usageOutputTokens, e.value.outputTokens);
      return;
    case 'stop':
      reasons.push(finishReasonOf(e.value.reason));
      return;
    case 'error':
      if (e.value.providerStatus) span.setAttribute(SEMCONV.httpResponseStatusCode, e.value.providerStatus);
      failSpan(span, e.value.providerStatus ? String(e.value.providerStatus) : 'upstream_error');
      return;
    default:
      return;
  }
}

export function endUpstreamSpan(span: Span, reasons: readonly string[]): void {
  if (reasons.length) span.setAttribute(GEN_AI.responseFinishReasons, reasons);
  span.end();
}

// The conventions' values are the OpenAI ones (stop, length, tool_calls, content_filter).
function finishReasonOf(reason: FinishReason | undefined): string {
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
      return 'error';
    default:
      // Unspecified, or a value a newer contract added.
      return 'unknown';
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
