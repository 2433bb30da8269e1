import type { SecretBox } from '@switchyard/config';
import type { Database, Prisma, RequestAudit } from '@switchyard/db';
import { auditBodySealContext } from '@switchyard/shared';
import { AdminError } from '../http/admin.error';
import { decodeCursor, encodeCursor } from './request-audit.cursor';
import type { RequestAuditQuery, RequestAuditView } from './request-audit.routes';

/**
 * Reads the request audit for the admin API (docs/architecture.md, "Request audit and
 * residency"): filtered pages, newest first, and a row's sealed bodies, opened here only.
 */
export class RequestAuditReader {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox | undefined,
  ) {}

  async list(q: RequestAuditQuery): Promise<{ rows: RequestAuditView[]; nextCursor: string | null }> {
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const where: Prisma.RequestAuditWhereInput = {
      tenantId: q.tenant,
      keyId: q.key,
      model: q.model,
      outcome: q.outcome,
      ...(q.pii && { piiCategories: { has: q.pii } }),
      ...(q.region && { dataRegions: { has: q.region } }),
      ...((q.from || q.to) && { startedAt: { ...(q.from && { gte: new Date(q.from) }), ...(q.to && { lt: new Date(q.to) }) } }),
      ...(after && { OR: [{ startedAt: { lt: after.startedAt } }, { startedAt: after.startedAt, requestId: { lt: after.requestId } }] }),
    };
    // One more than asked says whether there is a next page without a count.
    const found = await this.db.prisma.requestAudit.findMany({ where, orderBy: [{ startedAt: 'desc' }, { requestId: 'desc' }], take: q.limit + 1, omit: { requestBody: true, responseBody: true } });
    const page = found.slice(0, q.limit);
    const withBodies = await this.captured(page.map((r) => r.requestId));
    const last = page.at(-1);
    return {
      rows: page.map((r) => viewOf(r, withBodies.has(r.requestId))),
      nextCursor: found.length > q.limit && last ? encodeCursor(last) : null,
    };
  }

  /** The row's bodies, opened; 404 for an unknown request, 409 without the secret box. */
  async bodies(requestId: string): Promise<{ requestId: string; requestBody: string | null; responseBody: string | null }> {
    const row = await this.db.prisma.requestAudit.findUnique({ where: { requestId }, select: { requestBody: true, responseBody: true } });
    if (!row) throw AdminError.notFound(`request "${requestId}" is not in the request audit`);
    if ((row.requestBody || row.responseBody) && !this.box) throw AdminError.conflict('captured bodies are sealed: set SWITCHYARD_SECRET_KEYS (with the key they were sealed with) to read them');
    return {
      requestId,
      requestBody: row.requestBody ? this.open(row.requestBody, requestId, 'request') : null,
      responseBody: row.responseBody ? this.open(row.responseBody, requestId, 'response') : null,
    };
  }

  private open(sealed: string, requestId: string, direction: 'request' | 'response'): string {
    try {
      return (this.box as SecretBox).open(sealed, auditBodySealContext(requestId, direction));
    } catch (err) {
      // The secret box's message names the context and key id, never the value.
      throw AdminError.conflict((err as Error).message);
    }
  }

  private async captured(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.prisma.requestAudit.findMany({ where: { requestId: { in: ids }, OR: [{ requestBody: { not: null } }, { responseBody: { not: null } }] }, select: { requestId: true } });
    return new Set(rows.map((r) => r.requestId));
  }
}

function viewOf(r: Omit<RequestAudit, 'requestBody' | 'responseBody'>, bodiesCaptured: boolean): RequestAuditView {
  return {
    requestId: r.requestId,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt.toISOString(),
    tenantId: r.tenantId,
    keyId: r.keyId,
    clientIp: r.clientIp,
    clientRequestId: r.clientRequestId,
    endpoint: r.endpoint,
    dialect: r.dialect,
    model: r.model,
    providerId: r.providerId,
    deploymentId: r.deploymentId,
    deploymentRegion: r.deploymentRegion,
    dataRegions: r.dataRegions,
    region: r.region,
    outcome: r.outcome as RequestAuditView['outcome'],
    httpStatus: r.httpStatus,
    errorKind: r.errorKind,
    piiAction: r.piiAction,
    piiCategories: r.piiCategories,
    bodiesCaptured,
  };
}
