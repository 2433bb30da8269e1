import { Controller, UseFilters, UseGuards } from '@nestjs/common';
import { AdminErrorFilter } from '../http/admin-error.filter';
import { AdminInput } from '../http/admin-input.decorator';
import { AdminRoute, type RouteInput, type RouteOutput } from '../http/admin-route';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { createPlan, deletePlan, getPlan, listPlans, updatePlan } from './plan.routes';
import { PlansAdminService } from './plans-admin.service';

@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class PlansController {
  constructor(private readonly plans: PlansAdminService) {}

  @AdminRoute(listPlans)
  async list(): Promise<RouteOutput<typeof listPlans>> {
    return { plans: await this.plans.list() };
  }

  @AdminRoute(getPlan)
  get(@AdminInput() input: RouteInput<typeof getPlan>): Promise<RouteOutput<typeof getPlan>> {
    return this.plans.get(input.params.planId);
  }

  @AdminRoute(createPlan)
  create(@AdminInput() input: RouteInput<typeof createPlan>): Promise<RouteOutput<typeof createPlan>> {
    return this.plans.create(input.audit, input.body);
  }

  @AdminRoute(updatePlan)
  update(@AdminInput() input: RouteInput<typeof updatePlan>): Promise<RouteOutput<typeof updatePlan>> {
    return this.plans.update(input.audit, input.params.planId, input.body);
  }

  @AdminRoute(deletePlan)
  remove(@AdminInput() input: RouteInput<typeof deletePlan>): Promise<RouteOutput<typeof deletePlan>> {
    return this.plans.remove(input.audit, input.params.planId);
  }
}
