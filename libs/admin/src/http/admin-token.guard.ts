import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ADMIN_OPTIONS, type AdminOptions } from '../admin.options';
import type { AdminPrincipal } from '../roles/admin-principal';
import { AdminPrincipalResolver } from '../roles/admin-principal.resolver';
import { authorizeRoute } from '../roles/route-access.policy';
import { AdminError } from './admin.error';
import { ADMIN_ROUTE, type AdminRouteSpec } from './admin-route';

/** The request once the guard let it through: who made it (read by `@AdminInput` for the audit log). */
export type AdminRequest = FastifyRequest & { adminPrincipal?: AdminPrincipal };

/**
 * Every admin route: who calls (bearer token: bootstrap, named or OIDC; 401 otherwise), then
 * whether their role may call this route (its spec's `access`; 403, or 404 for another
 * tenant's object). 404 for all of them when no bootstrap token is configured.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(
    @Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'token'>,
    private readonly principals: AdminPrincipalResolver,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (!this.options.token) throw AdminError.notFound('The admin API is disabled: no admin token is configured.');
    const req = ctx.switchToHttp().getRequest<AdminRequest>();
    const principal = await this.principals.resolve(req.headers.authorization);
    const spec = Reflect.getMetadata(ADMIN_ROUTE, ctx.getHandler()) as AdminRouteSpec | undefined;
    // Without a spec (the unknown-route wildcard) there is nothing to reach: it answers 404.
    if (spec) authorizeRoute(principal, spec, req);
    req.adminPrincipal = principal;
    return true;
  }
}
