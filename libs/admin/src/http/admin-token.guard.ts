import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { isAdmin } from '@switchyard/shared';
import type { FastifyRequest } from 'fastify';
import { ADMIN_OPTIONS, type AdminOptions } from '../admin.options';
import { AdminError } from './admin.error';

/** Bearer admin token on every admin route; 404 for all of them when no token is configured. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'token'>) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (!this.options.token) throw AdminError.notFound('The admin API is disabled: no admin token is configured.');
    const req = ctx.switchToHttp().getRequest<FastifyRequest>();
    if (!isAdmin(req.headers.authorization, this.options.token)) throw new AdminError('unauthorized', 'A valid admin bearer token is required.');
    return true;
  }
}
