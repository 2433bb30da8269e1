import type { EventEmitter } from 'node:events';
import { type handleServerStreamingCall, type handleUnaryCall, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream, status as Status } from '@grpc/grpc-js';
import { toStatus } from './grpc-error.mapper';
import type { ServerStreamHandler, UnaryHandler } from './proto-service.types';
import type { ServerCallObserver } from './server-call.observer';

/**
 * Adapts `(request) => Promise<Res>` to grpc-js; a rejection becomes a status, never a crash.
 * With an `observer`, each call is timed and traced (`ServerCallObserver`).
 */
export function unaryCallHandler<Req, Res>(handler: UnaryHandler<Req, Res>, observer?: ServerCallObserver): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const observed = observer?.begin(call.metadata);
    if (!observed) return serveUnary(handler, call, callback);
    observed.run(() =>
      serveUnary(handler, call, (error, response) => {
        callback(error, response);
        observed.end(error ? (error.code ?? Status.UNKNOWN) : Status.OK);
      }),
    );
  };
}

function serveUnary<Req, Res>(handler: UnaryHandler<Req, Res>, call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  call.once('cancelled', abort);
  // grpc-js reports the end of every call as 'cancelled' once the answer is out; listening
  // past it aborted the signal of each finished call, a DOMException (with its stack) apiece.
  const answer: sendUnaryData<Res> = (error, response) => {
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
}

/** Adapts `(request, signal) => AsyncIterable<Res>` to grpc-js (see `pump`); `observer` as `unaryCallHandler`. */
export function serverStreamCallHandler<Req, Res>(handler: ServerStreamHandler<Req, Res>, observer?: ServerCallObserver): handleServerStreamingCall<Req, Res> {
  return (call) => {
    const observed = observer?.begin(call.metadata);
    if (!observed) return void pump(handler, call);
    // The whole pump runs in the observation's context: the handler's generator body runs in the
    // context of each next(), which pump calls.
    void observed.run(() => pump(handler, call)).then((code) => observed.end(code));
  };
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
