import { Logger } from '@nestjs/common';
import { Database, USAGE_STATUSES, UsageRecordInput, UsageRejectInput, UsageStatus, isUsageDataError, recordUsageBatch, recordUsageRejects, recordUsageWithAudit } from '@switchyard/db';
import { Dialect, ErrorKind, UsageEvent } from '@switchyard/ir';
import { nanosToDecimal, storableJson, storableText } from '@switchyard/shared';
import { TRACING } from '@switchyard/telemetry';
import { type Charge, PriceBook } from './price-book';
import { RequestAuditWriter } from './request-audit.writer';
import { UsageRecordSpans } from './usage-record.spans';
import { countRecorded, countRejected } from './usage.metrics';

/** An event ready for the ledger, or one found unstorable before it got there. */
interface Ready {
  event: UsageEvent;
  row: UsageRecordInput;
}
interface Unstorable {
  event: UsageEvent;
  error: string;
}
type Prepared = Ready | Unstorable;

/**
 * Writes usage events to the ledger with their cost; idempotent on request id.
 *
 * One bad event never takes its batch with it (issue 10): every string is made storable
 * first, and when the database still refuses a batch for its data (not for an outage), the
 * batch is split in halves until every good event is recorded and each bad one is alone; those
 * are set aside in `usage_rejects`, logged at error level, and not retried. An outage
 * (connection loss, no SQLSTATE data class) still fails the whole call, so the queue retries it.
 */
export class UsageRecorder {
  private readonly log = new Logger(UsageRecorder.name);
  private readonly prices: PriceBook;
  private readonly audit: RequestAuditWriter;

  constructor(private readonly db: Database) {
    this.prices = new PriceBook(db);
    this.audit = new RequestAuditWriter(db);
  }

  /** The queue consumer's handler: a failure is logged and rethrown so the queue retries it. */
  readonly handle = async (events: readonly UsageEvent[], traceparents?: readonly string[]): Promise<void> => {
    // With tracing on, each event that carried its request's trace context gets its span there.
    const spans = TRACING.on && traceparents ? new UsageRecordSpans(events, traceparents) : undefined;
    let failure: unknown;
    try {
      await this.recordMany(events, spans);
    } catch (err) {
      failure = err;
      this.log.warn(`${events.length} usage events not recorded yet: ${String(err)}`);
      throw err;
    } finally {
      spans?.end(failure);
    }
  };

  /**
   * Records a batch in the ledger and the request audit; returns how many ledger rows were new
   * (repeats and set-aside events are not). An audit-only event (`audit.auditOnly`: a refused or unmetered request) has an
   * audit row only: nothing to bill. Ledger, rollups and audit go in one statement (issue 11);
   * only when the database refuses it for its data are they stored apart, each bad event alone.
   */
  async recordMany(events: readonly UsageEvent[], spans?: UsageRecordSpans): Promise<number> {
    const { ready, rejects } = await this.prepareAll(events, spans);
    const audit = this.audit.rowsOf(events);
    let billed: number;
    try {
      const counts = await recordUsageWithAudit(this.db, ready.map((p) => p.row), audit);
      countRecorded(ready, counts.inserted);
      billed = counts.inserted;
    } catch (err) {
      if (!isUsageDataError(err)) throw err;
      billed = await this.insertSplitting(ready, rejects);
      await this.audit.writeRows(audit);
    }
    if (rejects.length) await this.setAside(rejects);
    return billed;
  }

  /** Prices a batch: the events ready for the ledger, and those found unstorable on the way. */
  private async prepareAll(events: readonly UsageEvent[], spans?: UsageRecordSpans): Promise<{ ready: Ready[]; rejects: UsageRejectInput[] }> {
    const prepared = await Promise.all(events.map((e) => (e.audit?.auditOnly ? undefined : this.prepare(e))));
    if (spans) {
      for (const [i, p] of prepared.entries()) if (p && 'row' in p) spans.cost(i, Number(p.row.costUsd));
    }
    const ready: Ready[] = [];
    const rejects: UsageRejectInput[] = [];
    for (const p of prepared) {
      if (!p) continue;
      if ('row' in p) ready.push(p);
      else rejects.push(rejectOf(p.event, p.error));
    }
    return { ready, rejects };
  }

  /**
   * Inserts in one statement; on a data error, bisects: log2(n) extra statements per bad event,
   * and each good event is inserted exactly once (a failed statement inserted nothing).
   */
  private async insertSplitting(batch: readonly Ready[], rejects: UsageRejectInput[]): Promise<number> {
    if (batch.length === 0) return 0;
    try {
      const inserted = await recordUsageBatch(this.db, batch.map((p) => p.row));
      countRecorded(batch, inserted);
      return inserted;
    } catch (err) {
      if (!isUsageDataError(err)) throw err;
      if (batch.length === 1) {
        rejects.push(rejectOf((batch[0] as Ready).event, (err as Error).message));
        return 0;
      }
      const half = Math.ceil(batch.length / 2);
      return (await this.insertSplitting(batch.slice(0, half), rejects)) + (await this.insertSplitting(batch.slice(half), rejects));
    }
  }

  private async setAside(rejects: readonly UsageRejectInput[]): Promise<void> {
    await recordUsageRejects(this.db, rejects);
    countRejected(rejects.length);
    for (const r of rejects) {
      this.log.error(`usage event ${r.requestId} (tenant ${r.tenantId ?? '?'}) set aside in usage_rejects, not recorded: ${r.error}`);
    }
  }

  /** The price lookup may fail for an outage (rethrown); a malformed event is caught as unstorable. */
  private async prepare(e: UsageEvent): Promise<Prepared> {
    const startedAt = e.startedAt ?? Date.now();
    // A cache hit made no upstream call: its tokens are recorded, its cost is zero.
    const charge = e.cacheHit ? NO_CHARGE : await this.prices.charge({ model: e.model ?? '', tenantId: e.tenantId ?? '', deploymentId: e.deploymentId ?? '', usage: e.usage, at: startedAt, batch: e.batch ?? false });
    try {
      return { event: e, row: toRecord(e, startedAt, charge) };
    } catch (err) {
      return { event: e, error: `unstorable event: ${(err as Error).message}` };
    }
  }
}

const NO_CHARGE: Charge = { costNanos: 0n, multiplier: undefined, upstreamNanos: undefined };

function toRecord(e: UsageEvent, startedAt: number, charge: Charge): UsageRecordInput {
  // Strings come from clients, upstreams and other processes: whatever the edges missed is made
  // storable here rather than failing the statement (NUL and lone surrogates become U+FFFD).
  return {
    requestId: storableText(e.requestId ?? ''),
    clientRequestId: e.clientRequestId ? storableText(e.clientRequestId) : null,
    tenantId: storableText(e.tenantId ?? ''),
    keyId: storableText(e.keyId ?? ''),
    model: storableText(e.model ?? ''),
    providerId: e.providerId ? storableText(e.providerId) : null,
    deploymentId: e.deploymentId ? storableText(e.deploymentId) : null,
    upstreamModel: e.upstreamModel ? storableText(e.upstreamModel) : null,
    dialect: (Dialect[e.dialect ?? Dialect.DIALECT_UNSPECIFIED] ?? 'DIALECT_UNSPECIFIED').replace('DIALECT_', '').toLowerCase(),
    stream: e.stream ?? false,
    status: statusOf(e.status),
    httpStatus: e.httpStatus ?? 0,
    errorKind: e.errorKind ? (ErrorKind[e.errorKind] ?? 'ERROR_KIND_UNRECOGNIZED').replace('ERROR_KIND_', '').toLowerCase() : null,
    inputTokens: e.usage?.inputTokens ?? 0,
    outputTokens: e.usage?.outputTokens ?? 0,
    cachedInputTokens: e.usage?.cachedInputTokens ?? 0,
    reasoningTokens: e.usage?.reasoningTokens ?? 0,
    cacheWriteTokens: e.usage?.cacheCreationInputTokens ?? 0,
    // Integer nano-dollars written as nine decimals, the ledger's scale: exact.
    costUsd: nanosToDecimal(charge.costNanos),
    priceMultiplier: charge.multiplier === undefined ? null : String(charge.multiplier),
    upstreamCostUsd: charge.upstreamNanos === undefined ? null : nanosToDecimal(charge.upstreamNanos),
    batch: e.batch ?? false,
    latencyMs: e.latencyMs ?? 0,
    ttftMs: e.ttftMs || null,
    region: e.region ? storableText(e.region) : null,
    deploymentRegion: e.deploymentRegion ? storableText(e.deploymentRegion) : null,
    startedAt: validDate(startedAt, 'startedAt'),
    finishedAt: validDate(e.finishedAt ?? startedAt, 'finishedAt'),
    cacheHit: e.cacheHit ?? false,
    attempts: e.attempts ?? 0,
  };
}

function validDate(ms: number, field: string): Date {
  const at = new Date(ms);
  if (Number.isNaN(at.getTime())) throw new Error(`${field} is not a time (${String(ms)})`);
  return at;
}

function rejectOf(event: UsageEvent, error: string): UsageRejectInput {
  return { requestId: storableText(event.requestId ?? ''), tenantId: event.tenantId ? storableText(event.tenantId) : null, eventJson: storableJson(event), error: storableText(error) };
}

function statusOf(status: string | undefined): UsageStatus {
  return (USAGE_STATUSES as readonly string[]).includes(status ?? '') ? (status as UsageStatus) : 'ok';
}
