import type { MuxCancel } from '@switchyard/ir';

/**
 * A client frame of a `<Rpc>Mux` method (RouteFrame, GenerateFrame): the generated types differ
 * only in the request they carry.
 */
export interface MuxFrame<Req> {
  callId: number;
  frame?: { $case: 'request'; value: Req } | { $case: 'cancel'; value: MuxCancel } | undefined;
  metadata: { [key: string]: string };
}

/** `routeMux` multiplexes `route`: the key of the method a mux method serves, if `key` names one. */
export function muxedMethodOf(key: string): string | undefined {
  return key.endsWith('Mux') ? key.slice(0, -'Mux'.length) : undefined;
}
