import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { Prisma } from '@switchyard/db';
import { IrError, httpStatusOf } from '@switchyard/ir';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from './admin.error';

/** Every failure of an admin route as `{"error":{"type","message"}}`; unexpected ones logged, not shown. */
@Catch()
export class AdminErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('AdminApi');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const req = http.getRequest<FastifyRequest>();
    const error = this.toAdminError(exception, req);
    void reply.code(error.status).header('cache-control', 'no-store').send(error.toBody());
  }

  private toAdminError(exception: unknown, req: FastifyRequest): AdminError {
    if (exception instanceof AdminError) return exception;
    if (exception instanceof IrError) {
      // A dependency's typed failure: billing refusing a query, or unreachable.
      const status = httpStatusOf(exception.kind);
      if (status === 400) return AdminError.invalid(exception.message);
      this.log.warn(`${req.method} ${req.url}: ${exception.message}`);
      return new AdminError('unavailable', 'a service the admin API depends on is unavailable');
    }
    if (exception instanceof Prisma.PrismaClientKnownRequestError) {
      // The services check first; these are the races between two admins (create vs create,
      // delete vs update) that a check cannot close.
      if (exception.code === 'P2002') return AdminError.conflict('it already exists (created concurrently)');
      if (exception.code === 'P2025') return AdminError.notFound('it no longer exists (deleted concurrently)');
      if (exception.code === 'P2003') return AdminError.conflict('it is still referenced (changed concurrently)');
    }
    const status = exception instanceof HttpException ? exception.getStatus() : (exception as { statusCode?: number }).statusCode;
    if (status === 404) return AdminError.notFound(`Unknown route ${req.method} ${req.url.split('?')[0]}`);
    if (status !== undefined && status >= 400 && status < 500) return AdminError.invalid((exception as Error).message);
    this.log.error(`${req.method} ${req.url}: ${(exception as Error).stack ?? String(exception)}`);
    return new AdminError('internal', 'internal error');
  }
}
