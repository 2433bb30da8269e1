// Queue and job names, declared once and never written as literals at call sites. Payload types
// come from proto/.
import type { UsageEvent } from '@switchyard/ir';

export const QueueName = {
  Usage: 'usage',
  /** Webhook deliveries of budget and health alerts (libs/notify), consumed by billing. */
  Notifications: 'notifications',
  /** Billing's repeatable housekeeping jobs (issue 16), one run per period across every replica. */
  BillingMaintenance: 'billing-maintenance',
  /** Billing's repeatable rebalancing of share-mode budgets across regions (issue 15). */
  BudgetRebalance: 'budget-rebalance',
  /** Counter reconciliation runs (issue 16), consumed by the service that owns the counters (auth). */
  Reconcile: 'reconcile',
  /** Batch runs (issue 17): one job per OpenAI or Anthropic batch, its id the batch id. */
  Batches: 'batches',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  /** One job per batch of usage events: what the ingress publishes (issue 11). */
  RecordUsageBatch: 'record-usage-batch',
  /**
   * One job per usage event: published before issue 11. Still consumed, because such jobs can be
   * waiting in Redis while a cluster is upgraded.
   */
  RecordUsage: 'record-usage',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

/** Jobs of the "notifications" queue (their payload, WebhookDelivery, is libs/notify's). */
export const NotificationJobName = {
  /** One alert to one webhook; retried with backoff. */
  DeliverWebhook: 'deliver-webhook',
} as const;
export type NotificationJobName = (typeof NotificationJobName)[keyof typeof NotificationJobName];

/** Jobs of the "billing-maintenance" queue; they carry no payload. */
export const MaintenanceJobName = {
  /** Deletes raw usage rows past SWITCHYARD_USAGE_RETENTION_DAYS (rollups are kept). */
  PurgeUsage: 'purge-usage',
} as const;
export type MaintenanceJobName = (typeof MaintenanceJobName)[keyof typeof MaintenanceJobName];
/** Jobs of the "budget-rebalance" queue: no payload, the job reads the ledger as it is then. */
export const BudgetJobName = {
  RebalanceBudgets: 'rebalance-budgets',
} as const;
export type BudgetJobName = (typeof BudgetJobName)[keyof typeof BudgetJobName];
/** Jobs of the "reconcile" queue: no payload; the result is the run's ReconcileReport. */
export const ReconcileJobName = {
  /** The repeatable run (one job scheduler, whatever the number of replicas). */
  Scheduled: 'reconcile-counters',
  /** A run asked for now (POST /admin/v1/billing/reconcile). */
  Now: 'reconcile-counters-now',
} as const;
export type ReconcileJobName = (typeof ReconcileJobName)[keyof typeof ReconcileJobName];

/** A batch of usage events, in the order they were published. */
export interface UsageBatch {
  events: UsageEvent[];
  /**
   * With tracing on: each event's trace context (W3C `traceparent`, '' for none), by index, so
   * billing's span joins the request's trace (docs/architecture.md §9, Traces). Absent otherwise.
   */
  traceparents?: string[];
}

export interface JobPayloads {
  [JobName.RecordUsageBatch]: UsageBatch;
  [JobName.RecordUsage]: UsageEvent;
}

/**
 * Consumes a batch of usage events (one or more); must be idempotent on requestId, because a
 * failed batch is delivered again.
 */
export type UsageHandler = (events: readonly UsageEvent[], traceparents?: readonly string[]) => Promise<void>;

/** Where usage events are consumed (billing); the in-memory and BullMQ queues implement it. */
export interface UsageConsumer {
  consume(handler: UsageHandler): void;
  close(): Promise<void>;
}

/** Jobs of the "batches" queue: the payload names the batch; its lines' state is in the database. */
export const BatchJobName = {
  RunBatch: 'run-batch',
} as const;
export type BatchJobName = (typeof BatchJobName)[keyof typeof BatchJobName];
