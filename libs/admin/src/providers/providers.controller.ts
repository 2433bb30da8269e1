import { Controller, UseFilters, UseGuards } from '@nestjs/common';
import { AdminErrorFilter } from '../http/admin-error.filter';
import { AdminInput } from '../http/admin-input.decorator';
import { AdminRoute, type RouteInput, type RouteOutput } from '../http/admin-route';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { createProvider, deleteProvider, getProvider, listProviders, updateProvider } from './provider.routes';
import { ProvidersAdminService } from './providers-admin.service';

@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class ProvidersController {
  constructor(private readonly providers: ProvidersAdminService) {}

  @AdminRoute(listProviders)
  async list(): Promise<RouteOutput<typeof listProviders>> {
    return { providers: await this.providers.list() };
  }

  @AdminRoute(getProvider)
  get(@AdminInput() { params }: RouteInput<typeof getProvider>): Promise<RouteOutput<typeof getProvider>> {
    return this.providers.get(params.providerId);
  }

  @AdminRoute(createProvider)
  create(@AdminInput() { body, audit }: RouteInput<typeof createProvider>): Promise<RouteOutput<typeof createProvider>> {
    return this.providers.create(audit, body);
  }

  @AdminRoute(updateProvider)
  update(@AdminInput() { params, body, audit }: RouteInput<typeof updateProvider>): Promise<RouteOutput<typeof updateProvider>> {
    return this.providers.update(audit, params.providerId, body);
  }

  @AdminRoute(deleteProvider)
  remove(@AdminInput() { params, audit }: RouteInput<typeof deleteProvider>): Promise<RouteOutput<typeof deleteProvider>> {
    return this.providers.remove(audit, params.providerId);
  }
}
