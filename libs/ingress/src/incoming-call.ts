import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IncomingCall } from './chat-pipeline.service';
import { requestIdOf } from './credentials';

/**
 * A request as the pipeline works on it; stamps x-request-id on the response at once, so every
 * answer carries it, errors before the body was read included. The body is filled in later.
 */
export function incomingCall(req: IncomingMessage, res: ServerResponse): IncomingCall {
  const requestId = requestIdOf(req.headers, randomUUID);
  res.setHeader('x-request-id', requestId);
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return {
    requestId,
    headers: req.headers,
    query: q < 0 ? undefined : Object.fromEntries(new URLSearchParams(url.slice(q + 1))),
    body: undefined,
    clientIp: req.socket.remoteAddress ?? '',
  };
}
