import { Logger } from '@nestjs/common';
import { NotificationJobName, QueueName } from '@switchyard/queue';
import { closeRedisConnection } from '@switchyard/shared';
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { WebhookDelivery } from './alert.types';
import {
  DEFAULT_DELIVERY_RETRY,
  type DeliveryConsumer,
  type DeliveryHandler,
  type DeliveryQueue,
  type DeliveryRetry,
  PermanentDeliveryError,
  deliveryJobId,
} from './delivery-queue.types';
import { describe } from './memory-delivery.queue';

// Deliveries are few (alerts, not requests): one job each, kept a day once done so the id still
// dedupes an add sent again, failed ones a week for whoever investigates.
const KEEP = { removeOnComplete: { age: 24 * 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 } } as const;
const CONCURRENCY = 4;

/** Producer side (auth, router): the job id is the delivery's, so a second add is a no-op. */
export class BullDeliveryQueue implements DeliveryQueue {
  private readonly redis: Redis;
  private readonly queue: Queue;

  constructor(redisUrl: string, prefix = 'switchyard', private readonly retry: DeliveryRetry = DEFAULT_DELIVERY_RETRY) {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
    this.redis.on('error', () => undefined);
    this.queue = new Queue(QueueName.Notifications, { connection: this.redis, prefix });
  }

  async enqueue(delivery: WebhookDelivery): Promise<void> {
    await this.queue.add(NotificationJobName.DeliverWebhook, delivery, {
      ...KEEP,
      jobId: deliveryJobId(delivery),
      attempts: this.retry.attempts,
      backoff: { type: 'exponential', delay: this.retry.backoffMs },
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
    await closeRedisConnection(this.redis);
  }
}

/** Consumer side (billing): a failed attempt is logged at warn, the last one at error. */
export class BullDeliveryWorker implements DeliveryConsumer {
  private readonly log = new Logger('Notifications');
  private worker: Worker | undefined;
  private redis: Redis | undefined;

  constructor(private readonly redisUrl: string, private readonly prefix = 'switchyard') {}

  consume(handler: DeliveryHandler): void {
    // Workers block on Redis: ioredis must not give up on those commands (BullMQ requirement).
    this.redis = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.worker = new Worker(QueueName.Notifications, (job: Job) => this.run(job, handler), { connection: this.redis, prefix: this.prefix, concurrency: CONCURRENCY });
    this.worker.on('error', (err) => this.log.error(`notifications worker: ${String(err)}`));
    this.worker.on('failed', (job, err) => {
      if (!job) return;
      const d = job.data as WebhookDelivery;
      const last = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
      const line = `webhook ${d.webhook}: delivery ${d.id} attempt ${job.attemptsMade} failed${last ? ', given up' : ', retrying'}: ${describe(err)}`;
      if (last) this.log.error(line);
      else this.log.warn(line);
    });
  }

  async close(): Promise<void> {
    await this.worker?.close();
    if (this.redis) await closeRedisConnection(this.redis);
  }

  private async run(job: Job, handler: DeliveryHandler): Promise<void> {
    const name = job.name as NotificationJobName;
    switch (name) {
      case NotificationJobName.DeliverWebhook:
        break;
      default: {
        const unknown: never = name;
        throw new UnrecoverableError(`unknown notifications job name ${String(unknown)}`);
      }
    }
    try {
      await handler(job.data as WebhookDelivery);
    } catch (err) {
      if (err instanceof PermanentDeliveryError) throw new UnrecoverableError(err.message);
      throw err;
    }
  }
}
