import { Controller, Headers, Inject, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ADMIN_OPTIONS, type AdminOptions } from '../admin.options';
import { AdminErrorFilter } from '../http/admin-error.filter';
import { AdminInput } from '../http/admin-input.decorator';
import { AdminRoute, type RouteInput, type RouteOutput } from '../http/admin-route';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { requestAuditCsv } from './request-audit.csv';
import { RequestAuditReader } from './request-audit.reader';
import { getRequestAuditBodies, listRequestAudit } from './request-audit.routes';

/** GET /admin/v1/audit/requests (JSON or, with Accept: text/csv, CSV) and a row's opened bodies. */
@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class RequestAuditController {
  private readonly reader: RequestAuditReader;

  constructor(@Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'db' | 'secretBox'>) {
    this.reader = new RequestAuditReader(options.db, options.secretBox);
  }

  @AdminRoute(listRequestAudit)
  async list(
    @AdminInput() { query }: RouteInput<typeof listRequestAudit>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RouteOutput<typeof listRequestAudit> | string> {
    const page = await this.reader.list(query);
    if (!accept?.includes('text/csv')) return page;
    reply.header('content-type', 'text/csv; charset=utf-8');
    if (page.nextCursor) reply.header('x-next-cursor', page.nextCursor);
    return requestAuditCsv(page.rows);
  }

  @AdminRoute(getRequestAuditBodies)
  async bodies(@AdminInput() { params, audit }: RouteInput<typeof getRequestAuditBodies>): Promise<RouteOutput<typeof getRequestAuditBodies>> {
    const opened = await this.reader.bodies(params.requestId);
    // Who saw a request's content is part of the audit (issue 18: "who could see it").
    if (opened.requestBody !== null || opened.responseBody !== null) {
      await this.options.db.prisma.auditLog.create({ data: { actor: audit.actor, action: 'read', entity: 'request-bodies', entityId: params.requestId, sourceIp: audit.sourceIp ?? null } });
    }
    return opened;
  }
}
