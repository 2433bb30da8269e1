import { Logger } from '@nestjs/common';
import { Database, USAGE_STATUSES, UsageRecordInput, UsageStatus, recordUsageBatch } from '@switchyard/db';
import { Dialect, ErrorKind, UsageEvent } from '@switchyard/ir';
import { PriceBook } from './price-book';

/** Writes usage events to the ledger with their cost; idempotent on request id. */
export class UsageRecorder {
  private readonly log = new Logger(UsageRecorder.name);
  private readonly prices: PriceBook;

  constructor(private readonly db: Database) {
    this.prices = new PriceBook(db);
  }

  /** The queue consumer's handler: a failure is logged and rethrown so the queue retries it. */
  readonly handle = async (events: readonly UsageEvent[]): Promise<void> => {
    try {
      await this.recordMany(events);
    } catch (err) {
      this.log.warn(`${events.length} usage events not recorded yet: ${String(err)}`);
      throw err;
    }
  };

  /** Records a batch in one statement; returns how many were new (repeats are ignored). */
  async recordMany(events: readonly UsageEvent[]): Promise<number> {
    const rows = await Promise.all(events.map((e) => this.toRecord(e)));
    return recordUsageBatch(this.db, rows);
  }

  private async toRecord(e: UsageEvent): Promise<UsageRecordInput> {
    const startedAt = e.startedAt ?? Date.now();
    // A cache hit made no upstream call: its tokens are recorded, its cost is zero.
    const costUsd = e.cacheHit ? 0 : await this.prices.cost(e.model ?? '', e.usage, startedAt);
    return {
      requestId: e.requestId ?? '',
      tenantId: e.tenantId ?? '',
      keyId: e.keyId ?? '',
      model: e.model ?? '',
      providerId: e.providerId || null,
      deploymentId: e.deploymentId || null,
      upstreamModel: e.upstreamModel || null,
      dialect: Dialect[e.dialect ?? Dialect.DIALECT_UNSPECIFIED].replace('DIALECT_', '').toLowerCase(),
      stream: e.stream ?? false,
      status: statusOf(e.status),
      httpStatus: e.httpStatus ?? 0,
      errorKind: e.errorKind ? ErrorKind[e.errorKind].replace('ERROR_KIND_', '').toLowerCase() : null,
      inputTokens: e.usage?.inputTokens ?? 0,
      outputTokens: e.usage?.outputTokens ?? 0,
      cachedInputTokens: e.usage?.cachedInputTokens ?? 0,
      reasoningTokens: e.usage?.reasoningTokens ?? 0,
      cacheWriteTokens: e.usage?.cacheCreationInputTokens ?? 0,
      // Nine decimals, the ledger's scale: no binary-float digits beyond it.
      costUsd: costUsd.toFixed(9),
      latencyMs: e.latencyMs ?? 0,
      ttftMs: e.ttftMs || null,
      region: e.region || null,
      startedAt: new Date(startedAt),
      finishedAt: new Date(e.finishedAt ?? startedAt),
      cacheHit: e.cacheHit ?? false,
      attempts: e.attempts ?? 0,
    };
  }
}

function statusOf(status: string | undefined): UsageStatus {
  return (USAGE_STATUSES as readonly string[]).includes(status ?? '') ? (status as UsageStatus) : 'ok';
}
