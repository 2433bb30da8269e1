// Queue and job names, declared once (STYLE.md rule 4). Payload types come from proto/.
import type { UsageEvent } from '@switchyard/ir';

export const QueueName = {
  Usage: 'usage',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  RecordUsage: 'record-usage',
} as const;

export interface JobPayloads {
  [JobName.RecordUsage]: UsageEvent;
}

/**
 * Consumes a batch of usage events (one or more); must be idempotent on requestId, because a
 * failed batch is delivered again.
 */
export type UsageHandler = (events: readonly UsageEvent[]) => Promise<void>;

/** Where usage events are consumed (billing); the in-memory and BullMQ queues implement it. */
export interface UsageConsumer {
  consume(handler: UsageHandler): void;
  close(): Promise<void>;
}
