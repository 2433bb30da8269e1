import { Controller, Inject, UseFilters, UseGuards } from '@nestjs/common';
import { ADMIN_OPTIONS, type AdminOptions } from '../admin.options';
import { AdminErrorFilter } from '../http/admin-error.filter';
import { AdminInput } from '../http/admin-input.decorator';
import { AdminRoute, type RouteInput, type RouteOutput } from '../http/admin-route';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { listAudit } from './audit.routes';

@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class AuditController {
  constructor(@Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'db'>) {}

  @AdminRoute(listAudit)
  async list(@AdminInput() { query }: RouteInput<typeof listAudit>): Promise<RouteOutput<typeof listAudit>> {
    const rows = await this.options.db.prisma.auditLog.findMany({
      where: {
        entity: query.entity,
        entityId: query.entityId,
        actor: query.actor,
        // Keys and admin tokens carry their tenant in their audited state.
        ...(query.tenant && {
          // Keys written by the admin API hold tenantId, keys applied from switchyard.yaml tenant.
          OR: [
            { entity: 'tenant', entityId: query.tenant },
            ...(['tenantId', 'tenant'] as const).flatMap((field) => [{ after: { path: [field], equals: query.tenant } }, { before: { path: [field], equals: query.tenant } }]),
          ],
        }),
        ...(query.before && { at: { lt: new Date(query.before) } }),
      },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: query.limit,
    });
    return { rows: rows.map((r) => ({ ...r, at: r.at.toISOString() })) };
  }
}
