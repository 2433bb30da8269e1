import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AdminError } from './admin.error';
import { ADMIN_ROUTE, type AdminRouteSpec } from './admin-route';
import type { AdminRequest } from './admin-token.guard';
import { parseRouteInput } from './route-input.parser';

/** The handler's validated input ({@link RouteInput}) for the route its `@AdminRoute` declares. */
export const AdminInput = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const spec = Reflect.getMetadata(ADMIN_ROUTE, ctx.getHandler()) as AdminRouteSpec | undefined;
  if (!spec) throw new AdminError('internal', 'route without @AdminRoute');
  const req = ctx.switchToHttp().getRequest<AdminRequest>();
  return parseRouteInput(spec, { params: req.params, query: req.query, body: req.body, headers: req.headers, socketIp: req.socket.remoteAddress, principal: req.adminPrincipal });
});
