import { Metadata, type ServiceError, status as Status } from '@grpc/grpc-js';
import type { MuxCancel, MuxDrain, MuxStatus } from '@switchyard/ir';

/**
 * A client frame of a `<Rpc>Mux` method (RouteFrame, GenerateFrame, AdmitFrame, SettleFrame):
 * the generated types differ only in the request they carry.
 */
export interface MuxFrame<Req> {
  callId: number;
  frame?: { $case: 'request'; value: Req } | { $case: 'cancel'; value: MuxCancel } | undefined;
  metadata: { [key: string]: string };
}

/**
 * A server frame of a `<Rpc>Mux` method: a streaming call's `batch` (MuxReply) or a unary call's
 * `answer` (AdmitMuxReply, SettleMuxReply), a call's `status`, or the stream's `drain`.
 */
export interface MuxReplyFrame<Res> {
  callId: number;
  reply?: { $case: 'batch'; value: Res } | { $case: 'answer'; value: Res } | { $case: 'status'; value: MuxStatus } | { $case: 'drain'; value: MuxDrain } | undefined;
}

/**
 * The empty metadata every call without fields shares. Never written to: grpc-js clones a call's
 * metadata before it adds to it (ResolvingCall.start, RetryingCall.startNewAttempt), so a retry
 * may send the same instance again, and the server's call observer only reads it.
 */
export const NO_METADATA = new Metadata();

/** A call's fields (a mux frame's, or a plain call's with its trace context) as grpc-js Metadata; the shared empty one when there are none. */
export function metadataOf(record: Readonly<Record<string, string>> | undefined): Metadata {
  let metadata: Metadata | undefined;
  for (const key in record) {
    metadata ??= new Metadata();
    metadata.set(key, record[key] as string);
  }
  return metadata ?? NO_METADATA;
}

/** `routeMux` multiplexes `route`: the key of the method a mux method serves, if `key` names one. */
export function muxedMethodOf(key: string): string | undefined {
  return key.endsWith('Mux') ? key.slice(0, -'Mux'.length) : undefined;
}

/** The ServiceError a plain call would have failed with, from a call's `status` frame (its trailers carry the IrError's kind). */
export function statusError(status: MuxStatus): ServiceError {
  const metadata = new Metadata();
  for (const key in status.trailers) metadata.set(key, status.trailers[key] as string);
  return serviceError(status.code, status.details, metadata);
}

/** A grpc-js ServiceError as a failed call's (callers map it with `GrpcCallError`, as a plain call's). */
export function serviceError(code: Status, details: string, metadata = new Metadata()): ServiceError {
  return Object.assign(new Error(`${code} ${Status[code]}: ${details}`), { code, details, metadata });
}
