import { Logger } from '@nestjs/common';
import type { NotificationEventKind, WebhookConfig } from '@switchyard/config';
import { type Alert, type BudgetAlert, alertKey } from './alert.types';
import type { AlertDedupe } from './alert-dedupe';
import type { DeliveryQueue } from './delivery-queue.types';
import { describe } from './memory-delivery.queue';

/**
 * A deployment's transition is announced once per minute at most, across replicas: each router
 * replica keeps its own health (docs/architecture.md §1), so N replicas see one outage N times,
 * within a window or two of each other; and a deployment flapping faster than this is one story.
 */
export const HEALTH_ALERT_WINDOW_MS = 60_000;
// A budget alert's claim outlives its period by a day: a replica whose clock is a little behind
// must not announce the period again.
const PERIOD_MARGIN_MS = 86_400_000;

export interface NotifierOptions {
  webhooks: readonly WebhookConfig[];
  budgetThreshold: number;
  dedupe: AlertDedupe;
  queue: DeliveryQueue;
}

/**
 * The producer side (auth for budgets, the router for health): claims the alert's dedupe key and
 * queues one delivery per webhook that subscribed to its type. `notify` never throws and never
 * blocks its caller — it is called from the request path's settle and the router's health
 * transitions; a failure is logged.
 */
export class Notifier {
  private readonly log = new Logger('Notifications');
  readonly budgetThreshold: number;
  private readonly byKind: ReadonlyMap<NotificationEventKind, readonly WebhookConfig[]>;
  private readonly sending = new Set<Promise<unknown>>();

  constructor(private readonly opts: NotifierOptions) {
    this.budgetThreshold = opts.budgetThreshold;
    const kinds: NotificationEventKind[] = ['budget', 'health', 'spend'];
    this.byKind = new Map(kinds.map((k) => [k, opts.webhooks.filter((w) => w.events.includes(k))]));
  }

  /** Whether any webhook wants alerts of this kind (producers skip the work otherwise). */
  wants(kind: NotificationEventKind): boolean {
    return (this.byKind.get(kind)?.length ?? 0) > 0;
  }

  notify(alert: Alert): void {
    const sent = this.send(alert).catch((err: unknown) => this.log.error(`alert ${alertKey(alert)} not queued: ${describe(err)}`));
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }

  /** Resolves true when the alert was queued, false when a webhook-less kind or a duplicate. */
  async send(alert: Alert): Promise<boolean> {
    const targets = this.byKind.get(alert.type) ?? [];
    if (targets.length === 0) return false;
    const id = alertKey(alert);
    const ttl = claimTtl(alert);
    if (!(await this.opts.dedupe.claim(id, ttl, alert.at))) return false;
    await Promise.all(targets.map((w) => this.opts.queue.enqueue({ id, webhook: w.name, alert })));
    return true;
  }

  /** Waits for alerts being queued, then closes the dedupe and the queue. */
  async close(): Promise<void> {
    await Promise.all([...this.sending]);
    await Promise.all([this.opts.dedupe.close(), this.opts.queue.close()]);
  }
}

/**
 * How long an alert's claim holds: a budget or spend alert's until its period ends (a spend alert's
 * is the month: once per threshold and period, across replicas and restarts while Redis keeps it).
 */
function claimTtl(alert: Alert): number {
  switch (alert.type) {
    case 'budget':
      return periodEnd(alert) + PERIOD_MARGIN_MS - alert.at;
    case 'spend':
      return periodEnd({ period: 'monthly', periodId: alert.periodId }) + PERIOD_MARGIN_MS - alert.at;
    case 'health':
      return HEALTH_ALERT_WINDOW_MS;
  }
}

/** End (epoch ms, UTC) of the alert's period, from its id (`yyyymmdd` or `yyyymm`). */
export function periodEnd(alert: Pick<BudgetAlert, 'period' | 'periodId'>): number {
  const y = Number(alert.periodId.slice(0, 4));
  const m = Number(alert.periodId.slice(4, 6)) - 1;
  return alert.period === 'daily' ? Date.UTC(y, m, Number(alert.periodId.slice(6, 8)) + 1) : Date.UTC(y, m + 1, 1);
}
