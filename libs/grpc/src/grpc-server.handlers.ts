import type { EventEmitter } from 'node:events';
import { type handleServerStreamingCall, type handleUnaryCall, type Metadata, type ServerWritableStream, status as Status } from '@grpc/grpc-js';
import { SEMCONV, type Span, SpanKind, TRACING, contextWith, extractContext, failSpan, runIn, startSpan } from '@switchyard/telemetry';
import { GrpcCallTimer } from './grpc-call.timer';
import { toStatus } from './grpc-error.mapper';
import type { ServerStreamHandler, UnaryHandler } from './proto-service.types';

/**
 * Adapts `(request) => Promise<Res>` to grpc-js; a rejection becomes a status, never a crash.
 * `path`: `/package.Service/Method`, the span's name. With a `timer`, each call's duration and
 * status code are observed.
 */
export function unaryCallHandler<Req, Res>(handler: UnaryHandler<Req, Res>, path = '', timer?: GrpcCallTimer): handleUnaryCall<Req, Res> {
  const serve: handleUnaryCall<Req, Res> = (call, callback) => {
    const startedAt = GrpcCallTimer.now();
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    call.once('cancelled', abort);
    // grpc-js reports the end of every call as 'cancelled' once the answer is out; listening
    // past it aborted the signal of each finished call, a DOMException (with its stack) apiece.
    const answer: typeof callback = (error, response) => {
      call.off('cancelled', abort);
      callback(error, response);
      timer?.observe(error ? (error.code ?? Status.UNKNOWN) : Status.OK, startedAt);
    };
    let pending: Promise<Res>;
    try {
      pending = handler(call.request, controller.signal);
    } catch (error) {
      answer(toStatus(error));
      return;
    }
    pending.then(
      (response) => answer(null, response),
      (error: unknown) => answer(toStatus(error)),
    );
  };
  return (call, callback) => {
    const span = TRACING.on ? serverSpan(path, call.metadata) : undefined;
    if (!span) return serve(call, callback);
    runIn(contextWith(span), () =>
      serve(call, (error, response) => {
        endServerSpan(span, error ? (error.code ?? Status.UNKNOWN) : Status.OK);
        callback(error, response);
      }),
    );
  };
}

/** Adapts `(request, signal) => AsyncIterable<Res>` to grpc-js (see `pump`); `path` and `timer` as `unaryCallHandler`. */
export function serverStreamCallHandler<Req, Res>(handler: ServerStreamHandler<Req, Res>, path = '', timer?: GrpcCallTimer): handleServerStreamingCall<Req, Res> {
  return (call) => {
    const startedAt = timer ? GrpcCallTimer.now() : 0;
    const span = TRACING.on ? serverSpan(path, call.metadata) : undefined;
    // With a span, the whole pump runs in its context: the handler's generator body runs in the
    // context of each next(), which pump calls.
    const pumped = span ? runIn(contextWith(span), () => pump(handler, call)) : pump(handler, call);
    if (!span && !timer) return void pumped;
    void pumped.then((code) => {
      timer?.observe(code, startedAt);
      if (span) endServerSpan(span, code);
    });
  };
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

/** Ends a server span; a call that failed (not one the caller cancelled) marks it with its status code. */
function endServerSpan(span: Span, code: number): void {
  if (code !== Status.OK && code !== Status.CANCELLED) failSpan(span, String(code));
  span.end();
}

// Writes each message as the implementation yields it, pausing on backpressure so a slow
// reader holds the producer back instead of growing the buffer. The caller cancelling (or its
// connection dying) aborts the signal and stops the iteration, so upstream work ends at once.
// Resolves with the call's status code.
async function pump<Req, Res>(handler: ServerStreamHandler<Req, Res>, call: ServerWritableStream<Req, Res>): Promise<number> {
  const controller = new AbortController();
  const { signal } = controller;
  const abort = (): void => controller.abort();
  call.once('cancelled', abort);
  if (call.cancelled) controller.abort();
  let failure: { error: unknown } | undefined;
  try {
    for await (const message of handler(call.request, signal)) {
      if (signal.aborted) break;
      if (!call.write(message)) await drained(call, signal);
    }
  } catch (error) {
    failure = { error };
  }
  // Before ending: the end of the call is reported as 'cancelled' too (see unaryCallHandler).
  call.off('cancelled', abort);
  if (signal.aborted) return Status.CANCELLED;
  // grpc-js turns an 'error' event on the call into the final status (server-call.ts).
  if (!failure) {
    call.end();
    return Status.OK;
  }
  const status = toStatus(failure.error);
  call.emit('error', status);
  return status.code ?? Status.UNKNOWN;
}

function drained(call: EventEmitter, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    call.on('drain', done);
    signal.addEventListener('abort', done);
  });
}
