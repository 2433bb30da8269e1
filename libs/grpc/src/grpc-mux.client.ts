import { type Client, type ClientDuplexStream, type ServiceError, status as Status, type StatusObject } from '@grpc/grpc-js';
import type { MuxStatus, ResponseEventBatch } from '@switchyard/ir';
import { type MuxFrame, type MuxReplyFrame, NO_METADATA, serviceError, statusError } from './grpc-mux.frames';
import { type MuxAnswer, MuxUnaryCall } from './grpc-mux.unary-call';

/** How a client multiplexes one method's calls (docs/architecture.md §6, "Calls multiplexed on streams"). */
export interface MuxSettings {
  /**
   * Long-lived streams per method and channel. round_robin puts each new stream on the next
   * ready replica, so a few streams spread the calls over a few replicas at once.
   */
  readonly streams: number;
  /** A stream takes no new calls after this many, nor after `streamAgeMs`: its replacement goes to the next replica, so a restarted or added replica gets its share within that time. */
  readonly callsPerStream: number;
  readonly streamAgeMs: number;
  /**
   * Bytes of batches a call may hold that its reader has not taken yet, beyond the one it is
   * given: a stream carries many calls, so one slow reader cannot hold the sender back (no
   * per-call flow control); it is cancelled instead, with RESOURCE_EXHAUSTED.
   */
  readonly maxBufferedBytes: number;
  /** A larger request goes as a call of its own: a big image on a shared stream would hold every call behind it. */
  readonly maxRequestBytes: number;
}

export const DEFAULT_MUX_SETTINGS: MuxSettings = {
  streams: 4,
  callsPerStream: 10_000,
  streamAgeMs: 10_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxRequestBytes: 256 * 1024,
};

/**
 * The slice of a `<Rpc>Mux` method's grpc-js definition the pool uses (method syntax: the
 * generated frame types fit `MuxFrame<Req>` and `MuxReplyFrame<Res>` structurally).
 */
export interface MuxMethod<Req, Res> {
  readonly path: string;
  requestSerialize(value: MuxFrame<Req>): Buffer;
  responseDeserialize(bytes: Buffer): MuxReplyFrame<Res>;
}

/** A message as received, with its size for the buffer cap. */
interface Received<Res> {
  readonly reply: MuxReplyFrame<Res>;
  readonly bytes: number;
}

/** What a stream holds of each call on it: a streaming call (MuxCall) or a unary one (MuxUnaryCall). */
export interface MuxPending<Req, Res> {
  readonly request: Req;
  readonly metadata: Readonly<Record<string, string>>;
  refusals: number;
  bind(stream: MuxCallStream, id: number): void;
  /** Whether this message is the call's last (a batch marked final, a unary answer). */
  isLast(message: Res): boolean;
  push(message: Res, bytes: number): void;
  finish(status: MuxStatus): void;
  fail(error: ServiceError): void;
}

// A frame is encoded by the pool (its size decides whether it goes on the stream at all).
const identity = (bytes: Buffer): Buffer => bytes;
// A refused call (its server was draining) is placed again; a third refusal fails it.
const MAX_REFUSALS = 2;
const UNSUPPORTED_RETRY_MS = 60_000;

/**
 * The calls of one `<Rpc>Mux` method on one channel, over a small pool of long-lived streams:
 * streaming calls (`start`, Res the batch) or unary ones (`call`, Res the answer).
 */
export class MuxPool<Req, Res = ResponseEventBatch> {
  private readonly slots: (MuxStream<Req, Res> | undefined)[];
  private readonly decode: (bytes: Buffer) => Received<Res>;
  private turn = 0;
  // A replica still on a version without the mux methods (a rolling upgrade) answers
  // UNIMPLEMENTED: calls go plain for a while, then a stream is tried again.
  private unsupportedUntil = 0;

  constructor(
    private readonly client: Client,
    private readonly method: MuxMethod<Req, Res>,
    readonly settings: MuxSettings = DEFAULT_MUX_SETTINGS,
  ) {
    this.slots = Array.from({ length: Math.max(1, settings.streams) }, () => undefined);
    this.decode = (bytes) => ({ reply: method.responseDeserialize(bytes), bytes: bytes.length });
  }

  /**
   * Starts a call; undefined when it must be a plain call: its request is too large for a shared
   * stream, or the server does not serve the mux method (below).
   */
  start(this: MuxPool<Req, ResponseEventBatch>, request: Req, metadata: Readonly<Record<string, string>>): MuxCall<Req> | undefined {
    if (this.unsupportedUntil > 0 && Date.now() < this.unsupportedUntil) return undefined;
    const call = new MuxCall(request, metadata, this);
    return this.place(call) ? call : undefined;
  }

  /**
   * Starts a unary call whose outcome goes to `answer` (once), or fails it with
   * DEADLINE_EXCEEDED at `deadline` (ms since the epoch), as grpc-js does a plain call's; undefined
   * when it must be a plain call, as `start`.
   */
  call(request: Req, metadata: Readonly<Record<string, string>>, deadline: number, answer: MuxAnswer<Res>): MuxUnaryCall<Req, Res> | undefined {
    if (this.unsupportedUntil > 0 && Date.now() < this.unsupportedUntil) return undefined;
    const call = new MuxUnaryCall(request, metadata, answer);
    if (!this.place(call)) return undefined;
    call.expireAt(deadline);
    return call;
  }

  /** The path of the method, for errors and metrics. */
  get path(): string {
    return this.method.path;
  }

  /** No new calls; every stream ends once its calls have. */
  close(): void {
    for (const stream of this.slots) stream?.retire();
    this.slots.fill(undefined);
  }

  /** @internal The server refused the call unstarted (it is draining): it goes on another stream. */
  refused(call: MuxPending<Req, Res>): void {
    if (++call.refusals > MAX_REFUSALS || !this.place(call)) call.fail(serviceError(Status.UNAVAILABLE, 'every replica tried is draining'));
  }

  /** @internal */
  encodeCancel(id: number): Buffer {
    return this.method.requestSerialize({ callId: id, frame: { $case: 'cancel', value: {} }, metadata: {} });
  }

  /** @internal A stream was answered UNIMPLEMENTED: its calls are made again as plain calls (GrpcPortClient.events). */
  unsupported(): void {
    this.unsupportedUntil = Date.now() + UNSUPPORTED_RETRY_MS;
  }

  /** @internal */
  forget(stream: MuxStream<Req, Res>): void {
    const i = this.slots.indexOf(stream);
    if (i >= 0) this.slots[i] = undefined;
  }

  private place(call: MuxPending<Req, Res>): boolean {
    const stream = this.pick();
    const id = stream.nextId();
    const bytes = this.method.requestSerialize({ callId: id, frame: { $case: 'request', value: call.request }, metadata: call.metadata });
    if (bytes.length > this.settings.maxRequestBytes) return false;
    stream.send(call, id, bytes);
    return true;
  }

  private pick(): MuxStream<Req, Res> {
    const i = this.turn++ % this.slots.length;
    let stream = this.slots[i];
    if (stream === undefined || !stream.usable(Date.now())) {
      stream?.retire();
      stream = new MuxStream(this, this.client.makeBidiStreamRequest(this.method.path, identity, this.decode, NO_METADATA), this.settings);
      this.slots[i] = stream;
    }
    return stream;
  }
}

/** What a call sees of the stream it is on. */
export interface MuxCallStream {
  /** The caller gave up: the server is told, and frames still coming for it are dropped. */
  cancel(id: number): void;
}

/** One long-lived stream and the calls on it, by id. */
class MuxStream<Req, Res> implements MuxCallStream {
  private readonly calls = new Map<number, MuxPending<Req, Res>>();
  private readonly openedAt = Date.now();
  private lastId = 0;
  private started = 0;
  private retired = false;
  private ended = false;
  private broken = false;

  constructor(
    private readonly pool: MuxPool<Req, Res>,
    private readonly stream: ClientDuplexStream<Buffer, Received<Res>>,
    private readonly settings: MuxSettings,
  ) {
    stream.on('data', (received: Received<Res>) => this.received(received));
    // A non-OK status (the replica died, the connection broke): every call on it fails with it.
    stream.on('error', (error: ServiceError) => this.broke(error));
    // The server ended the stream (it only does so once its calls are done and we half-closed).
    stream.on('status', (status: StatusObject) => {
      if (status.code === Status.OK) this.broke(serviceError(Status.UNAVAILABLE, 'the stream ended'));
    });
  }

  usable(now: number): boolean {
    return !this.retired && this.started < this.settings.callsPerStream && now - this.openedAt < this.settings.streamAgeMs;
  }

  // Ids are never reused on a stream, so a late frame of a cancelled call finds no call.
  nextId(): number {
    return ++this.lastId;
  }

  send(call: MuxPending<Req, Res>, id: number, bytes: Buffer): void {
    this.calls.set(id, call);
    this.started++;
    call.bind(this, id);
    // Not waiting on the stream's backpressure: requests are small (larger ones go as calls of
    // their own, MuxSettings.maxRequestBytes) and as many as the callers have running.
    this.stream.write(bytes);
  }

  /** The caller gave up: the server is told, and frames still coming for it are dropped. */
  cancel(id: number): void {
    if (!this.calls.delete(id)) return;
    if (!this.broken && !this.ended) this.stream.write(this.pool.encodeCancel(id));
    this.endIfIdle();
  }

  /** No new calls; the stream half-closes once the running ones are done. */
  retire(): void {
    this.retired = true;
    this.pool.forget(this);
    this.endIfIdle();
  }

  private received({ reply, bytes }: Received<Res>): void {
    const { callId } = reply;
    switch (reply.reply?.$case) {
      case 'batch':
      case 'answer': {
        const call = this.calls.get(callId);
        if (!call) return;
        if (call.isLast(reply.reply.value)) this.done(callId);
        call.push(reply.reply.value, bytes);
        return;
      }
      case 'status': {
        const call = this.calls.get(callId);
        if (!call) return;
        this.done(callId);
        if (reply.reply.value.refused) this.pool.refused(call);
        else call.finish(reply.reply.value);
        return;
      }
      case 'drain':
        this.retire();
        return;
      case undefined:
        return;
    }
  }

  private done(id: number): void {
    this.calls.delete(id);
    this.endIfIdle();
  }

  private broke(error: ServiceError): void {
    if (this.broken) return;
    this.broken = true;
    if (error.code === Status.UNIMPLEMENTED) this.pool.unsupported();
    this.retire();
    const calls = [...this.calls.values()];
    this.calls.clear();
    for (const call of calls) call.fail(error);
  }

  private endIfIdle(): void {
    if (!this.retired || this.ended || this.broken || this.calls.size > 0) return;
    this.ended = true;
    this.stream.end();
  }
}

type Waiter = { resolve(result: IteratorResult<ResponseEventBatch>): void; reject(error: unknown): void };

const DONE: IteratorResult<ResponseEventBatch> = { done: true, value: undefined };

/**
 * One call on a mux stream, read as the batches of a plain call are: an async iterator that
 * throws the call's failure as a grpc-js ServiceError (code, details, trailers), so callers map
 * it exactly as they map a plain call's.
 */
export class MuxCall<Req> implements AsyncIterableIterator<ResponseEventBatch>, MuxPending<Req, ResponseEventBatch> {
  /** @internal */
  refusals = 0;
  private stream: MuxCallStream | undefined;
  private id = 0;
  private readonly queue: ResponseEventBatch[] = [];
  private readonly sizes: number[] = [];
  private buffered = 0;
  private waiter: Waiter | undefined;
  private failure: ServiceError | undefined;
  // Nothing more will arrive: a final batch, a status, a failure or our own cancel.
  private ended = false;

  constructor(
    readonly request: Req,
    readonly metadata: Readonly<Record<string, string>>,
    private readonly pool: MuxPool<Req, ResponseEventBatch>,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ResponseEventBatch>> {
    const batch = this.queue.shift();
    if (batch !== undefined) {
      this.buffered -= this.sizes.shift() ?? 0;
      return Promise.resolve({ done: false, value: batch });
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** Leaving the loop does not cancel the call (the caller does, unless the final batch came). */
  return(): Promise<IteratorResult<ResponseEventBatch>> {
    return Promise.resolve(DONE);
  }

  /** Tells the server to stop; the reader then sees CANCELLED, as with a plain call. A no-op once the call ended. */
  cancel(): void {
    if (this.ended) return;
    this.stream?.cancel(this.id);
    this.fail(serviceError(Status.CANCELLED, 'Cancelled on client'));
  }

  /** @internal */
  bind(stream: MuxCallStream, id: number): void {
    this.stream = stream;
    this.id = id;
  }

  /** @internal */
  isLast(batch: ResponseEventBatch): boolean {
    return batch.final;
  }

  /** @internal */
  push(batch: ResponseEventBatch, bytes: number): void {
    if (this.ended) return;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      if (batch.final) this.ended = true;
      waiter.resolve({ done: false, value: batch });
      return;
    }
    if (this.queue.length > 0 && this.buffered + bytes > this.pool.settings.maxBufferedBytes) {
      this.stream?.cancel(this.id);
      this.fail(serviceError(Status.RESOURCE_EXHAUSTED, `the reader of ${this.pool.path} fell more than ${this.pool.settings.maxBufferedBytes} bytes behind; cancelled`));
      return;
    }
    if (batch.final) this.ended = true;
    this.queue.push(batch);
    this.sizes.push(bytes);
    this.buffered += bytes;
  }

  /** @internal The call's status arrived (OK: ended without a final batch). */
  finish(status: MuxStatus): void {
    if (status.code === Status.OK) {
      this.end();
      return;
    }
    this.fail(statusError(status));
  }

  /** @internal */
  fail(error: ServiceError): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(error);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve(DONE);
  }
}
