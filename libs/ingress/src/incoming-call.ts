import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IncomingCall } from './chat-pipeline.service';
import { stampRequestIds } from './request-ids';

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
  };
}
