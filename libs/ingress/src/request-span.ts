import { type AdmitResponse, ErrorKind, type UsageEvent, errorTypeOf } from '@switchyard/ir';
import { GEN_AI, SEMCONV, type Span, SpanKind, SWITCHYARD, TRACING, activeSpan, contextWith, extractContext, failSpan, inChildSpan, runIn, startSpan, traceresponseOf } from '@switchyard/telemetry';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IncomingCall } from './incoming-call';

/** The response headers that carry a recorded request's trace (README, docs/architecture.md §9). */
export const TRACE_ID_HEADER = 'x-switchyard-trace-id';
export const TRACERESPONSE_HEADER = 'traceresponse';

const GEMINI_MODEL_IN_PATH = /models\/[^:/]+:/;

/**
 * Serves a data-path request inside its server span when tracing is on (`TRACING.on`), else
 * just serves it. The span continues the caller's W3C trace context (`traceparent`,
 * `tracestate`), ends when the response is finished or abandoned, and, when the trace is
 * recorded, its id goes on the answer (`x-switchyard-trace-id` and W3C `traceresponse`) and on
 * `call.traceId`. `serve` returns the function that resumes the request later (the body read):
 * callbacks of request events would not inherit the span's context by themselves.
 */
export function inRequestSpan(req: IncomingMessage, res: ServerResponse, call: IncomingCall, pathname: string, serve: () => void): void {
  if (!TRACING.on) return serve();
  // A Gemini path names the model: the route keeps the template, so it stays one value per route.
  const route = pathname.replace(GEMINI_MODEL_IN_PATH, 'models/{model}:');
  const span = startSpan(`${req.method ?? 'POST'} ${route}`, SpanKind.SERVER, {
    [SEMCONV.httpRequestMethod]: req.method ?? 'POST',
    [SEMCONV.httpRoute]: route,
    [SWITCHYARD.requestId]: call.requestId,
  }, extractContext(req.headers));
  if (span.isRecording()) {
    call.traceId = span.spanContext().traceId;
    res.setHeader(TRACE_ID_HEADER, call.traceId);
    res.setHeader(TRACERESPONSE_HEADER, traceresponseOf(span));
  }
  res.once('close', () => endRequestSpan(span, res));
  runIn(contextWith(span), serve);
}

function endRequestSpan(span: Span, res: ServerResponse): void {
  const status = res.statusCode;
  span.setAttribute(SEMCONV.httpResponseStatusCode, status);
  // The HTTP conventions: a server span fails for a 5xx; a 4xx is the client's.
  if (status >= 500) failSpan(span, String(status));
  else if (!res.writableFinished) failSpan(span, 'client_closed');
  span.end();
}

/**
 * What the request came to, on its server span (the active one): who, which model, how it was
 * served, tokens. No content, no secret. `model` (the public name asked for) is there without a
 * usage event too: a refused or spilled request is still searchable by model, as the attempt
 * spans are (`switchyard.model`).
 */
export function annotateRequestSpan(event: UsageEvent | undefined, tenantId: string, keyId: string, model = ''): void {
  const span = activeSpan();
  if (!span) return;
  span.setAttribute(SWITCHYARD.tenantId, tenantId);
  span.setAttribute(SWITCHYARD.keyId, keyId);
  const asked = event?.model || model;
  if (asked) span.setAttributes({ [SWITCHYARD.model]: asked, [GEN_AI.requestModel]: asked });
  if (!event) return;
  span.setAttributes({
    [GEN_AI.usageInputTokens]: event.usage?.inputTokens ?? 0,
    [GEN_AI.usageOutputTokens]: event.usage?.outputTokens ?? 0,
    [SWITCHYARD.cacheHit]: event.cacheHit,
    [SWITCHYARD.attempts]: event.attempts,
    [SWITCHYARD.usageStatus]: event.status,
  });
  if (event.providerId) span.setAttribute(SWITCHYARD.providerId, event.providerId);
  if (event.deploymentId) span.setAttribute(SWITCHYARD.deploymentId, event.deploymentId);
  if (event.upstreamModel) span.setAttribute(GEN_AI.responseModel, event.upstreamModel);
  if (event.region) span.setAttribute(SWITCHYARD.region, event.region);
}

/** The admission round trip as a child span: refused admissions end it failed, with the error kind (`budget_exceeded`, as logs and usage records name it). */
export function tracedAdmission(admit: () => Promise<AdmitResponse>): Promise<AdmitResponse> {
  return inChildSpan('admit', SpanKind.INTERNAL, {}, admit, (span, answer) => {
    if (!answer.admitted) failSpan(span, errorTypeOf(answer.error?.kind ?? ErrorKind.ERROR_KIND_AUTHENTICATION));
    else if (answer.principal) span.setAttribute(SWITCHYARD.tenantId, answer.principal.tenantId);
  });
}
