import { Logger } from '@nestjs/common';
import type { Database, Prisma } from '@switchyard/db';
import type { UsageEvent, UsageSink, VendorHeader } from '@switchyard/ir';
import { abortableSleep } from '@switchyard/shared';
import type { FilesService } from '../files/files.service';
import type { BatchLineOperation, LineContext } from '../lines/batch-line.operation';
import { checkBatchInput } from './batch-input';
import type { BatchRow } from './batch-object';
import { type LineEnd, lineAnswerId, outputLine, unansweredLine } from './batch-output';
import { storedLineHeaders } from './message-batch-headers';
import { messageBatchCounts } from './message-batches.service';

export interface BatchRunnerOptions {
  /** Lines of one batch in flight at once: the batch's share of the tenant's concurrency. */
  lineConcurrency: number;
  /** The gateway's region (usage events name it). */
  region: string;
}

interface PendingLine {
  line: number;
  customId: string;
  body: unknown;
}

/** How often a running batch looks at its row (a cancel, the window). */
const STATUS_EVERY_MS = 250;

/**
 * Runs one batch (docs/architecture.md, "Files and batches"): validates the input file (the
 * first time), runs the pending lines through their endpoint's operation `lineConcurrency` at a
 * time, and ends it — completed, cancelled or expired — with its output and error files.
 *
 * Resumable at any point: each line's end is one transaction (the line's state, result and
 * usage event, and the batch's count and token sums), so a worker killed mid-batch leaves finished lines
 * finished and the next run sends only the pending ones. A line killed in flight is pending and
 * is sent again (nothing of it was recorded). Usage events of finished lines are published again
 * when a batch resumes, since one published just before a kill may not have reached the queue;
 * the ledger records each request id once.
 */
export class BatchRunner {
  private readonly log = new Logger(BatchRunner.name);
  private readonly stopping = new AbortController();

  constructor(
    private readonly db: Database,
    private readonly files: FilesService,
    private readonly usage: UsageSink,
    private readonly operations: ReadonlyMap<string, BatchLineOperation>,
    private readonly options: BatchRunnerOptions,
  ) {}

  /** Every batch a worker still has work in, for queuing again at start (after a restart). */
  async unfinished(): Promise<string[]> {
    const rows = await this.db.prisma.batch.findMany({ where: { status: { in: ['validating', 'in_progress', 'finalizing', 'cancelling'] } }, select: { id: true }, orderBy: { createdAt: 'asc' } });
    return rows.map((r) => r.id);
  }

  /** Lines in flight are abandoned (they stay pending); the next run resumes them. */
  stop(): void {
    this.stopping.abort();
  }

  async run(batchId: string): Promise<void> {
    let batch = await this.load(batchId);
    if (!batch) return;
    if (batch.status === 'validating') batch = await this.validate(batch);
    if (batch.status === 'failed') return;
    await this.republishUsage(batch.id);
    let end: LineEnd | undefined = batch.status === 'cancelling' ? 'cancelled' : undefined;
    if (batch.status === 'in_progress') end = await this.runLines(batch);
    // Stopping (SIGTERM): the run fails, so the queue hands the batch to another worker (or to
    // this process's next start) instead of counting it done.
    if (this.stopping.signal.aborted) throw new Error(`batch ${batch.id} left unfinished: the worker is stopping`);
    await this.finish(batch, end);
  }

  private load(batchId: string): Promise<BatchRow | null> {
    return this.db.prisma.batch.findUnique({ where: { id: batchId } });
  }

  /** Checks the input file as OpenAI does; a bad line fails the whole batch with every bad line listed. */
  private async validate(batch: BatchRow): Promise<BatchRow> {
    let errors;
    let lines: ReturnType<typeof checkBatchInput>['lines'] = [];
    let model: string | undefined;
    try {
      const { data } = await this.files.content(batch.tenantId, batch.inputFileId);
      ({ errors, lines, model } = checkBatchInput(data, batch.endpoint));
    } catch {
      errors = [{ code: 'invalid_file', message: `The input file ${batch.inputFileId} could not be read (was it deleted?).`, param: 'input_file_id', line: null }];
    }
    const now = new Date();
    if (errors.length) {
      await this.db.prisma.batch.updateMany({ where: { id: batch.id, status: 'validating' }, data: { status: 'failed', failedAt: now, errors: errors as unknown as Prisma.InputJsonValue } });
    } else {
      await this.db.prisma.$transaction([
        // A rerun after a kill mid-validation finds some lines there already.
        this.db.prisma.batchLine.createMany({ data: lines.map((l) => ({ batchId: batch.id, line: l.line, customId: l.customId, body: l.body as Prisma.InputJsonValue })), skipDuplicates: true }),
        this.db.prisma.batch.updateMany({ where: { id: batch.id, status: 'validating' }, data: { status: 'in_progress', inProgressAt: now, total: lines.length, model: model ?? null } }),
        // Cancelled while it was being checked: it ends cancelled, its lines counted.
        this.db.prisma.batch.updateMany({ where: { id: batch.id, status: 'cancelling' }, data: { total: lines.length, model: model ?? null } }),
      ]);
    }
    return (await this.load(batch.id)) as BatchRow;
  }

  /** Runs pending lines until none is left, or the batch is cancelled or expires (returned). */
  private async runLines(batch: BatchRow): Promise<LineEnd | undefined> {
    const op = this.operations.get(batch.endpoint);
    if (!op) throw new Error(`no line operation for ${batch.endpoint}`);
    const pending: PendingLine[] = await this.db.prisma.batchLine.findMany({ where: { batchId: batch.id, state: 'pending' }, orderBy: { line: 'asc' }, select: { line: true, customId: true, body: true } });
    const watch = new BatchWatch(this.db, batch);
    const vendorHeaders = storedLineHeaders(batch.vendorHeaders);
    let next = 0;
    const worker = async () => {
      while (next < pending.length && !this.stopping.signal.aborted) {
        // Taken before any await: the other workers share `next`.
        const line = pending[next++] as PendingLine;
        if (await watch.ended()) return;
        await this.runLine(batch, op, line, { watch, vendorHeaders });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.lineConcurrency) }, worker));
    return watch.ended();
  }

  /** One line to its end; on a 429 it waits and tries again (lower priority than interactive traffic). */
  private async runLine(batch: BatchRow, op: BatchLineOperation, line: PendingLine, { watch, vendorHeaders }: { watch: BatchWatch; vendorHeaders: readonly VendorHeader[] }): Promise<void> {
    const ctx: LineContext = {
      requestId: `${batch.id}:${line.line}`,
      answerId: lineAnswerId(batch.id, line.line),
      tenantId: batch.tenantId,
      keyId: batch.keyId,
      keyHash: batch.keyHash,
      clientIp: batch.clientIp,
      region: this.options.region,
      endpoint: batch.endpoint,
      vendorHeaders,
      signal: this.stopping.signal,
    };
    for (;;) {
      const outcome = await op.run(line.body as Record<string, unknown>, ctx);
      // Stopped mid-line: nothing is recorded, the line stays pending for the next run.
      if (this.stopping.signal.aborted) return;
      if (outcome.kind === 'wait') {
        await abortableSleep(outcome.afterMs, this.stopping.signal);
        if (this.stopping.signal.aborted || (await watch.ended())) return;
        continue;
      }
      const ok = outcome.statusCode >= 200 && outcome.statusCode < 300;
      const result = outputLine(batch.id, line, outcome.statusCode, ctx.requestId, outcome.body);
      const recorded = await this.db.prisma.$transaction(async (tx) => {
        const moved = await tx.batchLine.updateMany({
          where: { batchId: batch.id, line: line.line, state: 'pending' },
          data: { state: ok ? 'done' : 'failed', result: result as Prisma.InputJsonValue, ...(outcome.usage ? { usage: outcome.usage as unknown as Prisma.InputJsonValue } : {}), finishedAt: new Date() },
        });
        if (moved.count) await tx.batch.update({ where: { id: batch.id }, data: { ...(ok ? { completed: { increment: 1 } } : { failed: { increment: 1 } }), ...usageIncrement(outcome.usage) } });
        return moved.count > 0;
      });
      if (recorded && outcome.usage) this.usage.publish(outcome.usage);
      return;
    }
  }

  private async republishUsage(batchId: string): Promise<void> {
    const done = await this.db.prisma.batchLine.findMany({ where: { batchId, state: { in: ['done', 'failed'] } }, select: { usage: true } });
    for (const l of done) if (l.usage) this.usage.publish(l.usage as unknown as UsageEvent);
  }

  /** Writes the output and error files and ends the batch; safe to run again after a kill. */
  private async finish(batch: BatchRow, end: LineEnd | undefined): Promise<void> {
    const now = new Date();
    if (end) await this.db.prisma.batchLine.updateMany({ where: { batchId: batch.id, state: 'pending' }, data: { state: end, finishedAt: now } });
    else await this.db.prisma.batch.updateMany({ where: { id: batch.id, status: 'in_progress' }, data: { status: 'finalizing', finalizingAt: now } });
    const lines = await this.db.prisma.batchLine.findMany({ where: { batchId: batch.id }, orderBy: { line: 'asc' }, select: { line: true, customId: true, state: true, result: true } });
    const out: string[] = [];
    const err: string[] = [];
    for (const l of lines) {
      if (l.state === 'done') out.push(JSON.stringify(l.result));
      else if (l.state === 'failed') err.push(JSON.stringify(l.result));
      else if (l.state === 'cancelled' || l.state === 'expired') err.push(JSON.stringify(unansweredLine(batch.id, l, l.state)));
    }
    // Message Batches answer their results from the lines (GET …/results); only OpenAI's have files.
    // output_expires_after (anchored at the file's creation); absent: kept until deleted.
    const expiresAfterSeconds = batch.outputExpiresSeconds ?? undefined;
    const store = async (rows: string[], kind: string) =>
      rows.length && batch.api === 'openai' ? (await this.files.store({ tenantId: batch.tenantId, purpose: 'batch_output', filename: `${batch.id}_${kind}.jsonl`, data: Buffer.from(`${rows.join('\n')}\n`), expiresAfterSeconds })).id : null;
    const outputFileId = await store(out, 'output');
    const errorFileId = await store(err, 'error');
    const status = end ?? 'completed';
    const at = end === 'cancelled' ? { cancelledAt: now } : end === 'expired' ? { expiredAt: now } : { completedAt: now };
    await this.db.prisma.batch.updateMany({
      where: { id: batch.id, status: { in: ['in_progress', 'finalizing', 'cancelling'] } },
      data: { status, ...at, outputFileId, errorFileId, completed: lines.filter((l) => l.state === 'done').length, failed: lines.filter((l) => l.state === 'failed').length },
    });
    this.log.log(batch.api === 'openai' ? `batch ${batch.id} ${status}: ${out.length} answered, ${err.length} in the error file` : messageBatchEnded(batch.id, status, lines));
  }
}

/**
 * A Message Batch's end as its API tells it: results are read from the lines (GET …/results), no
 * file is written, so the line gives its `request_counts` (succeeded, errored, canceled, expired).
 */
function messageBatchEnded(id: string, status: string, lines: readonly { state: string }[]): string {
  const n = messageBatchCounts(lines.map((l) => ({ state: l.state, lines: 1 })));
  return `message batch ${id} ended (${status}): ${n.succeeded} succeeded, ${n.errored} errored, ${n.canceled} canceled, ${n.expired} expired`;
}

/** A line's tokens added to its batch's `usage` sums (with the line's end, so each counts once). */
function usageIncrement(event: UsageEvent | undefined): Prisma.BatchUpdateInput {
  const u = event?.usage;
  if (!u) return {};
  return {
    inputTokens: { increment: u.inputTokens },
    cachedInputTokens: { increment: u.cachedInputTokens },
    outputTokens: { increment: u.outputTokens },
    reasoningTokens: { increment: u.reasoningTokens },
  };
}

/** The batch's row as it changes under a run (a cancel from the API, the window running out). */
class BatchWatch {
  private checkedAt = 0;
  private end: LineEnd | undefined;

  constructor(
    private readonly db: Database,
    private readonly batch: BatchRow,
  ) {}

  async ended(): Promise<LineEnd | undefined> {
    if (this.end) return this.end;
    if (Date.now() >= this.batch.expiresAt.getTime()) return (this.end = 'expired');
    if (Date.now() - this.checkedAt < STATUS_EVERY_MS) return undefined;
    this.checkedAt = Date.now();
    const row = await this.db.prisma.batch.findUnique({ where: { id: this.batch.id }, select: { status: true, expiresAt: true } });
    if (row?.status === 'cancelling') this.end = 'cancelled';
    else if (row && Date.now() >= row.expiresAt.getTime()) this.end = 'expired';
    return this.end;
  }
}
