import { Client, type ClientReadableStream, connectivityState, credentials, type MethodDefinition, Metadata, type ServiceError, status as Status } from '@grpc/grpc-js';
import type { ErrorEvent, ResponseEvent, ResponseEventBatch } from '@switchyard/ir';
import { TRACING, injectActive } from '@switchyard/telemetry';
import { GrpcCallError } from './grpc-call.error';
import { clientCallTimer, GrpcCallTimer } from './grpc-call.timer';
import { GRPC_CLIENT_OPTIONS } from './grpc-channel.options';
import { isServiceError, remoteErrorOf } from './grpc-error.mapper';
import { metadataOf } from './grpc-mux.frames';
import { DEFAULT_MUX_SETTINGS, type MuxMethod, MuxPool, type MuxSettings } from './grpc-mux.client';
import type { CallMetadata } from './proto-service.types';

/**
 * Bounds a unary call on a peer that is connected but stuck; keepalive only catches dead
 * connections. Streams have no deadline: the router's own timeouts abort them.
 */
const DEFAULT_UNARY_DEADLINE_MS = 10_000;

const INSECURE = credentials.createInsecure();

export interface GrpcClientOptions {
  /** Deadline of each unary call, in ms. */
  readonly unaryDeadlineMs?: number;
  /** Overrides of the channel options (`GRPC_CLIENT_OPTIONS`). */
  readonly channelOptions?: Readonly<Record<string, string | number>>;
  /**
   * SWITCHYARD_GRPC_MUX: the hot calls (Route, Generate, Admit, Settle) go as frames on a few
   * long-lived `<Rpc>Mux` streams rather than a call each (docs/architecture.md §6). `true` takes
   * the default settings.
   */
  readonly mux?: boolean | MuxSettings;
}

/** How one call is made. */
export interface PortCall {
  readonly metadata?: CallMetadata | undefined;
  /** Aborting it cancels the call (CANCELLED, never retried). */
  readonly signal?: AbortSignal | undefined;
  /**
   * Make the call once more, at once, when it failed with UNAVAILABLE before any answer (see
   * `GrpcPortClient`). Only for calls that are safe to repeat and that no other layer retries.
   */
  readonly retryUnavailable?: boolean;
}

/** A streaming call: the caller's signal is what ends it early. */
export interface PortStreamCall extends PortCall {
  readonly signal: AbortSignal;
}

const NO_CALL: PortCall = {};

/**
 * The channel, health and call plumbing shared by the port clients.
 *
 * Retry (docs/architecture.md, Cluster services, "A call a replica dropped"): a replica that
 * dies takes with it the calls the channel had already given its connection, processed or not,
 * and they fail with UNAVAILABLE. A call made with `retryUnavailable` is then made once more,
 * immediately, on the same channel, whose round_robin has by then dropped the dead connection
 * and picks another ready replica. Only when nothing was answered: a unary call that failed
 * with UNAVAILABLE in the transport (not an UNAVAILABLE a replica answered with, which carries
 * its error kind), a stream that failed so before its first message. Never for
 * DEADLINE_EXCEEDED (the peer may still be working and the time is spent), CANCELLED (our own
 * abort) or once the caller's signal aborted; a unary retry keeps the first attempt's deadline.
 * grpc-js's own retry layer stays off (`GRPC_CLIENT_OPTIONS`): it buffers every message of
 * every call to make this possible.
 */
export abstract class GrpcPortClient {
  private readonly client: Client;
  private readonly unaryDeadlineMs: number;
  private readonly muxSettings: MuxSettings | undefined;
  private readonly pools: MuxPool<unknown, unknown>[] = [];

  /** `address` is `host:port` or any grpc-js target (`dns:///router-headless:50051`). */
  protected constructor(address: string, options: GrpcClientOptions = {}) {
    this.client = new Client(address, INSECURE, { ...GRPC_CLIENT_OPTIONS, ...options.channelOptions });
    this.unaryDeadlineMs = options.unaryDeadlineMs ?? DEFAULT_UNARY_DEADLINE_MS;
    this.muxSettings = options.mux === true ? DEFAULT_MUX_SETTINGS : options.mux || undefined;
  }

  /**
   * The pool `events` (a streaming `<Rpc>`, Res the batch) or `unary` (Res the answer)
   * multiplexes `<Rpc>`'s calls on when the client was made with `mux`; else undefined.
   */
  protected muxPool<Req, Res = ResponseEventBatch>(method: MuxMethod<Req, Res>): MuxPool<Req, Res> | undefined {
    if (!this.muxSettings) return undefined;
    const pool = new MuxPool(this.client, method, this.muxSettings);
    this.pools.push(pool as MuxPool<unknown, unknown>);
    return pool;
  }

  /** For /readyz: false while the channel cannot connect or after `close()`. Starts connecting when idle. */
  ready(): boolean {
    const state = this.client.getChannel().getConnectivityState(true);
    return state !== connectivityState.TRANSIENT_FAILURE && state !== connectivityState.SHUTDOWN;
  }

  /** Resolves once connected (e.g. at boot), rejects after `timeoutMs`. */
  waitForReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.waitForReady(Date.now() + timeoutMs, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): void {
    for (const pool of this.pools) pool.close();
    this.client.close();
  }

  /**
   * Rejects with a GrpcCallError naming the method and status. With `mux` (the pool of
   * `<Rpc>Mux`), the call goes as frames on its streams, with the same deadline, retry and errors
   * (`MuxUnaryCall`); as a plain call when the pool declines it, or when the server answered
   * UNIMPLEMENTED (a version without the mux method, mid-upgrade: it never saw the request).
   */
  protected unary<Req, Res>(method: MethodDefinition<Req, Res>, request: Req, call: PortCall = NO_CALL, mux?: MuxPool<Req, Res>): Promise<Res> {
    const { signal } = call;
    // Taken now, in the caller's context (the trace context is the active one); a call that goes
    // plain after a mux attempt sends the fields the frame carried.
    const fields = mux ? muxMetadata(call.metadata) : undefined;
    let metadata = fields ? undefined : toMetadata(call.metadata);
    const options = { deadline: Date.now() + this.unaryDeadlineMs };
    let retries = call.retryUnavailable ? 1 : 0;
    let plain = mux === undefined;
    const timer = clientCallTimer(method.path);
    const startedAt = GrpcCallTimer.now();
    return new Promise((resolve, reject) => {
      let attempt: { cancel(): void };
      let muxed = false;
      const cancel = (): void => attempt.cancel();
      const done = (error: ServiceError | null, response?: Res): void => {
        if (error && muxed && error.code === Status.UNIMPLEMENTED) {
          plain = true;
          start();
          return;
        }
        if (error && retries > 0 && unanswered(error, signal)) {
          retries--;
          // A stream's break reaches its calls from inside grpc-js's report of it; the other
          // streams to the same dead replica hear of theirs in the callbacks queued after it. The
          // retry waits for those, so that it goes on a stream to a live replica (and is cancelled
          // at once if its caller aborted meanwhile).
          if (!muxed) {
            start();
            return;
          }
          setImmediate(() => {
            start();
            if (signal?.aborted) attempt.cancel();
          });
          return;
        }
        signal?.removeEventListener('abort', cancel);
        timer.observe(error ? error.code : Status.OK, startedAt);
        if (error) reject(GrpcCallError.from(method.path, error));
        else if (response === undefined) reject(GrpcCallError.from(method.path, new Error('empty response')));
        else resolve(response);
      };
      const start = (): void => {
        const framed = plain || fields === undefined ? undefined : mux?.call(request, fields, options.deadline, done);
        muxed = framed !== undefined;
        attempt = framed ?? withoutCallerStack(() => this.client.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, (metadata ??= metadataOf(fields)), options, done));
      };
      start();
      signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  /** A unary call whose failures are answered as `{ error }` instead of a rejection (the port contract). */
  protected async unaryOrError<Req, Res extends { error?: ErrorEvent | undefined }>(method: MethodDefinition<Req, Res>, request: Req, call: PortStreamCall): Promise<Res> {
    try {
      return await this.unary(method, request, call);
    } catch (error) {
      // `unary` already rejects with a GrpcCallError; wrapping it again lost the status details.
      const failure = error instanceof GrpcCallError ? error : GrpcCallError.from(method.path, error);
      return { error: failure.toEvent() } as Res;
    }
  }

  /**
   * The RouterPort/AdapterPort contract: never throws, a failed call ends with an error event.
   * The server sends the events in batches (`eventBatches`); they are handed out one by one, and
   * the iteration ends with the batch marked final, without waiting for the call's status: that
   * follows in a frame of its own, one more wake-up of each process on the way for nothing.
   */
  protected async *events<Req>(method: MethodDefinition<Req, ResponseEventBatch>, request: Req, call: PortStreamCall, mux?: MuxPool<Req>): AsyncGenerator<ResponseEvent> {
    const { signal } = call;
    if (signal.aborted) return;
    const open = (): BatchCall => (mux && mux.start(request, muxMetadata(call.metadata))) || this.plainCall(method, request, call.metadata);
    const timer = clientCallTimer(method.path);
    const startedAt = GrpcCallTimer.now();
    // Unset at the end: the consumer stopped early or its caller aborted, and the call was cancelled.
    let code: number | undefined;
    let stream = open();
    const cancel = (): void => stream.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    let retries = call.retryUnavailable ? 1 : 0;
    let answered = false;
    let complete = false;
    try {
      for (;;) {
        try {
          for await (const batch of stream) {
            answered = true;
            for (const event of batch.events) {
              // Events already received when the caller aborted are not handed out.
              if (signal.aborted) return;
              yield event;
            }
            if (batch.final) {
              complete = true;
              code = Status.OK;
              return;
            }
          }
          code = Status.OK;
          return;
        } catch (error) {
          // The server does not serve the mux method (an older version, mid-upgrade): it never
          // saw the request, which goes again as a plain call (and the pool's next ones for a while).
          if (!answered && mux && isServiceError(error) && error.code === Status.UNIMPLEMENTED && !(stream instanceof PlainBatchCall)) {
            stream = this.plainCall(method, request, call.metadata);
            continue;
          }
          if (!answered && retries > 0 && unanswered(error, signal)) {
            retries--;
            stream = open();
            continue;
          }
          code = isServiceError(error) ? error.code : Status.UNKNOWN;
          // Cancelled by our own caller: it asked to stop, so the iteration just ends.
          if (!signal.aborted) yield { event: { $case: 'error', value: GrpcCallError.from(method.path, error).toEvent() } };
          return;
        }
      }
    } finally {
      signal.removeEventListener('abort', cancel);
      timer.observe(code ?? Status.CANCELLED, startedAt);
      stream.release?.();
      // The consumer may have stopped early (break/return): tell the server to stop too. A
      // no-op when the call has already finished; not sent after the final batch (the server
      // has ended the call, its status is on the way).
      if (!complete) stream.cancel();
    }
  }

  private plainCall<Req>(method: MethodDefinition<Req, ResponseEventBatch>, request: Req, metadata: CallMetadata | undefined): BatchCall {
    return new PlainBatchCall(withoutCallerStack(() => this.client.makeServerStreamRequest(method.path, method.requestSerialize, method.responseDeserialize, request, toMetadata(metadata))));
  }
}

/** A streaming call's batches, whichever way it is carried: a call of its own, or frames on a mux stream (MuxCall). */
interface BatchCall extends AsyncIterable<ResponseEventBatch> {
  /** Stops the call; a no-op once it ended. */
  cancel(): void;
  /** The reader is done with it. */
  release?(): void;
}

/** A call of its own (a server-streaming call). */
class PlainBatchCall implements BatchCall {
  constructor(private readonly stream: ClientReadableStream<ResponseEventBatch>) {}

  [Symbol.asyncIterator](): AsyncIterator<ResponseEventBatch> {
    return readBatches(this.stream)[Symbol.asyncIterator]();
  }

  cancel(): void {
    this.stream.cancel();
  }

  // The iterator left the stream undestroyed (readBatches): whatever status still arrives, an
  // error included, must find a listener rather than crash the process.
  release(): void {
    this.stream.on('error', ignoreLateError);
  }
}

/**
 * The stream's batches, for `for await`. Node's default stream iterator destroys a stream left
 * before its end, and destroying one that has not ended builds an `AbortError` with its stack:
 * that happened on every call, since the reader leaves at the batch marked final without waiting
 * for the status (about 1.5 % of the router's busy time in a profile, docs/architecture.md §7).
 * Left undestroyed, the stream ends by itself when the status frame arrives; `events` cancels it
 * when the consumer stopped early.
 */
function readBatches(stream: ClientReadableStream<ResponseEventBatch>): AsyncIterable<ResponseEventBatch> {
  return stream.iterator({ destroyOnReturn: false }) as AsyncIterable<ResponseEventBatch>;
}

function ignoreLateError(): void {
  // The outcome was already handed to the consumer; see `events`' finally.
}

/**
 * grpc-js records the caller's stack (`new Error()`) on every call, to append to the error of a
 * failed one; we answer failures with fixed texts (GrpcCallError) and never read it. Capturing
 * that stack was a measurable share of each call's CPU (docs/architecture.md §7), so calls are
 * made with stack capture off.
 */
function withoutCallerStack<T>(makeCall: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return makeCall();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * The call failed in the transport with UNAVAILABLE (the connection was refused, reset or
 * dropped) while the caller still wants it: no replica answered it. An UNAVAILABLE a replica
 * answered with itself (an IrError of kind UPSTREAM_UNAVAILABLE, carried in the trailers) is an
 * answer, as is every other status.
 */
function unanswered(error: unknown, signal: AbortSignal | undefined): boolean {
  return isServiceError(error) && error.code === Status.UNAVAILABLE && remoteErrorOf(error.metadata) === undefined && signal?.aborted !== true;
}

/** A plain call's metadata: the call's fields, with the trace context when tracing is on. */
function toMetadata(record: CallMetadata | undefined): Metadata {
  return metadataOf(withTraceContext(record));
}

const NO_FIELDS: CallMetadata = {};

/** A mux call's metadata travels in its request frame, as a plain record (the same fields as `toMetadata`'s). */
function muxMetadata(record: CallMetadata | undefined): CallMetadata {
  return withTraceContext(record) ?? NO_FIELDS;
}

/** With tracing on: the call's fields plus the active trace context (W3C `traceparent`), so the callee's spans join the caller's trace. */
function withTraceContext(record: CallMetadata | undefined): CallMetadata | undefined {
  if (!TRACING.on) return record;
  const fields: Record<string, string> = { ...record };
  injectActive(fields);
  return fields;
}
