import { Controller, Inject, UseFilters, UseGuards } from '@nestjs/common';
import { ADMIN_OPTIONS, type AdminOptions } from '../admin.options';
import { AdminErrorFilter } from '../http/admin-error.filter';
import { AdminInput } from '../http/admin-input.decorator';
import { AdminRoute, type RouteInput, type RouteOutput } from '../http/admin-route';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { getUsage, listUsageRejects } from './usage.routes';

@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class UsageController {
  constructor(@Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'billing' | 'db'>) {}

  @AdminRoute(getUsage)
  async usage(@AdminInput() { query }: RouteInput<typeof getUsage>): Promise<RouteOutput<typeof getUsage>> {
    const res = await this.options.billing.getUsage({
      tenantId: query.tenant ?? '', keyId: query.key ?? '', model: query.model ?? '', fromDay: query.from ?? '', toDay: query.to ?? '', clientRequestId: query.clientRequestId ?? '',
    });
    return {
      rows: (res.rows).map((r) => ({
        day: r.day,
        tenantId: r.tenantId,
        keyId: r.keyId,
        model: r.model,
        requests: r.requests,
        inputTokens: r.inputTokens,
        outputTokens: r.outputTokens,
        costUsd: r.costUsd,
        upstreamCostUsd: r.upstreamCostUsd ?? null,
        marginUsd: r.marginUsd ?? null,
        costedRequests: r.costedRequests,
      })),
    };
  }

  /** Read from the ledger's database directly, like the audit log: it is small and operator-only. */
  @AdminRoute(listUsageRejects)
  async rejects(@AdminInput() { query }: RouteInput<typeof listUsageRejects>): Promise<RouteOutput<typeof listUsageRejects>> {
    const rows = await this.options.db.prisma.usageReject.findMany({
      where: { tenantId: query.tenant, requestId: query.requestId, ...(query.before && { rejectedAt: { lt: new Date(query.before) } }) },
      orderBy: [{ rejectedAt: 'desc' }, { requestId: 'desc' }],
      take: query.limit,
    });
    return { rows: rows.map((r) => ({ ...r, rejectedAt: r.rejectedAt.toISOString() })) };
  }
}
