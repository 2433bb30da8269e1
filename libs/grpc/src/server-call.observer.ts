import { type Metadata, status as Status } from '@grpc/grpc-js';
import { SEMCONV, type Span, SpanKind, TRACING, contextWith, extractContext, failSpan, runIn, startSpan } from '@switchyard/telemetry';
import { GrpcCallTimer } from './grpc-call.timer';

/**
 * Everything that watches a served gRPC call, as one hook (docs/architecture.md §9): its
 * duration in switchyard_grpc_server_duration_seconds (`GrpcCallTimer`) and, when tracing is on
 * and the caller sent a trace context, a SERVER span continuing it. Made once per method; each
 * call `begin`s an observation, runs its handler inside it and `end`s it once with its status
 * code. The handlers (`grpc-server.handlers.ts`) know nothing of spans or timers.
 */
export class ServerCallObserver {
  /** `path`: `/package.Service/Method`, the span's name; without `timer` calls are not timed. */
  constructor(
    readonly path: string,
    private readonly timer?: GrpcCallTimer,
  ) {}

  /** The observation of one call arriving with `metadata`; undefined when nothing watches it (the call pays nothing more). */
  begin(metadata: Metadata): CallObservation | undefined {
    const span = TRACING.on ? serverSpan(this.path, metadata) : undefined;
    if (!span && !this.timer) return undefined;
    return new CallObservation(span, this.timer);
  }
}

/** One call being watched. */
export class CallObservation {
  private readonly startedAt = GrpcCallTimer.now();

  constructor(
    private readonly span: Span | undefined,
    private readonly timer: GrpcCallTimer | undefined,
  ) {}

  /** Runs `work` in the call's span context, when it has one (what the handler calls joins its trace). */
  run<T>(work: () => T): T {
    return this.span ? runIn(contextWith(this.span), work) : work();
  }

  /** The call ended with `code`: observed, and its span ended (failed unless OK or cancelled by the caller). */
  end(code: number): void {
    this.timer?.observe(code, this.startedAt);
    const span = this.span;
    if (!span) return;
    if (code !== Status.OK && code !== Status.CANCELLED) failSpan(span, String(code));
    span.end();
  }
}

/**
 * A server span for a call that carries a caller's trace context (`traceparent` metadata), as
 * its child; none for a call without one (health probes, tools): this hop's spans belong to a
 * client request's trace and never start traces of their own.
 */
function serverSpan(path: string, metadata: Metadata): Span | undefined {
  const traceparent = metadata.get('traceparent')[0];
  if (traceparent === undefined) return undefined;
  const tracestate = metadata.get('tracestate')[0];
  const parent = extractContext(tracestate === undefined ? { traceparent } : { traceparent, tracestate });
  // The conventions' RPC span name is the method's full name without the leading slash.
  const name = path.startsWith('/') ? path.slice(1) : path;
  return startSpan(name, SpanKind.SERVER, { [SEMCONV.rpcSystem]: 'grpc', [SEMCONV.rpcMethod]: name }, parent);
}
