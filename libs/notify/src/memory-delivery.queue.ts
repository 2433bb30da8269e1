import { Logger } from '@nestjs/common';
import type { WebhookDelivery } from './alert.types';
import {
  DEFAULT_DELIVERY_RETRY,
  type DeliveryConsumer,
  type DeliveryHandler,
  type DeliveryQueue,
  type DeliveryRetry,
  PermanentDeliveryError,
  backoffDelay,
  deliveryJobId,
} from './delivery-queue.types';

/**
 * Standalone without Redis: deliveries run in the background of the one process with the same
 * retries as BullMQ's (and a delivery whose id is still pending is not queued twice). What is
 * pending when the process stops is lost, as with the in-memory usage queue (docs/architecture.md §5).
 */
export class MemoryDeliveryQueue implements DeliveryQueue, DeliveryConsumer {
  private readonly log = new Logger('Notifications');
  private handler: DeliveryHandler | undefined;
  private readonly waiting: WebhookDelivery[] = [];
  /** Job id → its retry timer (undefined while an attempt runs). */
  private readonly pending = new Map<string, NodeJS.Timeout | undefined>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly retry: DeliveryRetry = DEFAULT_DELIVERY_RETRY) {}

  async enqueue(delivery: WebhookDelivery): Promise<void> {
    const id = deliveryJobId(delivery);
    if (this.closed || this.pending.has(id)) return;
    this.pending.set(id, undefined);
    if (this.handler) this.attempt(delivery, id, 1);
    else this.waiting.push(delivery);
  }

  consume(handler: DeliveryHandler): void {
    this.handler = handler;
    for (const d of this.waiting.splice(0)) this.attempt(d, deliveryJobId(d), 1);
  }

  /** Stops retrying; waits for attempts under way. */
  async close(): Promise<void> {
    this.closed = true;
    let dropped = 0;
    for (const timer of this.pending.values()) {
      if (timer) {
        clearTimeout(timer);
        dropped++;
      }
    }
    await Promise.all([...this.running]);
    if (dropped) this.log.warn(`${dropped} webhook deliveries waiting for a retry were dropped at shutdown`);
    this.pending.clear();
  }

  private attempt(delivery: WebhookDelivery, id: string, n: number): void {
    const handler = this.handler;
    if (!handler || this.closed) return;
    this.pending.set(id, undefined);
    const run = handler(delivery).then(
      () => void this.pending.delete(id),
      (err: unknown) => this.failed(delivery, id, n, err),
    );
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  private failed(delivery: WebhookDelivery, id: string, n: number, err: unknown): void {
    if (err instanceof PermanentDeliveryError || n >= this.retry.attempts || this.closed) {
      this.pending.delete(id);
      this.log.error(`webhook ${delivery.webhook}: delivery ${delivery.id} failed after ${n} attempt(s), given up: ${describe(err)}`);
      return;
    }
    this.log.warn(`webhook ${delivery.webhook}: delivery ${delivery.id} attempt ${n} failed, retrying: ${describe(err)}`);
    const timer = setTimeout(() => this.attempt(delivery, id, n + 1), backoffDelay(this.retry, n));
    timer.unref();
    this.pending.set(id, timer);
  }
}

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
