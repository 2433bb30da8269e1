import { DEFAULT_OUTBOUND_POLICY, type NotificationsConfig } from '@switchyard/config';
import { Dialect } from '@switchyard/ir';
import type { AdmitRequest, AdmitResponse } from '@switchyard/ir';
import { BullDeliveryQueue, BullDeliveryWorker, NotificationWorker, Notifier, RedisAlertDedupe, SIGNATURE_HEADER, type SpendAlert, verifyWebhookSignature } from '@switchyard/notify';
import { QueueName } from '@switchyard/queue';
import { hashKey, type ModelPrice } from '@switchyard/shared';
import { WebhookReceiver } from '@switchyard/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AuthService } from './auth.service';
import type { KeyRecord, KeySource } from './key-directory.types';
import { tenantPlanQuota } from './plan-quota';
import { RedisQuotaStore, periodsAt } from './quota';

// Spend alerts end to end (issue 16): two auth replicas settling one tenant's requests in one
// Redis, each with its own notifier; BullMQ carries the deliveries to a real HTTP receiver that
// checks the signature. Each threshold arrives once, and a restarted notifier does not send again.

const REDIS_URL = process.env['TEST_NOTIFY_REDIS_URL'] ?? 'redis://127.0.0.1:6379/5';
const RUN = `spend-${process.pid}-${Date.now()}`;
const SECRET = 'whsec-spend-0123456789abcdef';
// $2 per million input tokens, $8 per million output: 100 in + 400 out cost $0.0034.
const PRICE: ModelPrice = { from: 0, input: 2, output: 8, cachedInput: 2, cacheWrite: 2 };

class Source implements KeySource {
  constructor(private readonly record: KeyRecord) {}
  async loadAll(): Promise<Map<string, KeyRecord>> {
    return new Map([[hashKey('secret'), this.record]]);
  }
  async loadPrices(): Promise<Map<string, ModelPrice[]>> {
    return new Map([['gpt-4o', [PRICE]]]);
  }
}

const ask = (): AdmitRequest => ({
  keyHash: hashKey('secret'),
  model: 'gpt-4o',
  requestId: randomUUID(),
  counted: true,
  inputTokensEstimate: 100,
  inputTokensBound: 100,
  maxOutputTokens: 400,
  clientIp: '',
  dialect: Dialect.DIALECT_UNSPECIFIED,
});
const settleFull = (sut: AuthService, res: AdmitResponse) =>
  sut.settle({ ticket: res.ticket, model: 'gpt-4o', cacheHit: false, usage: { inputTokens: 100, outputTokens: 400, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, startedAtMs: Date.now() });

describe('spend alerts through the notifier', () => {
  let receiver: WebhookReceiver;
  let config: NotificationsConfig;
  let worker: NotificationWorker;
  const closers: (() => Promise<unknown>)[] = [];
  const dedupePrefix = `sy:notify:${RUN}:`;
  const bullPrefix = `sy-${RUN}`;
  const quotaPrefix = `sy:q:${RUN}:`;

  const notifier = () => {
    const n = new Notifier({ webhooks: config.webhooks, budgetThreshold: 0.9, dedupe: new RedisAlertDedupe(REDIS_URL, dedupePrefix), queue: new BullDeliveryQueue(REDIS_URL, bullPrefix) });
    closers.push(() => n.close());
    return n;
  };
  const replica = async (n: Notifier, record: KeyRecord) => {
    const quota = new RedisQuotaStore(REDIS_URL, { prefix: quotaPrefix });
    expect(await quota.ready()).toBe(true);
    const auth = new AuthService(new Source(record), { quota, spendAlerts: n });
    closers.push(() => auth.close());
    await auth.reload();
    return auth;
  };

  beforeAll(async () => {
    process.env['SPEND_HOOK_SECRET'] = SECRET;
    receiver = new WebhookReceiver();
    const url = await receiver.start();
    config = { budgetThreshold: 0.9, webhooks: [{ name: 'billing', url: `${url}/spend`, secret: 'env:SPEND_HOOK_SECRET', events: ['spend'], format: 'json' }] };
    worker = new NotificationWorker(config, new BullDeliveryWorker(REDIS_URL, bullPrefix), { outbound: { ...DEFAULT_OUTBOUND_POLICY, allowHttp: true, allowPrivate: true } });
  });

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await worker.close();
    await receiver.stop();
    const admin = new Redis(REDIS_URL);
    for (const pattern of [`${dedupePrefix}*`, `${bullPrefix}:*`, `${quotaPrefix}*`]) {
      const keys = await admin.keys(pattern);
      if (keys.length) await admin.del(...keys);
    }
    await admin.quit();
    delete process.env['SPEND_HOOK_SECRET'];
  });

  it('sends each threshold of the plan once, signed, whichever replica crossed it', async () => {
    // $0.01 included, priced overage: four requests of $0.0034 reach 34, 68, 102 and 136 %.
    const record: KeyRecord = { id: 'k1', tenantId: 'acme', models: [], expiresAt: undefined, revoked: false, plan: tenantPlanQuota('pro', 'usd', 0.01, false), spendAlerts: [50, 80, 100] };
    const [a, b] = [notifier(), notifier()];
    const replicas = [await replica(a, record), await replica(b, record)];
    for (let i = 0; i < 4; i++) {
      const sut = replicas[i % 2];
      const res = await sut.admit(ask());
      expect(res.admitted).toBe(true);
      await settleFull(sut, res);
    }
    // Everything queued, then everything delivered: nothing more can arrive after this.
    await Promise.all([a.close(), b.close()]);
    await receiver.waitFor(3);
    const queue = new Queue(QueueName.Notifications, { connection: { url: REDIS_URL }, prefix: bullPrefix });
    try {
      for (;;) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if (Object.values(counts).every((n) => n === 0)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await queue.close();
    }

    expect(receiver.received).toHaveLength(3);
    for (const got of receiver.received) {
      expect(verifyWebhookSignature(SECRET, got.headers[SIGNATURE_HEADER] as string, got.body, Date.now())).toBe(true);
      expect(got.headers['x-switchyard-event']).toBe('spend');
    }
    const bodies = receiver.received.map((r) => JSON.parse(r.body) as Record<string, unknown>).sort((x, y) => Number(x['threshold_percent']) - Number(y['threshold_percent']));
    const month = periodsAt(Date.now()).monthId;
    expect(bodies.map((x) => [x['threshold_percent'], x['spent']])).toEqual([
      [50, 0.0068],
      [80, 0.0102],
      [100, 0.0102],
    ]);
    expect(bodies[0]).toMatchObject({ type: 'spend', tenant: 'acme', basis: 'plan', plan: 'pro', period: 'monthly', period_id: month, unit: 'usd', limit: 0.01, id: `spend|acme|plan|${month}|50` });
  });

  it('does not send a threshold again after a restart: the claim lives in Redis until the month ends', async () => {
    const restarted = notifier();
    const now = Date.now();
    const alert: SpendAlert = { type: 'spend', tenantId: 'acme', basis: 'plan', planId: 'pro', periodId: periodsAt(now).monthId, thresholdPercent: 80, unit: 'usd', spent: 0.0102, limit: 0.01, at: now };
    expect(await restarted.send(alert)).toBe(false);
    expect(await restarted.send({ ...alert, thresholdPercent: 90 })).toBe(true);

    const admin = new Redis(REDIS_URL);
    try {
      const ttl = await admin.pttl(`${dedupePrefix}spend|acme|plan|${alert.periodId}|80`);
      expect(ttl).toBeGreaterThan(periodsAt(now).monthEnd - now);
    } finally {
      await admin.quit();
    }
  });
});
