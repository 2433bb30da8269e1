import { Controller, UseFilters, UseGuards } from '@nestjs/common';
import { AdminErrorFilter } from '../http/admin-error.filter';
import { AdminInput } from '../http/admin-input.decorator';
import { AdminRoute, type RouteInput, type RouteOutput } from '../http/admin-route';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { createTenant, deleteTenant, getTenant, listTenants, updateTenant } from './tenant.routes';
import { TenantsAdminService } from './tenants-admin.service';

@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class TenantsController {
  constructor(private readonly tenants: TenantsAdminService) {}

  @AdminRoute(listTenants)
  async list(): Promise<RouteOutput<typeof listTenants>> {
    return { tenants: await this.tenants.list() };
  }

  @AdminRoute(getTenant)
  get(@AdminInput() input: RouteInput<typeof getTenant>): Promise<RouteOutput<typeof getTenant>> {
    return this.tenants.get(input.params.tenantId);
  }

  @AdminRoute(createTenant)
  create(@AdminInput() input: RouteInput<typeof createTenant>): Promise<RouteOutput<typeof createTenant>> {
    return this.tenants.create(input.audit, input.body);
  }

  @AdminRoute(updateTenant)
  update(@AdminInput() input: RouteInput<typeof updateTenant>): Promise<RouteOutput<typeof updateTenant>> {
    return this.tenants.update(input.audit, input.params.tenantId, input.body);
  }

  @AdminRoute(deleteTenant)
  remove(@AdminInput() input: RouteInput<typeof deleteTenant>): Promise<RouteOutput<typeof deleteTenant>> {
    return this.tenants.remove(input.audit, input.params.tenantId);
  }
}
