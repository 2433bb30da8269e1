import { type Attributes, type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';

// Helpers for our own spans (docs/architecture.md §9, Traces). Call them only behind
// `TRACING.on`: with tracing off nothing here runs.

export { SpanKind, type Attributes, type Context, type Span };

const TRACER_NAME = 'switchyard';

const tracer = () => trace.getTracer(TRACER_NAME);

/** A span started under `parent` (default: the active context). */
export function startSpan(name: string, kind: SpanKind, attributes: Attributes, parent: Context = context.active()): Span {
  return tracer().startSpan(name, { kind, attributes }, parent);
}

/** `parent` with `span` as its current span: what a child span or an outgoing call is made under. */
export function contextWith(span: Span, parent: Context = context.active()): Context {
  return trace.setSpan(parent, span);
}

/** Runs `fn` with `ctx` active (and so what it calls: in-process ports, gRPC clients that inject it). */
export function runIn<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}

/** The active context, for work resumed later from a callback that would not inherit it. */
export function activeContext(): Context {
  return context.active();
}

/** A context continuing the caller's W3C trace context, read from headers or metadata (`traceparent`, `tracestate`). */
export function extractContext(carrier: Readonly<Record<string, unknown>>): Context {
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** The active context as a `traceparent` value ('' when there is none or the propagator writes none). */
export function activeTraceparent(): string {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier['traceparent'] ?? '';
}

/** The active context as outgoing metadata (`traceparent`, `tracestate`), added to `into`. */
export function injectActive(into: Record<string, string>): void {
  propagation.inject(context.active(), into);
}

/** A context whose parent is the W3C `traceparent` carried with queued work. */
export function contextOfTraceparent(traceparent: string): Context {
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** Ends `span` as failed with `errorType` (the conventions' `error.type`). */
export function failSpan(span: Span, errorType: string): void {
  span.setAttribute('error.type', errorType);
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/**
 * An iterator whose steps run with `ctx` active. An async generator's body runs in the context
 * of whoever calls `next()`, not where it was created: a port call handed to a loop elsewhere
 * (the router's attempts) would otherwise send, or start its spans under, the loop's context.
 */
export function iteratorIn<T>(ctx: Context, it: AsyncIterator<T>): AsyncIterator<T> {
  return {
    next: (...args: [] | [unknown]) => context.with(ctx, () => it.next(...args)),
    return: (value?: unknown) => context.with(ctx, () => it.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined as T })),
  };
}

/** The W3C `traceresponse` value of a recorded span: version, trace id, span id, flags. */
export function traceresponseOf(span: Span): string {
  const c = span.spanContext();
  return `00-${c.traceId}-${c.spanId}-${c.traceFlags & 1 ? '01' : '00'}`;
}

/** The span of the active context, when one is recording. */
export function activeSpan(): Span | undefined {
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span : undefined;
}

/**
 * Runs `work` inside a child span of the active context named `name`; `done` annotates the span
 * with the result before it ends. A rejection ends the span as failed and is rethrown.
 */
export async function inChildSpan<T>(name: string, kind: SpanKind, attributes: Attributes, work: () => Promise<T>, done?: (span: Span, result: T) => void): Promise<T> {
  const span = startSpan(name, kind, attributes);
  try {
    const result = await context.with(trace.setSpan(context.active(), span), work);
    done?.(span, result);
    return result;
  } catch (err) {
    failSpan(span, err instanceof Error ? err.name : 'error');
    throw err;
  } finally {
    span.end();
  }
}
