import type { WebhookDelivery } from './alert.types';

/** Posts one delivery; rejects to have it retried, with {@link PermanentDeliveryError} to stop. */
export type DeliveryHandler = (delivery: WebhookDelivery) => Promise<void>;

/** Where producers (auth, router) put deliveries; BullMQ in the cluster, in memory standalone. */
export interface DeliveryQueue {
  enqueue(delivery: WebhookDelivery): Promise<void>;
  close(): Promise<void>;
}

/** Where billing (or standalone) takes them from. */
export interface DeliveryConsumer {
  consume(handler: DeliveryHandler): void;
  close(): Promise<void>;
}

/**
 * Retries of one delivery, the same in memory and in BullMQ: `attempts` tries, the n-th retry
 * `backoffMs × 2^(n-1)` after the previous failure (BullMQ's exponential backoff). The default
 * 10 tries from 1 s keep trying for about 17 minutes: a receiver being redeployed is waited for,
 * one that is gone is given up on the same day.
 */
export interface DeliveryRetry {
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_DELIVERY_RETRY: DeliveryRetry = { attempts: 10, backoffMs: 1000 };

/** Retrying will not help (the webhook's config is gone, the receiver answered 4xx): failed at once. */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}

/** BullMQ refuses `:` in job ids; the delivery id and webhook name never contain `|`… or do not matter if they do. */
export function deliveryJobId(delivery: WebhookDelivery): string {
  return `${delivery.id}|${delivery.webhook}`.replaceAll(':', '.');
}

export function backoffDelay(retry: DeliveryRetry, failedAttempts: number): number {
  return retry.backoffMs * 2 ** (failedAttempts - 1);
}
