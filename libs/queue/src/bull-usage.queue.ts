import { Logger } from '@nestjs/common';
import type { UsageEvent, UsageSink } from '@switchyard/ir';
import { Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { JobName, QueueName, UsageConsumer, UsageHandler } from './queue-names';

// Job id = request id: BullMQ ignores a second add with the same id while the first exists,
// and billing's insert is idempotent on request id for the rest (exactly-once recording).
const JOB_OPTIONS = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** Producer side (ingress): publish never blocks the response; failures are logged. */
export class BullUsageSink implements UsageSink {
  private readonly log = new Logger(BullUsageSink.name);
  private readonly queue: Queue;

  constructor(redisUrl: string, prefix = 'switchyard') {
    this.queue = new Queue(QueueName.Usage, { connection: new Redis(redisUrl, { maxRetriesPerRequest: 3, enableOfflineQueue: true }), prefix });
  }

  publish(event: UsageEvent): void {
    this.queue.add(JobName.RecordUsage, event, { ...JOB_OPTIONS, jobId: event.requestId }).catch((err: unknown) => {
      this.log.error(`usage event ${event.requestId} could not be queued: ${String(err)}`);
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.queue.disconnect();
  }
}

/** Consumer side (billing). */
export class BullUsageConsumer implements UsageConsumer {
  private worker: Worker | undefined;

  constructor(
    private readonly redisUrl: string,
    private readonly prefix = 'switchyard',
    private readonly concurrency = 16,
  ) {}

  consume(handler: UsageHandler): void {
    // Workers block on Redis: ioredis must not give up on those commands (BullMQ requirement).
    this.worker = new Worker(QueueName.Usage, (job: Job<UsageEvent>) => handler([job.data]), {
      connection: new Redis(this.redisUrl, { maxRetriesPerRequest: null }),
      prefix: this.prefix,
      concurrency: this.concurrency,
    });
    this.worker.on('error', (err) => new Logger(BullUsageConsumer.name).error(`usage worker: ${String(err)}`));
  }

  async close(): Promise<void> {
    await this.worker?.close();
  }
}
