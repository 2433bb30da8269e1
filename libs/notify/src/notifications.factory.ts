import { type NotificationsConfig, type OutboundPolicy, type SecretBox, loadConfigFile } from '@switchyard/config';
import { existsSync } from 'node:fs';
import { MemoryAlertDedupe, RedisAlertDedupe } from './alert-dedupe';
import { BullDeliveryQueue, BullDeliveryWorker } from './bull-delivery.queue';
import type { DeliveryConsumer, DeliveryQueue } from './delivery-queue.types';
import { MemoryDeliveryQueue } from './memory-delivery.queue';
import { Notifier } from './notifier';
import { WebhookDeliverer } from './webhook-deliverer';

/** The `notifications` section of the mounted switchyard.yaml; undefined without a file or section. */
export async function loadNotificationsConfig(path: string, outbound: OutboundPolicy): Promise<NotificationsConfig | undefined> {
  return existsSync(path) ? (await loadConfigFile(path, { outbound })).notifications : undefined;
}

/**
 * A producer for a cluster service (auth, router): dedupe and queue in Redis. Undefined when no
 * webhook is configured: then nothing is computed or sent.
 */
export function createClusterNotifier(config: NotificationsConfig | undefined, redisUrl: string): Notifier | undefined {
  if (!config?.webhooks.length) return undefined;
  return new Notifier({ webhooks: config.webhooks, budgetThreshold: config.budgetThreshold, dedupe: new RedisAlertDedupe(redisUrl), queue: new BullDeliveryQueue(redisUrl) });
}

export interface DeliveryWorkerSettings {
  outbound: OutboundPolicy;
  box?: SecretBox;
}

/** The consumer side: takes deliveries from `consumer` and posts them. */
export class NotificationWorker {
  private readonly deliverer: WebhookDeliverer;

  constructor(config: NotificationsConfig, private readonly consumer: DeliveryConsumer, settings: DeliveryWorkerSettings) {
    this.deliverer = new WebhookDeliverer(config.webhooks, settings);
    consumer.consume(this.deliverer.deliver);
  }

  async close(): Promise<void> {
    await this.consumer.close();
    await this.deliverer.close();
  }
}

/** Billing's worker on the "notifications" queue; undefined when no webhook is configured. */
export function createClusterNotificationWorker(config: NotificationsConfig | undefined, redisUrl: string, settings: DeliveryWorkerSettings): NotificationWorker | undefined {
  if (!config?.webhooks.length) return undefined;
  return new NotificationWorker(config, new BullDeliveryWorker(redisUrl), settings);
}

/**
 * Standalone: producer and worker in one process — through BullMQ with REDIS_URL (so replicas
 * sharing a Redis dedupe together, and deliveries survive a restart), in memory without.
 */
export function createStandaloneNotifications(
  config: NotificationsConfig | undefined,
  redisUrl: string | undefined,
  settings: DeliveryWorkerSettings,
): { notifier: Notifier; worker: NotificationWorker } | undefined {
  if (!config?.webhooks.length) return undefined;
  let queue: DeliveryQueue;
  let consumer: DeliveryConsumer;
  if (redisUrl) {
    queue = new BullDeliveryQueue(redisUrl);
    consumer = new BullDeliveryWorker(redisUrl);
  } else {
    const memory = new MemoryDeliveryQueue();
    queue = memory;
    consumer = memory;
  }
  const dedupe = redisUrl ? new RedisAlertDedupe(redisUrl) : new MemoryAlertDedupe();
  return {
    notifier: new Notifier({ webhooks: config.webhooks, budgetThreshold: config.budgetThreshold, dedupe, queue }),
    worker: new NotificationWorker(config, consumer, settings),
  };
}
