import { Controller, Inject, UseFilters, UseGuards } from '@nestjs/common';
import { ADMIN_OPTIONS, type AdminOptions } from '../admin.options';
import { AdminErrorFilter } from '../http/admin-error.filter';
import { AdminError } from '../http/admin.error';
import { AdminRoute, type RouteOutput } from '../http/admin-route';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { getRegion } from './region.routes';

@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class RegionController {
  constructor(@Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'region'>) {}

  @AdminRoute(getRegion)
  async region(): Promise<RouteOutput<typeof getRegion>> {
    if (!this.options.region) throw AdminError.notFound('This process does not report region readiness.');
    return this.options.region.report();
  }
}
