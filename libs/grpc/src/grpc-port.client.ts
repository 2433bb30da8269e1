import { Client, type ClientReadableStream, type ClientUnaryCall, connectivityState, credentials, type MethodDefinition, Metadata } from '@grpc/grpc-js';
import type { ErrorEvent, ResponseEvent, ResponseEventBatch } from '@switchyard/ir';
import { GrpcCallError } from './grpc-call.error';
import { GRPC_CLIENT_OPTIONS } from './grpc-channel.options';
import type { CallMetadata } from './proto-service.types';

/**
 * Bounds a unary call on a peer that is connected but stuck; keepalive only catches dead
 * connections. Streams have no deadline: the router's own timeouts abort them.
 */
const DEFAULT_UNARY_DEADLINE_MS = 10_000;

const INSECURE = credentials.createInsecure();

// Shared by every call without metadata: grpc-js clones call metadata before it adds to it
// (ResolvingCall.start, RetryingCall.startNewAttempt), so this instance is never mutated.
const NO_METADATA = new Metadata();

export interface GrpcClientOptions {
  /** Deadline of each unary call, in ms. */
  readonly unaryDeadlineMs?: number;
  /** Overrides of the channel options (`GRPC_CLIENT_OPTIONS`). */
  readonly channelOptions?: Readonly<Record<string, string | number>>;
}

/** The channel, health and call plumbing shared by the port clients. */
export abstract class GrpcPortClient {
  private readonly client: Client;
  private readonly unaryDeadlineMs: number;

  /** `address` is `host:port` or any grpc-js target (`dns:///router-headless:50051`). */
  protected constructor(address: string, options: GrpcClientOptions = {}) {
    this.client = new Client(address, INSECURE, { ...GRPC_CLIENT_OPTIONS, ...options.channelOptions });
    this.unaryDeadlineMs = options.unaryDeadlineMs ?? DEFAULT_UNARY_DEADLINE_MS;
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
    this.client.close();
  }

  /** Rejects with a GrpcCallError naming the method and status. */
  protected unary<Req, Res>(method: MethodDefinition<Req, Res>, request: Req, metadata: CallMetadata | undefined, signal?: AbortSignal): Promise<Res> {
    return new Promise((resolve, reject) => {
      const stackLimit = withoutCallerStacks();
      let call: ClientUnaryCall;
      try {
        call = this.client.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          request,
          toMetadata(metadata),
          { deadline: Date.now() + this.unaryDeadlineMs },
          (error, response) => {
            if (error) reject(GrpcCallError.from(method.path, error));
            else if (response === undefined) reject(GrpcCallError.from(method.path, new Error('empty response')));
            else resolve(response);
            signal?.removeEventListener('abort', cancel);
          },
        );
      } finally {
        Error.stackTraceLimit = stackLimit;
      }
      const cancel = (): void => call.cancel();
      signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  /** A unary call whose failures are answered as `{ error }` instead of a rejection (the port contract). */
  protected async unaryOrError<Req, Res extends { error?: ErrorEvent | undefined }>(
    method: MethodDefinition<Req, Res>,
    request: Req,
    signal: AbortSignal,
    metadata: CallMetadata | undefined,
  ): Promise<Res> {
    try {
      return await this.unary(method, request, metadata, signal);
    } catch (error) {
      // `unary` already rejects with a GrpcCallError; wrapping it again lost the status details.
      const failure = error instanceof GrpcCallError ? error : GrpcCallError.from(method.path, error);
      return { error: failure.toEvent() } as Res;
    }
  }

  /**
   * The RouterPort/AdapterPort contract: never throws, a failed call ends with an error event.
   * The server sends the events in batches (`eventBatches`); they are handed out one by one.
   */
  protected async *events<Req>(
    method: MethodDefinition<Req, ResponseEventBatch>,
    request: Req,
    signal: AbortSignal,
    metadata: CallMetadata | undefined,
  ): AsyncGenerator<ResponseEvent> {
    if (signal.aborted) return;
    const stackLimit = withoutCallerStacks();
    let call: ClientReadableStream<ResponseEventBatch>;
    try {
      call = this.client.makeServerStreamRequest(method.path, method.requestSerialize, method.responseDeserialize, request, toMetadata(metadata));
    } finally {
      Error.stackTraceLimit = stackLimit;
    }
    const cancel = (): void => call.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    try {
      for await (const batch of call as AsyncIterable<ResponseEventBatch>) {
        for (const event of batch.events ?? []) {
          // Events already received when the caller aborted are not handed out.
          if (signal.aborted) return;
          yield event;
        }
      }
    } catch (error) {
      // Cancelled by our own caller: it asked to stop, so the iteration just ends.
      if (!signal.aborted) yield { event: { $case: 'error', value: GrpcCallError.from(method.path, error).toEvent() } };
    } finally {
      signal.removeEventListener('abort', cancel);
      // The consumer may have stopped early (break/return): tell the server to stop too.
      // A no-op when the call has already finished.
      call.cancel();
    }
  }
}

/**
 * grpc-js records the caller's stack (`new Error()`) on every call, to append to the error of a
 * failed one; we answer failures with fixed texts (GrpcCallError) and never read it. Capturing
 * that stack was a measurable share of each call's CPU (docs/architecture.md §7), so the call
 * is made with stack capture off; the caller puts the returned limit back right after.
 */
function withoutCallerStacks(): number {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return limit;
}

function toMetadata(record: CallMetadata | undefined): Metadata {
  if (record === undefined) return NO_METADATA;
  const metadata = new Metadata();
  for (const key in record) metadata.set(key, record[key]);
  return metadata;
}
