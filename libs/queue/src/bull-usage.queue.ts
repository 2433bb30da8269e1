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

// Events are sent in bulk: one Redis round trip per batch instead of a Lua script per request
// on the ingress. While Redis is unreachable they stay buffered (bounded) and are retried.
const FLUSH_MS = 50;
const MAX_BATCH = 500;
const RETRY_MS = 1000;
const MAX_BUFFERED = 100_000;

/** Producer side (ingress): publish never blocks the response; close() flushes what is buffered. */
export class BullUsageSink implements UsageSink {
  private readonly log = new Logger(BullUsageSink.name);
  private readonly queue: Queue;
  // BullMQ does not close a connection it was handed; we own it and quit it on close().
  private readonly redis: Redis;
  private buffer: UsageEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(redisUrl: string, prefix = 'switchyard') {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 3, enableOfflineQueue: true });
    this.queue = new Queue(QueueName.Usage, { connection: this.redis, prefix });
  }

  publish(event: UsageEvent): void {
    if (this.buffer.length >= MAX_BUFFERED) {
      const dropped = this.buffer.shift();
      this.log.error(`usage buffer full (Redis unreachable?): dropped usage event ${dropped?.requestId}`);
    }
    this.buffer.push(event);
    if (this.buffer.length >= MAX_BATCH) void this.flush();
    else this.schedule(FLUSH_MS);
  }

  /** Sends everything buffered; resolves when done or when Redis refused (then retried later). */
  flush(): Promise<void> {
    this.flushing ??= this.send().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    if (this.buffer.length) this.log.error(`${this.buffer.length} usage events could not be queued before shutdown`);
    await this.queue.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private schedule(delayMs: number): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
  }

  private async send(): Promise<void> {
    while (this.buffer.length) {
      const batch = this.buffer.splice(0, MAX_BATCH);
      try {
        await this.queue.addBulk(batch.map((data) => ({ name: JobName.RecordUsage, data, opts: { ...JOB_OPTIONS, jobId: data.requestId } })));
      } catch (err) {
        this.buffer = batch.concat(this.buffer);
        this.log.error(`${batch.length} usage events not queued yet, retrying: ${String(err)}`);
        this.schedule(RETRY_MS);
        return;
      }
    }
  }
}

/** Consumer side (billing). */
export class BullUsageConsumer implements UsageConsumer {
  private worker: Worker | undefined;
  private redis: Redis | undefined;

  constructor(
    private readonly redisUrl: string,
    private readonly prefix = 'switchyard',
    private readonly concurrency = 16,
  ) {}

  consume(handler: UsageHandler): void {
    // Workers block on Redis: ioredis must not give up on those commands (BullMQ requirement).
    this.redis = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.worker = new Worker(QueueName.Usage, (job: Job<UsageEvent>) => handler([job.data]), {
      connection: this.redis,
      prefix: this.prefix,
      concurrency: this.concurrency,
    });
    this.worker.on('error', (err) => new Logger(BullUsageConsumer.name).error(`usage worker: ${String(err)}`));
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
