import type { EventEmitter } from 'node:events';
import type { handleServerStreamingCall, handleUnaryCall, Metadata, ServerWritableStream } from '@grpc/grpc-js';
import { SEMCONV, type Span, SpanKind, TRACING, contextWith, extractContext, failSpan, runIn, startSpan } from '@switchyard/telemetry';
import { toStatus } from './grpc-error.mapper';
import type { ServerStreamHandler, UnaryHandler } from './proto-service.types';

/** Adapts `(request) => Promise<Res>` to grpc-js; a rejection becomes a status, never a crash. `path`: `/package.Service/Method`, the span's name. */
export function unaryCallHandler<Req, Res>(handler: UnaryHandler<Req, Res>, path = ''): handleUnaryCall<Req, Res> {
  const serve: handleUnaryCall<Req, Res> = (call, callback) => {
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    call.once('cancelled', abort);
    // grpc-js reports the end of every call as 'cancelled' once the answer is out; listening
    // past it aborted the signal of each finished call, a DOMException (with its stack) apiece.
    const answer: typeof callback = (error, response) => {
      call.off('cancelled', abort);
      callback(error, response);
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
        endServerSpan(span, error);
        callback(error, response);
      }),
    );
  };
}

/** Adapts `(request, signal) => AsyncIterable<Res>` to grpc-js (see `pump`). */
export function serverStreamCallHandler<Req, Res>(handler: ServerStreamHandler<Req, Res>, path = ''): handleServerStreamingCall<Req, Res> {
  return (call) => {
    const span = TRACING.on ? serverSpan(path, call.metadata) : undefined;
    if (!span) return void pump(handler, call);
    // The whole pump runs in the span's context: the handler's generator body runs in the
    // context of each next(), which pump calls.
    void runIn(contextWith(span), () => pump(handler, call)).then((failure) => endServerSpan(span, failure));
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

function endServerSpan(span: Span, failure: unknown): void {
  if (failure) {
    const code = (failure as { code?: unknown }).code;
    failSpan(span, typeof code === 'number' ? String(code) : 'error');
  }
  span.end();
}

// Writes each message as the implementation yields it, pausing on backpressure so a slow
// reader holds the producer back instead of growing the buffer. The caller cancelling (or its
// connection dying) aborts the signal and stops the iteration, so upstream work ends at once.
// Resolves with the status the call failed with, if it did.
async function pump<Req, Res>(handler: ServerStreamHandler<Req, Res>, call: ServerWritableStream<Req, Res>): Promise<unknown> {
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
  if (signal.aborted) return undefined;
  // grpc-js turns an 'error' event on the call into the final status (server-call.ts).
  if (!failure) {
    call.end();
    return undefined;
  }
  const status = toStatus(failure.error);
  call.emit('error', status);
  return status;
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
