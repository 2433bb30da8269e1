import type { UsageEvent } from '@switchyard/ir';
import { Redis } from 'ioredis';
import { BullUsageConsumer, BullUsageSink } from './bull-usage.queue';

// Real Redis (DESIGN.md §9): the queue is what makes usage survive restarts.
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/8';

const usage = (requestId: string): UsageEvent => ({ requestId, tenantId: 'acme', model: 'gpt-test', status: 'ok', usage: { inputTokens: 3, outputTokens: 5 } });

describe(BullUsageSink.name, () => {
  let prefix: string;
  let sink: BullUsageSink;
  let consumer: BullUsageConsumer;
  const received: UsageEvent[] = [];

  beforeEach(() => {
    prefix = `sy-test-${process.pid}-${Date.now()}`;
    received.length = 0;
    sink = new BullUsageSink(REDIS_URL, prefix);
    consumer = new BullUsageConsumer(REDIS_URL, prefix, 4);
  });

  afterEach(async () => {
    await sink.close();
    await consumer.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  async function until(count: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (received.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }

  it('delivers every published event once, in bulk, with its payload intact', async () => {
    consumer.consume(async (events) => {
      received.push(...events);
    });
    for (let i = 0; i < 1200; i++) sink.publish(usage(`req-${i}`));
    await until(1200);
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(1200);
    expect(new Set(received.map((e) => e.requestId)).size).toBe(1200);
    expect(received.find((e) => e.requestId === 'req-7')).toMatchObject(usage('req-7'));
  });

  it('queues a request id once even when it is published twice', async () => {
    consumer.consume(async (events) => {
      received.push(...events);
    });
    sink.publish(usage('dup-1'));
    await sink.flush();
    sink.publish(usage('dup-1'));
    sink.publish(usage('other'));
    await until(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(received.map((e) => e.requestId).sort()).toEqual(['dup-1', 'other']);
  });

  it('flushes what is still buffered when closed, so a graceful stop loses nothing', async () => {
    sink.publish(usage('last-words'));
    await sink.close();
    consumer.consume(async (events) => {
      received.push(...events);
    });
    await until(1);
    expect(received.map((e) => e.requestId)).toEqual(['last-words']);
    sink = new BullUsageSink(REDIS_URL, prefix);
  });

  it('retries delivery when the handler fails, until it succeeds', async () => {
    let failures = 0;
    consumer.consume(async (events) => {
      if (failures++ < 2) throw new Error('ledger briefly unavailable');
      received.push(...events);
    });
    sink.publish(usage('flaky'));
    await until(1);
    expect(received.map((e) => e.requestId)).toEqual(['flaky']);
    expect(failures).toBe(3);
  });
});
