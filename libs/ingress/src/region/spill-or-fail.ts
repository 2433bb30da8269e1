import { type ErrorEvent, IrError } from '@switchyard/ir';
import type { AdmittedCall } from '../admitted-call';
import type { PeerSpill } from './peer-spill';

/**
 * A failure before anything was answered, for any operation (chat, embeddings, token counts).
 * When the router had no usable deployment at all and a peer region may serve the tenant, the
 * request goes there (`PeerSpill`) and the peer's answer is the client's (the call is marked
 * spilled: the peer records its usage); else (or when no peer could) the failure is thrown, with
 * the hops tried.
 */
export async function spillOrFail(spill: PeerSpill | undefined, admitted: AdmittedCall<unknown, unknown>, error: ErrorEvent): Promise<void> {
  const { call, admission } = admitted;
  if (!error.noUsableDeployment || !spill || call.body === undefined || call.target === undefined) throw IrError.fromEvent(error);
  const req = {
    target: call.target,
    headers: call.headers,
    body: call.body,
    keyHash: admitted.keyHash,
    clientIp: call.clientIp,
    model: admitted.model,
    allowedRegions: admission.principal.allowedRegions,
    hop: call.hop,
    signal: admitted.signal,
  };
  if (await spill.forward(req, error, admitted.res)) {
    admitted.spilled = true;
    return;
  }
  throw IrError.fromEvent(error);
}
