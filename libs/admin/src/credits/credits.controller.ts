import { Controller, UseFilters, UseGuards } from '@nestjs/common';
import { AdminErrorFilter } from '../http/admin-error.filter';
import { AdminInput } from '../http/admin-input.decorator';
import { AdminRoute, type RouteInput, type RouteOutput } from '../http/admin-route';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { createCredit, getBalance, listCredits, runReconcile } from './credit.routes';
import { CreditsAdminService } from './credits-admin.service';

@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class CreditsController {
  constructor(private readonly credits: CreditsAdminService) {}

  @AdminRoute(createCredit)
  create(@AdminInput() input: RouteInput<typeof createCredit>): Promise<RouteOutput<typeof createCredit>> {
    return this.credits.create(input.audit, input.params.tenantId, input.body);
  }

  @AdminRoute(listCredits)
  async list(@AdminInput() input: RouteInput<typeof listCredits>): Promise<RouteOutput<typeof listCredits>> {
    return { entries: await this.credits.list(input.params.tenantId, input.query.before, input.query.limit) };
  }

  @AdminRoute(getBalance)
  balance(@AdminInput() input: RouteInput<typeof getBalance>): Promise<RouteOutput<typeof getBalance>> {
    return this.credits.balance(input.params.tenantId);
  }

  @AdminRoute(runReconcile)
  reconcile(): Promise<RouteOutput<typeof runReconcile>> {
    return this.credits.reconcile();
  }
}
