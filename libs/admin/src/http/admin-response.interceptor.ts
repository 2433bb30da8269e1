import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { BOOTSTRAP_PRINCIPAL } from '../roles/admin-principal';
import { omitFields, withheldResponseFields } from '../roles/route-response.filter';
import type { AdminRouteSpec } from './admin-route';
import type { AdminRequest } from './admin-token.guard';

/**
 * One admin route's JSON answer on its way out (`@AdminRoute` mounts one per route): the
 * fields its spec keeps for operator staff (`access.platformResponseFields`) are left out for
 * a tenant admin, here and only here, so no handler can forget it. A CSV answer is text: its
 * handler passes `RouteInput.withheld` to `toCsv`, which leaves out those columns.
 */
export class AdminResponseInterceptor implements NestInterceptor {
  constructor(private readonly spec: Pick<AdminRouteSpec, 'access'>) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    // The guard set the principal; the bootstrap admin otherwise, as for the audit log (route-input.parser.ts).
    const principal = ctx.switchToHttp().getRequest<AdminRequest>().adminPrincipal ?? BOOTSTRAP_PRINCIPAL;
    const withheld = withheldResponseFields(principal, this.spec);
    return withheld.size === 0 ? next.handle() : next.handle().pipe(map((body: unknown) => omitFields(body, withheld)));
  }
}
