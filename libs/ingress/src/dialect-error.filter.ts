import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { RenderedBody } from '@switchyard/dialects';
import { ErrorKind, IrError } from '@switchyard/ir';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderEdgeError } from './edge-error.render';
import { payloadTooLarge } from './ingress-errors';
import { REQUEST_ID_HEADER, stampRequestIds } from './request-ids';
import { sendBody } from './response-writer';

/**
 * Errors raised outside a chat handler — body too large or unreadable (Fastify's content
 * parser), unknown route, anything unexpected — reach the client in the dialect its URL
 * implies (the admin API's own error shape under /admin/), never as Nest's default JSON.
 */
@Catch()
export class DialectErrorFilter implements ExceptionFilter {
  private readonly log = new Logger(DialectErrorFilter.name);

  constructor(private readonly maxBodyBytes: number) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const req = http.getRequest<FastifyRequest>();
    // Routes that write the raw response hijack the reply, which marks it sent to Fastify:
    // only the socket knows whether anything went out.
    if (reply.raw.headersSent) return;
    if (exception instanceof IrError) {
      // A dependency's typed failure (auth unreachable → 503) keeps its kind.
      return this.send(req, reply, renderEdgeError(req.url, exception.toEvent()));
    }
    const status = exception instanceof HttpException ? exception.getStatus() : ((exception as { statusCode?: number }).statusCode ?? 500);
    if (status >= 500) this.log.error(`unhandled error on ${req.method} ${req.url}: ${(exception as Error).stack ?? String(exception)}`);
    this.send(req, reply, renderEdgeError(req.url, { kind: kindOf(status), message: messageOf(status, exception, req, this.maxBodyBytes), providerStatus: 0, retryable: false, retryAfterMs: 0, param: '', attemptLog: [] }));
  }

  private send(req: FastifyRequest, reply: FastifyReply, r: RenderedBody): void {
    const res = reply.raw;
    if (!res.hasHeader(REQUEST_ID_HEADER)) stampRequestIds(req.headers, res);
    sendBody(res, r.status, r.body, r.headers);
  }
}

function kindOf(status: number): ErrorKind {
  if (status === 404) return ErrorKind.ERROR_KIND_NOT_FOUND;
  if (status === 413) return ErrorKind.ERROR_KIND_PAYLOAD_TOO_LARGE;
  if (status < 500) return ErrorKind.ERROR_KIND_INVALID_REQUEST;
  return ErrorKind.ERROR_KIND_INTERNAL;
}

function messageOf(status: number, exception: unknown, req: FastifyRequest, maxBodyBytes: number): string {
  if (status === 404) return `Unknown route ${req.method} ${req.url.split('?')[0]}`;
  if (status === 413) return payloadTooLarge(maxBodyBytes).message;
  if (status < 500) return (exception as Error).message;
  return 'internal error';
}
