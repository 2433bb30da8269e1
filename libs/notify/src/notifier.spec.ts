import type { WebhookConfig } from '@switchyard/config';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { BudgetAlert, HealthAlert, WebhookDelivery } from './alert.types';
import { type AlertDedupe, MemoryAlertDedupe, RedisAlertDedupe } from './alert-dedupe';
import type { DeliveryQueue } from './delivery-queue.types';
import { HEALTH_ALERT_WINDOW_MS, Notifier, periodEnd } from './notifier';

const REDIS_URL = process.env['TEST_NOTIFY_REDIS_URL'] ?? 'redis://127.0.0.1:6379/5';
const at = Date.UTC(2026, 11, 6, 12, 0, 0);
const hook = (name: string, events: WebhookConfig['events']): WebhookConfig => ({ name, url: 'https://h.example.com/', secret: 'env:S', events, format: 'json' });
const budget = (over: Partial<BudgetAlert> = {}): BudgetAlert => ({
  type: 'budget', level: 'threshold', scope: 'tenant', tenantId: 'acme', period: 'daily', periodId: '20261206', spentUsd: 9, limitUsd: 10, thresholdRatio: 0.9, at, ...over,
});
const health = (over: Partial<HealthAlert> = {}): HealthAlert => ({
  type: 'health', transition: 'circuit_opened', deploymentId: 'dep-1', model: 'm', providerId: 'p', upstreamModel: 'u', at, ...over,
});

/** Records what the notifier queues. */
class RecordingQueue implements DeliveryQueue {
  readonly queued: WebhookDelivery[] = [];
  async enqueue(d: WebhookDelivery): Promise<void> {
    this.queued.push(d);
  }
  async close(): Promise<void> {}
}

describe(periodEnd.name, () => {
  it('ends a day at the next UTC midnight and a month at the first of the next', () => {
    expect(periodEnd({ period: 'daily', periodId: '20261231' })).toBe(Date.UTC(2027, 0, 1));
    expect(periodEnd({ period: 'monthly', periodId: '202612' })).toBe(Date.UTC(2027, 0, 1));
  });
});

describe.each<[string, () => AlertDedupe]>([
  ['in memory', () => new MemoryAlertDedupe()],
  ['in Redis', () => new RedisAlertDedupe(REDIS_URL, `sy:test:notify:${randomUUID()}:`)],
])('%s: Notifier', (_, makeDedupe) => {
  let dedupe: AlertDedupe;
  let queue: RecordingQueue;
  let sut: Notifier;

  beforeEach(() => {
    dedupe = makeDedupe();
    queue = new RecordingQueue();
    sut = new Notifier({ webhooks: [hook('ops', ['budget', 'health']), hook('pager', ['health'])], budgetThreshold: 0.9, dedupe, queue });
  });
  afterEach(() => sut.close());

  it('queues one delivery per webhook subscribed to the alert type', async () => {
    await expect(sut.send(health())).resolves.toBe(true);
    expect(queue.queued.map((d) => [d.webhook, d.id])).toEqual([
      ['ops', 'health|dep-1|circuit_opened'],
      ['pager', 'health|dep-1|circuit_opened'],
    ]);
    await sut.send(budget());
    expect(queue.queued.slice(2).map((d) => d.webhook)).toEqual(['ops']);
  });

  it('announces a budget level once per scope and period, however often it is reported', async () => {
    const results = await Promise.all([sut.send(budget()), sut.send(budget({ spentUsd: 9.5 })), sut.send(budget())]);
    expect(results.filter(Boolean)).toHaveLength(1);
    // Another level, scope or period is another alert.
    await expect(sut.send(budget({ level: 'exhausted', thresholdRatio: 1 }))).resolves.toBe(true);
    await expect(sut.send(budget({ scope: 'key', keyId: 'k1' }))).resolves.toBe(true);
    await expect(sut.send(budget({ periodId: '20261207', at: at + 86_400_000 }))).resolves.toBe(true);
    expect(queue.queued).toHaveLength(4);
  });

  it('announces a deployment transition at most once a minute', async () => {
    await expect(sut.send(health())).resolves.toBe(true);
    await expect(sut.send(health({ at: at + 1000 }))).resolves.toBe(false);
    await expect(sut.send(health({ transition: 'circuit_closed' }))).resolves.toBe(true);
    if (dedupe instanceof MemoryAlertDedupe) await expect(sut.send(health({ at: at + HEALTH_ALERT_WINDOW_MS }))).resolves.toBe(true);
  });

  it('queues nothing for a type no webhook wants', async () => {
    const only = new Notifier({ webhooks: [hook('pager', ['health'])], budgetThreshold: 0.9, dedupe: new MemoryAlertDedupe(), queue });
    expect(only.wants('budget')).toBe(false);
    expect(only.wants('health')).toBe(true);
    await expect(only.send(budget())).resolves.toBe(false);
    expect(queue.queued).toEqual([]);
  });
});

describe(RedisAlertDedupe.name, () => {
  it('lets one of two replicas through, and expires with the time to live', async () => {
    const prefix = `sy:test:notify:${randomUUID()}:`;
    const [a, b] = [new RedisAlertDedupe(REDIS_URL, prefix), new RedisAlertDedupe(REDIS_URL, prefix)];
    const redis = new Redis(REDIS_URL);
    try {
      const claims = await Promise.all([a.claim('k', 60_000, at), b.claim('k', 60_000, at)]);
      expect(claims.sort()).toEqual([false, true]);
      const ttl = await redis.pttl(`${prefix}k`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      await Promise.all([a.close(), b.close()]);
      redis.disconnect();
    }
  });

  it('does not send when Redis cannot be reached', async () => {
    const dead = new RedisAlertDedupe('redis://127.0.0.1:1/0');
    try {
      await expect(dead.claim('k', 1000, at)).resolves.toBe(false);
    } finally {
      await dead.close();
    }
  });
});
