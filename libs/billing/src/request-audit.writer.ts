import { Logger } from '@nestjs/common';
import { Database, isUsageDataError, recordRequestAudit, type RequestAuditInput, type RequestAuditOutcome } from '@switchyard/db';
import { Dialect, ErrorKind, type UsageEvent } from '@switchyard/ir';
import { storableText } from '@switchyard/shared';

/**
 * The request audit's writer (docs/architecture.md, "Request audit and residency"): one row per
 * usage event, refused requests' audit-only events included, idempotent on the request id, so
 * a batch the queue delivers again adds nothing. Like the ledger, one bad row never takes its
 * batch with it: on a data error each row is tried alone and a bad one is logged and dropped
 * (its usage, if any, went to the ledger or to usage_rejects already); an outage fails the call
 * so the queue retries the batch.
 */
export class RequestAuditWriter {
  private readonly log = new Logger(RequestAuditWriter.name);

  constructor(private readonly db: Database) {}

  async write(events: readonly UsageEvent[]): Promise<number> {
    return this.writeRows(this.rowsOf(events));
  }

  /** The audit rows of a batch; a malformed event is logged and has none. */
  rowsOf(events: readonly UsageEvent[]): RequestAuditInput[] {
    const rows: RequestAuditInput[] = [];
    for (const e of events) {
      try {
        rows.push(auditRowOf(e));
      } catch (err) {
        this.log.error(`request ${e.requestId ?? '?'}: no audit row, the event is malformed: ${(err as Error).message}`);
      }
    }
    return rows;
  }

  /** Stores rows in one statement; on a data error, row by row, dropping (and logging) the bad ones. */
  async writeRows(rows: readonly RequestAuditInput[]): Promise<number> {
    try {
      return await recordRequestAudit(this.db, rows);
    } catch (err) {
      if (!isUsageDataError(err)) throw err;
      let inserted = 0;
      for (const row of rows) inserted += await this.writeOne(row);
      return inserted;
    }
  }

  private async writeOne(row: RequestAuditInput): Promise<number> {
    try {
      return await recordRequestAudit(this.db, [row]);
    } catch (err) {
      if (!isUsageDataError(err)) throw err;
      this.log.error(`request ${row.requestId}: audit row refused by the database: ${(err as Error).message}`);
      return 0;
    }
  }
}

/** The audit row of a usage event; strings made storable, as the ledger's are. */
function auditRowOf(e: UsageEvent): RequestAuditInput {
  const a = e.audit;
  const startedAt = new Date(e.startedAt ?? Date.now());
  const finishedAt = new Date(e.finishedAt || e.startedAt || Date.now());
  if (Number.isNaN(startedAt.getTime()) || Number.isNaN(finishedAt.getTime())) throw new Error('startedAt or finishedAt is not a time');
  return {
    requestId: storableText(e.requestId ?? ''),
    tenantId: storableText(e.tenantId ?? ''),
    keyId: storableText(e.keyId ?? ''),
    clientIp: a?.clientIp ? storableText(a.clientIp) : null,
    clientRequestId: e.clientRequestId ? storableText(e.clientRequestId) : null,
    endpoint: storableText(a?.endpoint ?? ''),
    dialect: (Dialect[e.dialect ?? Dialect.DIALECT_UNSPECIFIED] ?? 'DIALECT_UNSPECIFIED').replace('DIALECT_', '').toLowerCase(),
    model: storableText(e.model ?? ''),
    providerId: e.providerId ? storableText(e.providerId) : null,
    deploymentId: e.deploymentId ? storableText(e.deploymentId) : null,
    deploymentRegion: e.deploymentRegion ? storableText(e.deploymentRegion) : null,
    dataRegions: (a?.dataRegions ?? []).map(storableText),
    region: e.region ? storableText(e.region) : null,
    outcome: outcomeOf(e),
    httpStatus: e.httpStatus ?? 0,
    errorKind: e.errorKind ? (ErrorKind[e.errorKind] ?? 'ERROR_KIND_UNRECOGNIZED').replace('ERROR_KIND_', '').toLowerCase() : null,
    piiAction: a?.piiAction ? storableText(a.piiAction) : null,
    piiCategories: (a?.piiCategories ?? []).map(storableText),
    // Sealed by the ingress: base64url text, storable as it is.
    requestBody: a?.requestBody ?? null,
    responseBody: a?.responseBody ?? null,
    startedAt,
    finishedAt,
  };
}

function outcomeOf(e: UsageEvent): RequestAuditOutcome {
  // Refused: turned away before any upstream was tried (no provider), and not billed.
  if (e.audit?.auditOnly && !e.providerId && (e.httpStatus ?? 0) >= 400) return 'refused';
  return e.status === 'error' || e.status === 'aborted' ? e.status : 'ok';
}
