import { Controller, UseFilters, UseGuards } from '@nestjs/common';
import { AdminErrorFilter } from '../http/admin-error.filter';
import { AdminInput } from '../http/admin-input.decorator';
import { AdminRoute, type RouteInput, type RouteOutput } from '../http/admin-route';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { createModel, createPrice, deleteModel, getModel, listModels, listPrices, replaceDeployments, updateModel } from './model.routes';
import { ModelsAdminService } from './models-admin.service';

@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class ModelsController {
  constructor(private readonly models: ModelsAdminService) {}

  @AdminRoute(listModels)
  async list(): Promise<RouteOutput<typeof listModels>> {
    return { models: await this.models.list() };
  }

  @AdminRoute(getModel)
  get(@AdminInput() { params }: RouteInput<typeof getModel>): Promise<RouteOutput<typeof getModel>> {
    return this.models.get(params.model);
  }

  @AdminRoute(createModel)
  create(@AdminInput() { body, audit }: RouteInput<typeof createModel>): Promise<RouteOutput<typeof createModel>> {
    return this.models.create(audit, body);
  }

  @AdminRoute(updateModel)
  update(@AdminInput() { params, body, audit }: RouteInput<typeof updateModel>): Promise<RouteOutput<typeof updateModel>> {
    return this.models.update(audit, params.model, body);
  }

  @AdminRoute(replaceDeployments)
  replaceDeployments(@AdminInput() { params, body, audit }: RouteInput<typeof replaceDeployments>): Promise<RouteOutput<typeof replaceDeployments>> {
    return this.models.replaceDeployments(audit, params.model, body.deployments);
  }

  @AdminRoute(deleteModel)
  remove(@AdminInput() { params, audit }: RouteInput<typeof deleteModel>): Promise<RouteOutput<typeof deleteModel>> {
    return this.models.remove(audit, params.model);
  }

  @AdminRoute(listPrices)
  async listPrices(@AdminInput() { params }: RouteInput<typeof listPrices>): Promise<RouteOutput<typeof listPrices>> {
    return { prices: await this.models.listPrices(params.model) };
  }

  @AdminRoute(createPrice)
  createPrice(@AdminInput() { params, body, audit }: RouteInput<typeof createPrice>): Promise<RouteOutput<typeof createPrice>> {
    return this.models.createPrice(audit, params.model, body);
  }
}
