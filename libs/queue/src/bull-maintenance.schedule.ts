import { Logger } from '@nestjs/common';
import { closeRedisConnection } from '@switchyard/shared';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { MaintenanceJobName, QueueName } from './queue-names';

export type MaintenanceHandler = () => Promise<void>;

// A failed run is retried a few times, then waits for the next period: housekeeping is never
// urgent, and the next run does the work the failed one left.
const RUN_OPTIONS = { attempts: 3, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } } as const;

/**
 * A repeatable BullMQ job of billing (issue 16): one job scheduler per job name, upserted by every
 * replica at start, so however many replicas run there is one run per period, taken by whichever
 * replica's worker is free.
 */
export class BullMaintenanceSchedule {
  private readonly log = new Logger('BillingMaintenance');
  private readonly redis: Redis;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private readonly handlers = new Map<MaintenanceJobName, MaintenanceHandler>();

  constructor(redisUrl: string, private readonly prefix = 'switchyard') {
    // Workers block on Redis: ioredis must not give up on those commands (BullMQ requirement).
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.queue = new Queue(QueueName.BillingMaintenance, { connection: this.redis, prefix });
  }

  /** Runs `handler` every `everyMs`; replaces an earlier period of the same job. */
  async schedule(name: MaintenanceJobName, everyMs: number, handler: MaintenanceHandler): Promise<void> {
    this.handlers.set(name, handler);
    this.worker ??= this.startWorker();
    await this.queue.upsertJobScheduler(name, { every: everyMs }, { name, opts: RUN_OPTIONS });
  }

  /** Stops scheduling `name` (retention turned off): the job scheduler is shared, so it is removed for every replica. */
  async unschedule(name: MaintenanceJobName): Promise<void> {
    await this.queue.removeJobScheduler(name);
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    await closeRedisConnection(this.redis);
  }

  private startWorker(): Worker {
    const worker = new Worker(QueueName.BillingMaintenance, (job: Job) => this.run(job), { connection: this.redis, prefix: this.prefix, concurrency: 1 });
    worker.on('error', (err) => this.log.error(`maintenance worker: ${String(err)}`));
    worker.on('failed', (job, err) => this.log.warn(`${job?.name ?? 'maintenance job'} failed (attempt ${job?.attemptsMade ?? '?'}): ${String(err)}`));
    return worker;
  }

  private async run(job: Job): Promise<void> {
    const handler = this.handlers.get(job.name as MaintenanceJobName);
    // Another replica (a newer version) may schedule a job this one does not know: leave it a failure to retry there.
    if (!handler) throw new Error(`no handler for maintenance job ${job.name} on this replica`);
    await handler();
  }
}
