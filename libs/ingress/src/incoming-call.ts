import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingCall } from './chat-pipeline.service';
import { requestIdOf } from './credentials';

/** Fastify request → the transport-free call the pipeline works on; stamps x-request-id. */
export function incomingCall(req: FastifyRequest, reply: FastifyReply): IncomingCall {
  const requestId = requestIdOf(req.headers, randomUUID);
  reply.raw.setHeader('x-request-id', requestId);
  return {
    requestId,
    headers: req.headers,
    query: req.query as Record<string, unknown> | undefined,
    body: typeof req.body === 'string' ? req.body : undefined,
    clientIp: req.ip,
  };
}
