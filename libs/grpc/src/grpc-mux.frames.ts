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

/** `routeMux` multiplexes `route`: the key of the method a mux method serves, if `key` names one. */
export function muxedMethodOf(key: string): string | undefined {
  return key.endsWith('Mux') ? key.slice(0, -'Mux'.length) : undefined;
}
