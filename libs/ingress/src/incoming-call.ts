import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { PeerHop } from './region/peer-hop';
import { stampRequestIds } from './request-ids';

/** A data-path or model-list request as the pipeline works on it. */
export interface IncomingCall {
  /** Ours (minted by the ingress); the ledger's key. */
  requestId: string;
  /** The caller's own id, for correlation only (request-ids.ts). */
  clientRequestId: string | undefined;
  headers: IncomingHttpHeaders;
  query: Record<string, unknown> | undefined;
  body: string | undefined;
  /** The body's bytes, kept for a form upload (audio transcriptions), whose file is binary. */
  rawBody?: Buffer;
  clientIp: string;
  /** When the request arrived (performance.now(), a monotonic clock): its duration in the metrics starts here. */
  arrivedAt: number;
  /** The request's trace id when tracing is on (set by the tracing wiring), for the access line. */
  traceId: string | undefined;
  /** Path and query as sent (a spilled request goes to the peer as it came). */
  target?: string;
  /** Set when a peer region forwarded this request (a verified hop): it is not spilled again. */
  hop?: PeerHop;
  /** Whose known key admission refused, and the model asked for: the access line names them. */
  refusedAs?: { readonly tenantId: string; readonly keyId: string; readonly model: string };
  /**
   * Whose key the key gate passed, before the body was read: a request then refused for its body
   * (a 400 before the full admission, which needs the parsed model and size) is still audited.
   */
  keyOwner?: { readonly tenantId: string; readonly keyId: string };
}

/**
 * A request as the pipeline works on it; stamps x-request-id (ours) and x-client-request-id (the
 * caller's, when sent) on the response at once. The body is filled in later.
 */
export function incomingCall(req: IncomingMessage, res: ServerResponse): IncomingCall {
  const { requestId, clientRequestId } = stampRequestIds(req.headers, res);
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return {
    requestId,
    clientRequestId,
    headers: req.headers,
    query: q < 0 ? undefined : Object.fromEntries(new URLSearchParams(url.slice(q + 1))),
    body: undefined,
    clientIp: req.socket.remoteAddress ?? '',
    arrivedAt: performance.now(),
    traceId: undefined,
    target: url,
  };
}
