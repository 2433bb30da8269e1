import { Controller, Headers, Inject, Res, UseFilters, UseGuards } from '@nestjs/common';
import { queryUsageRollups, ROLLUP_DIMENSIONS } from '@switchyard/db';
import type { FastifyReply } from 'fastify';
import { ADMIN_OPTIONS, type AdminOptions } from '../admin.options';
import { AdminErrorFilter } from '../http/admin-error.filter';
import { AdminInput } from '../http/admin-input.decorator';
import { AdminRoute, type RouteInput, type RouteOutput } from '../http/admin-route';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { CreditsStatementSection } from './credits-statement.section';
import { wantsCsv } from './csv.writer';
import { PlanStatementSection } from './plan-statement.section';
import { getStatement, getUsageRollups } from './report.routes';
import { rollupsCsv, statementCsv } from './report.csv';
import { StatementBuilder } from './statement.builder';

const CSV = 'text/csv; charset=utf-8';

/** Usage rollups and monthly statements (issue 16), read from the rollup tables like the audit log: operator-only. */
@Controller()
@UseGuards(AdminTokenGuard)
@UseFilters(AdminErrorFilter)
export class ReportsController {
  private readonly statements: StatementBuilder;

  constructor(@Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'db' | 'statementSections' | 'planPricer'>) {
    this.statements = new StatementBuilder(options.db, options.statementSections ?? [new PlanStatementSection(options.planPricer), new CreditsStatementSection()]);
  }

  @AdminRoute(getUsageRollups)
  async rollups(
    @AdminInput() { query, withheld }: RouteInput<typeof getUsageRollups>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RouteOutput<typeof getUsageRollups> | string> {
    const groupBy = query.groupBy ?? ROLLUP_DIMENSIONS;
    const { tenant, key, model, provider, region } = query;
    const page = await queryUsageRollups(this.options.db, { ...query, groupBy, filters: { tenant, key, model, provider, region } });
    if (!wantsCsv(accept)) return page;
    void reply.header('content-type', CSV);
    if (page.nextOffset !== null) void reply.header('x-next-offset', String(page.nextOffset));
    return rollupsCsv(page.rows, groupBy, withheld);
  }

  @AdminRoute(getStatement)
  async statement(
    @AdminInput() { params, withheld }: RouteInput<typeof getStatement>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RouteOutput<typeof getStatement> | string> {
    const statement = await this.statements.build(params.tenantId, params.month);
    if (!wantsCsv(accept)) return statement;
    void reply.header('content-type', CSV).header('content-disposition', `attachment; filename="statement-${params.tenantId}-${params.month}.csv"`);
    return statementCsv(statement, withheld);
  }
}
