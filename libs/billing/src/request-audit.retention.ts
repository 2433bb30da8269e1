import { Logger } from '@nestjs/common';
import { Database, pruneRequestAudit } from '@switchyard/db';
import { type PeriodicJob, startPeriodicJob } from '@switchyard/shared';

const DAY_MS = 86_400_000;

export interface RequestAuditRetentionOptions {
  /** SWITCHYARD_AUDIT_RETENTION_DAYS; 0 keeps every row (nothing is started). */
  days: number;
  /** How often to prune; hourly by default: rows then outlive their retention by an hour at most. */
  intervalMs?: number;
  now?: () => number;
}

/**
 * Deletes request audit rows older than the retention (docs/architecture.md, "Request audit and
 * residency"). A plain timer in every billing process (and standalone) rather than a BullMQ
 * repeatable job: standalone may run without Redis, and the work is idempotent — two billing
 * replicas pruning at once delete disjoint or already-deleted rows, never too many — so there is
 * no leader to elect. A failed run (database down) is logged and the next one catches up.
 */
export class RequestAuditRetention {
  private readonly log = new Logger(RequestAuditRetention.name);
  private job: PeriodicJob<number> | undefined;

  constructor(
    private readonly db: Database,
    private readonly options: RequestAuditRetentionOptions,
  ) {}

  /** Starts pruning: once now, then every interval. Nothing when the retention is 0. */
  start(): void {
    if (this.options.days <= 0 || this.job) return;
    this.job = startPeriodicJob(() => this.prune(), { everyMs: this.options.intervalMs ?? 3_600_000, onError: (err) => this.failed(err) });
  }

  /** One pruning pass (joining one under way); resolves how many rows went (0 after a failure, which is logged). */
  async runOnce(): Promise<number> {
    if (this.job) return (await this.job.runNow()) ?? 0;
    // Not started (a one-off pass): nothing runs alongside it.
    return this.prune().catch((err: unknown) => {
      this.failed(err);
      return 0;
    });
  }

  async stop(): Promise<void> {
    await this.job?.stop();
    this.job = undefined;
  }

  private failed(err: unknown): void {
    this.log.warn(`request audit retention: pruning failed, retried at the next run: ${String(err)}`);
  }

  private async prune(): Promise<number> {
    const before = new Date((this.options.now ?? Date.now)() - this.options.days * DAY_MS);
    const deleted = await pruneRequestAudit(this.db, before);
    if (deleted > 0) this.log.log(`request audit: ${deleted} rows older than ${this.options.days} days deleted`);
    return deleted;
  }
}
