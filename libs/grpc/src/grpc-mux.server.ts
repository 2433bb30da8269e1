import { type handleBidiStreamingCall, Metadata, type ServerDuplexStream, status as Status } from '@grpc/grpc-js';
import type { ResponseEventBatch } from '@switchyard/ir';
import { toStatus } from './grpc-error.mapper';
import { metadataOf, type MuxFrame, type MuxReplyFrame } from './grpc-mux.frames';
import type { ServerStreamHandler, UnaryHandler } from './proto-service.types';
import type { ServerCallObserver } from './server-call.observer';

/** The mux streams a host serves, so that its stop can drain them. */
export class MuxSessions {
  private readonly live = new Set<MuxSession<unknown>>();
  private draining = false;

  add(session: MuxSession<unknown>): void {
    if (this.draining) session.drain();
    this.live.add(session);
  }

  delete(session: MuxSession<unknown>): void {
    this.live.delete(session);
  }

  /** Every stream, now and later: no new calls, each ends once its calls have and its client half-closed. */
  drain(): void {
    this.draining = true;
    for (const session of this.live) session.drain();
  }
}

type Reply = MuxReplyFrame<unknown>;

/** Runs one call of the stream's handler, writing its frames; resolves with the call's status code. */
type Serve<Req> = (session: MuxSession<Req>, callId: number, request: Req, signal: AbortSignal) => Promise<number>;

/**
 * Serves `<Rpc>Mux` with the handler of a server-streaming `<Rpc>` (docs/architecture.md §6,
 * "Calls multiplexed on streams"): each request frame is one call of that handler, with its own
 * abort signal, its own observation (duration metric, trace span: the frame's metadata is the
 * call's) and its batches written as frames tagged with its id.
 */
export function muxCallHandler<Req>(handler: ServerStreamHandler<Req, ResponseEventBatch>, observer: ServerCallObserver, sessions: MuxSessions): handleBidiStreamingCall<MuxFrame<Req>, Reply> {
  return muxHandler(streamed(handler), observer, sessions);
}

/** As `muxCallHandler`, for a unary `<Rpc>` (Admit, Settle): its answer is one `answer` frame, its failure a `status` frame. */
export function muxUnaryCallHandler<Req, Res>(handler: UnaryHandler<Req, Res>, observer: ServerCallObserver, sessions: MuxSessions): handleBidiStreamingCall<MuxFrame<Req>, Reply> {
  return muxHandler(answered(handler), observer, sessions);
}

function muxHandler<Req>(serve: Serve<Req>, observer: ServerCallObserver, sessions: MuxSessions): handleBidiStreamingCall<MuxFrame<Req>, Reply> {
  return (stream) => {
    const session = new MuxSession(stream, serve, observer, sessions);
    sessions.add(session as MuxSession<unknown>);
  };
}

// As grpc-server.handlers' pump, with frames in place of messages and status: the batches are
// written as the handler yields them, waiting for the stream to drain when it is full (every
// call on the stream waits then: the stream's buffer is what is bounded).
function streamed<Req>(handler: ServerStreamHandler<Req, ResponseEventBatch>): Serve<Req> {
  return async (session, callId, request, signal) => {
    let final = false;
    let failure: { error: unknown } | undefined;
    try {
      for await (const batch of handler(request, signal)) {
        if (signal.aborted) break;
        final = batch.final;
        if (!session.write({ callId, reply: { $case: 'batch', value: batch } })) await session.drained(signal);
      }
    } catch (error) {
      failure = { error };
    }
    if (signal.aborted) return Status.CANCELLED;
    if (failure) return session.failed(callId, failure.error);
    // A final batch already ended the call at the client: no status frame follows it.
    if (!final) session.write({ callId, reply: { $case: 'status', value: { code: Status.OK, details: '', trailers: {}, refused: false } } });
    return Status.OK;
  };
}

// As grpc-server.handlers' serveUnary: the answer is one frame (not waiting for the stream to
// drain: one message per call, as many as the client has calls running).
function answered<Req, Res>(handler: UnaryHandler<Req, Res>): Serve<Req> {
  return async (session, callId, request, signal) => {
    let answer: Res;
    try {
      answer = await handler(request, signal);
    } catch (error) {
      return signal.aborted ? Status.CANCELLED : session.failed(callId, error);
    }
    // Cancelled (by the client or its deadline): it expects nothing more for this id.
    if (signal.aborted) return Status.CANCELLED;
    session.write({ callId, reply: { $case: 'answer', value: answer } });
    return Status.OK;
  };
}

/** One `<Rpc>Mux` stream on the server. */
class MuxSession<Req> {
  // The calls running on this stream, by the id their client gave them.
  private readonly calls = new Map<number, AbortController>();
  private draining = false;
  private clientEnded = false;
  private closed = false;

  constructor(
    private readonly stream: ServerDuplexStream<MuxFrame<Req>, Reply>,
    private readonly serve: Serve<Req>,
    private readonly observer: ServerCallObserver,
    private readonly sessions: MuxSessions,
  ) {
    stream.on('data', (frame: MuxFrame<Req>) => this.received(frame));
    stream.on('end', () => {
      this.clientEnded = true;
      this.endIfDone();
    });
    // The client went away (or the connection died): every call on the stream is abandoned.
    stream.once('cancelled', () => this.abortAll());
    stream.on('error', () => this.abortAll());
  }

  drain(): void {
    if (this.draining || this.closed) return;
    this.draining = true;
    this.stream.write({ callId: 0, reply: { $case: 'drain', value: {} } });
    this.endIfDone();
  }

  private received(frame: MuxFrame<Req>): void {
    const { callId } = frame;
    switch (frame.frame?.$case) {
      case 'request':
        if (this.draining) {
          this.stream.write({ callId, reply: { $case: 'status', value: { code: Status.UNAVAILABLE, details: 'draining', trailers: {}, refused: true } } });
          return;
        }
        // Ids name calls on the stream; a client reusing one still running is broken, and
        // which call a frame belongs to could no longer be told: the stream fails as a whole.
        if (this.calls.has(callId)) {
          this.abortAll();
          this.stream.emit('error', { code: Status.INTERNAL, details: `mux call id ${callId} is already running` });
          return;
        }
        this.start(callId, frame.frame.value, frame.metadata);
        return;
      case 'cancel':
        this.calls.get(callId)?.abort();
        this.calls.delete(callId);
        this.endIfDone();
        return;
      case undefined:
        return;
    }
  }

  private start(callId: number, request: Req, metadata: Readonly<Record<string, string>>): void {
    const controller = new AbortController();
    this.calls.set(callId, controller);
    const observed = this.observer.begin(metadataOf(metadata));
    const run = (): Promise<number> => this.serve(this, callId, request, controller.signal);
    const done = (code: number): void => {
      observed?.end(code);
      if (this.calls.get(callId) === controller) this.calls.delete(callId);
      this.endIfDone();
    };
    void (observed ? observed.run(run) : run()).then(done);
  }

  /** Writes a frame; false when the stream's buffer is full (see `drained`). */
  write(reply: Reply): boolean {
    return this.stream.write(reply);
  }

  /** Writes the status a call failed with (its IrError's kind in the trailers); returns its code. */
  failed(callId: number, error: unknown): number {
    const status = toStatus(error);
    const code = status.code ?? Status.UNKNOWN;
    this.stream.write({ callId, reply: { $case: 'status', value: { code, details: status.details ?? '', trailers: trailersOf(status.metadata), refused: false } } });
    return code;
  }

  drained(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.stream.on('drain', done);
      signal.addEventListener('abort', done);
    });
  }

  private abortAll(): void {
    for (const controller of this.calls.values()) controller.abort();
    this.calls.clear();
    this.close();
  }

  // The server ends its side once the client has (it sends no more calls) and no call runs; a
  // draining server never ends first, so a request frame already on its way is never lost.
  private endIfDone(): void {
    if (this.closed || !this.clientEnded || this.calls.size > 0) return;
    this.close();
    this.stream.end();
  }

  private close(): void {
    this.closed = true;
    this.sessions.delete(this as MuxSession<unknown>);
  }
}

function trailersOf(metadata: Metadata | undefined): Record<string, string> {
  const trailers: Record<string, string> = {};
  if (!metadata) return trailers;
  for (const [key, value] of Object.entries(metadata.getMap())) trailers[key] = String(value);
  return trailers;
}
