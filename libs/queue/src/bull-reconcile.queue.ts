import { Logger } from '@nestjs/common';
import type { ReconcileReport } from '@switchyard/ir';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { QueueName, ReconcileJobName } from './queue-names';

// Kept so the last runs can be read back, and a manual run's result reaches its caller.
const JOB_OPTIONS = { removeOnComplete: { count: 50 }, removeOnFail: { count: 50 }, attempts: 1 } as const;
const SCHEDULER_ID = 'reconcile-counters';

/**
 * The "reconcile" queue (docs/architecture.md §5, "Billing: credit and reconciliation"): a job
 * scheduler adds a run every `everyMs` (one scheduler in Redis however many replicas upsert it),
 * one worker at a time runs it, and `runNow` adds one and waits for its report.
 */
export class BullReconcileQueue {
  private readonly log = new Logger(BullReconcileQueue.name);
  private readonly redis: Redis;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private events: QueueEvents | undefined;
  private eventsRedis: Redis | undefined;
  private workerRedis: Redis | undefined;
  private usage: Queue | undefined;

  constructor(private readonly url: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: null });
    this.queue = new Queue(QueueName.Reconcile, { connection: this.redis });
  }

  /** Consumer side: schedules the repeatable run (0 = no schedule) and runs jobs one at a time. */
  async work(run: () => Promise<ReconcileReport>, everyMs: number): Promise<void> {
    if (everyMs > 0) await this.queue.upsertJobScheduler(SCHEDULER_ID, { every: everyMs }, { name: ReconcileJobName.Scheduled, opts: JOB_OPTIONS });
    this.workerRedis = new Redis(this.url, { maxRetriesPerRequest: null });
    this.worker = new Worker(QueueName.Reconcile, () => run(), { connection: this.workerRedis, concurrency: 1 });
    this.worker.on('failed', (_job, err) => this.log.warn(`reconciliation failed: ${err.message}`));
  }

  /** Usage events not yet in the ledger (the reconciliation waits for them). */
  async usageBacklog(): Promise<number> {
    this.usage ??= new Queue(QueueName.Usage, { connection: this.redis });
    const c = await this.usage.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
    return Object.values(c).reduce((a, b) => a + b, 0);
  }

  /** Adds a run now and answers its report (rejects after timeoutMs, the run may still finish). */
  async runNow(timeoutMs: number): Promise<ReconcileReport> {
    if (!this.events) {
      this.eventsRedis = new Redis(this.url, { maxRetriesPerRequest: null });
      this.events = new QueueEvents(QueueName.Reconcile, { connection: this.eventsRedis });
      await this.events.waitUntilReady();
    }
    const job = await this.queue.add(ReconcileJobName.Now, {}, JOB_OPTIONS);
    return (await job.waitUntilFinished(this.events, timeoutMs)) as ReconcileReport;
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.events?.close();
    await this.queue.close();
    await this.usage?.close();
    // BullMQ does not close connections it was handed.
    await Promise.all([this.redis, this.eventsRedis, this.workerRedis].map((r) => r?.quit().catch(() => undefined)));
  }
}
