import { DEFAULT_OUTBOUND_POLICY, SecretBox, type WebhookConfig } from '@switchyard/config';
import { randomBytes, randomUUID } from 'node:crypto';
import type { WebhookDelivery } from './alert.types';
import { BullDeliveryQueue, BullDeliveryWorker } from './bull-delivery.queue';
import { PermanentDeliveryError } from './delivery-queue.types';
import { MemoryDeliveryQueue } from './memory-delivery.queue';
import { DELIVERY_HEADER, EVENT_HEADER, WebhookDeliverer, webhookSecretContext } from './webhook-deliverer';
import { WebhookReceiver } from '@switchyard/testing';
import { SIGNATURE_HEADER, verifyWebhookSignature } from './webhook-signature';

const REDIS_URL = process.env['TEST_NOTIFY_REDIS_URL'] ?? 'redis://127.0.0.1:6379/5';
const LOCAL = { ...DEFAULT_OUTBOUND_POLICY, allowHttp: true, allowPrivate: true };
const SECRET = 'whsec-test-0123456789';
const env = { HOOK_SECRET: SECRET };
const at = Date.UTC(2026, 11, 6, 12, 0, 0);
const delivery = (id = `d-${randomUUID()}`, webhook = 'ops'): WebhookDelivery => ({
  id,
  webhook,
  alert: { type: 'health', transition: 'ejected', deploymentId: 'dep-1', model: 'm', providerId: 'p', upstreamModel: 'u', at },
});

describe(WebhookDeliverer.name, () => {
  let receiver: WebhookReceiver;
  let url: string;
  let hooks: WebhookConfig[];
  let sut: WebhookDeliverer;

  beforeAll(async () => {
    receiver = new WebhookReceiver();
    url = await receiver.start();
  });
  afterAll(() => receiver.stop());
  beforeEach(() => {
    receiver.received.length = 0;
    hooks = [{ name: 'ops', url: `${url}/hooks/ops?team=a`, secret: 'env:HOOK_SECRET', events: ['health'], format: 'json' }];
    sut = new WebhookDeliverer(hooks, { outbound: LOCAL, env });
  });
  afterEach(() => sut.close());

  it('posts the body signed with the webhook secret, with its delivery id and event type', async () => {
    const d = delivery();
    await sut.deliver(d);
    const [got] = receiver.received;
    expect(got?.path).toBe('/hooks/ops?team=a');
    expect(got?.headers['content-type']).toBe('application/json');
    expect(got?.headers[DELIVERY_HEADER]).toBe(d.id);
    expect(got?.headers[EVENT_HEADER]).toBe('health');
    expect(verifyWebhookSignature(SECRET, got?.headers[SIGNATURE_HEADER] as string, got?.body ?? '', Date.now())).toBe(true);
    expect(JSON.parse(got?.body ?? '')).toMatchObject({ id: d.id, type: 'health', transition: 'ejected', deployment: 'dep-1' });
  });

  it('rejects a 5xx or 429 so the queue retries, and fails a 4xx for good', async () => {
    receiver.answer(500, 429, 404);
    await expect(sut.deliver(delivery())).rejects.toThrow('HTTP 500');
    await expect(sut.deliver(delivery())).rejects.not.toBeInstanceOf(PermanentDeliveryError);
    await expect(sut.deliver(delivery())).rejects.toBeInstanceOf(PermanentDeliveryError);
  });

  it('refuses for good a receiver the outbound policy forbids, before sending anything', async () => {
    const strict = new WebhookDeliverer(hooks, { outbound: { ...LOCAL, allowPrivate: false }, env });
    try {
      await expect(strict.deliver(delivery())).rejects.toBeInstanceOf(PermanentDeliveryError);
      expect(receiver.received).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it('fails for good without its secret, or for a webhook no longer configured', async () => {
    const unset = new WebhookDeliverer(hooks, { outbound: LOCAL, env: {} });
    try {
      await expect(unset.deliver(delivery())).rejects.toThrow(new PermanentDeliveryError('webhook ops: env:HOOK_SECRET is not set'));
      await expect(sut.deliver(delivery('x', 'gone'))).rejects.toBeInstanceOf(PermanentDeliveryError);
    } finally {
      await unset.close();
    }
  });

  it('opens a sealed secret sealed for the webhook', async () => {
    const box = new SecretBox(new Map([['k1', randomBytes(32)]]), 'k1');
    const sealed = box.seal(SECRET, webhookSecretContext('ops'));
    const sealedHooks = [{ ...hooks[0], secret: sealed } as WebhookConfig];
    const withBox = new WebhookDeliverer(sealedHooks, { outbound: LOCAL, box });
    const withoutBox = new WebhookDeliverer(sealedHooks, { outbound: LOCAL });
    try {
      await withBox.deliver(delivery());
      const [got] = receiver.received;
      expect(verifyWebhookSignature(SECRET, got?.headers[SIGNATURE_HEADER] as string, got?.body ?? '', Date.now())).toBe(true);
      await expect(withoutBox.deliver(delivery())).rejects.toBeInstanceOf(PermanentDeliveryError);
    } finally {
      await Promise.all([withBox.close(), withoutBox.close()]);
    }
  });
});

describe.each([
  ['in memory', () => {
    const q = new MemoryDeliveryQueue({ attempts: 3, backoffMs: 50 });
    return { queue: q, consumer: q };
  }],
  ['through BullMQ and Redis', () => {
    const prefix = `sy-test-notify-${randomUUID()}`;
    return { queue: new BullDeliveryQueue(REDIS_URL, prefix, { attempts: 3, backoffMs: 50 }), consumer: new BullDeliveryWorker(REDIS_URL, prefix) };
  }],
])('%s: delivery retries', (_, make) => {
  let receiver: WebhookReceiver;
  let deliverer: WebhookDeliverer;
  let parts: ReturnType<typeof make>;

  beforeEach(async () => {
    receiver = new WebhookReceiver();
    const url = await receiver.start();
    deliverer = new WebhookDeliverer([{ name: 'ops', url: `${url}/hook`, secret: 'env:HOOK_SECRET', events: ['health'], format: 'slack' }], { outbound: LOCAL, env });
    parts = make();
    parts.consumer.consume(deliverer.deliver);
  });
  afterEach(async () => {
    await parts.queue.close();
    await parts.consumer.close();
    await deliverer.close();
    await receiver.stop();
  });

  it('retries a failed delivery with backoff until the receiver takes it, each attempt signed afresh', async () => {
    receiver.answer(500, 503);
    await parts.queue.enqueue(delivery());
    const got = await receiver.waitFor(3);
    expect(got.map((r) => r.status)).toEqual([500, 503, 200]);
    for (const r of got) expect(verifyWebhookSignature(SECRET, r.headers[SIGNATURE_HEADER] as string, r.body, Date.now())).toBe(true);
  });

  it('gives up after the last attempt', async () => {
    receiver.answer(500, 500, 500, 500, 500);
    await parts.queue.enqueue(delivery());
    await receiver.waitFor(3);
    // One more backoff and a half later, nothing more came.
    await new Promise((r) => setTimeout(r, 600));
    expect(receiver.received).toHaveLength(3);
  });

  it('does not retry an answer retrying cannot change', async () => {
    receiver.answer(410);
    const d = delivery();
    await parts.queue.enqueue(d);
    await receiver.waitFor(1);
    await parts.queue.enqueue(delivery());
    await receiver.waitFor(2);
    expect(receiver.received.map((r) => [r.headers[DELIVERY_HEADER] === d.id, r.status])).toEqual([
      [true, 410],
      [false, 200],
    ]);
  });

  it('queues a delivery id once while it is held', async () => {
    receiver.answer(500);
    const d = delivery();
    await Promise.all([parts.queue.enqueue(d), parts.queue.enqueue(d)]);
    await receiver.waitFor(2);
    await parts.queue.enqueue(d);
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.received.map((r) => r.status)).toEqual([500, 200]);
  });
});
