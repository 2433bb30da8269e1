import { Controller, Inject, UseFilters, UseGuards } from '@nestjs/common';
import { ADMIN_OPTIONS, type AdminOptions } from '../admin.options';
import { AdminErrorFilter } from '../http/admin-error.filter';
import { AdminInput } from '../http/admin-input.decorator';
import { AdminRoute, type RouteInput, type RouteOutput } from '../http/admin-route';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { getUsage } from './usage.routes';

@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class UsageController {
  constructor(@Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'billing'>) {}

  @AdminRoute(getUsage)
  async usage(@AdminInput() { query }: RouteInput<typeof getUsage>): Promise<RouteOutput<typeof getUsage>> {
    const res = await this.options.billing.getUsage({ tenantId: query.tenant, keyId: query.key, model: query.model, fromDay: query.from, toDay: query.to });
    return {
      rows: (res.rows ?? []).map((r) => ({
        day: r.day ?? '',
        tenantId: r.tenantId ?? '',
        keyId: r.keyId ?? '',
        model: r.model ?? '',
        requests: r.requests ?? 0,
        inputTokens: r.inputTokens ?? 0,
        outputTokens: r.outputTokens ?? 0,
        costUsd: r.costUsd ?? 0,
      })),
    };
  }
}
