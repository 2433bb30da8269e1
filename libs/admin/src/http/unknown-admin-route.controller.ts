import { All, Controller, Req, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AdminErrorFilter } from './admin-error.filter';
import { AdminError } from './admin.error';
import { AdminTokenGuard } from './admin-token.guard';

/**
 * Any other path or method under /admin/v1: 404 in the admin API's error shape (and, like every
 * admin route, 401 without the token and 404 when the API is disabled). The router prefers
 * every declared route over this wildcard.
 */
@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class UnknownAdminRouteController {
  @All('admin/v1/*')
  unknown(@Req() req: FastifyRequest): never {
    throw AdminError.notFound(`Unknown route ${req.method} ${req.url.split('?')[0]}`);
  }
}
