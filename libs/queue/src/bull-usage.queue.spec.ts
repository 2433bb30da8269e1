import { Dialect, ErrorKind, type UsageEvent } from '@switchyard/ir';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BullUsageConsumer, BullUsageSink } from './bull-usage.queue';
import { JobName, QueueName } from './queue-names';

// Real Redis (docs/architecture.md §5, usage queue): the queue is what makes usage survive
// restarts. Database 3 is this spec's own.
const REDIS_URL = process.env['TEST_USAGE_QUEUE_REDIS_URL'] ?? 'redis://127.0.0.1:6379/3';

const usage = (requestId: string): UsageEvent => ({ requestId, tenantId: 'acme', model: 'gpt-test', status: 'ok', usage: { inputTokens: 3, outputTokens: 5, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }, keyId: '', providerId: '', deploymentId: '', upstreamModel: '', dialect: Dialect.DIALECT_UNSPECIFIED, stream: false, httpStatus: 0, errorKind: ErrorKind.ERROR_KIND_UNSPECIFIED, latencyMs: 0, ttftMs: 0, region: '', startedAt: 0, finishedAt: 0, cacheHit: false, attempts: 0, clientRequestId: '' });

describe(BullUsageSink.name, () => {
  let prefix: string;
  let sink: BullUsageSink;
  let consumer: BullUsageConsumer;
  const received: UsageEvent[] = [];
  /** Each handler call: one job's events. */
  const batches: (readonly UsageEvent[])[] = [];
  const record = async (events: readonly UsageEvent[]): Promise<void> => {
    batches.push(events);
    received.push(...events);
  };

  beforeEach(() => {
    prefix = `sy-test-${process.pid}-${Date.now()}`;
    received.length = 0;
    batches.length = 0;
    sink = new BullUsageSink(REDIS_URL, prefix);
    consumer = new BullUsageConsumer(REDIS_URL, prefix, 4);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
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

  /** Jobs the queue holds in every state, by name. */
  async function jobNames(): Promise<string[]> {
    const queue = new Queue(QueueName.Usage, { connection: { url: REDIS_URL }, prefix });
    try {
      return (await queue.getJobs()).map((job) => job.name);
    } finally {
      await queue.close();
    }
  }

  it('delivers every published event once, as a few batch jobs of at most 500, with its payload intact', async () => {
    consumer.consume(record);
    for (let i = 0; i < 1200; i++) sink.publish(usage(`req-${i}`));
    await until(1200);
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(1200);
    expect(new Set(received.map((e) => e.requestId)).size).toBe(1200);
    expect(received.find((e) => e.requestId === 'req-7')).toMatchObject(usage('req-7'));
    // 500 sent at once, the next 700 cut in two: one job, one handler call per batch.
    expect(batches.map((b) => b.length).sort((a, b) => a - b)).toEqual([200, 500, 500]);
    expect(await jobNames()).toEqual([JobName.RecordUsageBatch, JobName.RecordUsageBatch, JobName.RecordUsageBatch]);
  });

  it('gathers the events of one flush period into one job', async () => {
    consumer.consume(record);
    for (let i = 0; i < 5; i++) sink.publish(usage(`light-${i}`));
    await until(5);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.map((e) => e.requestId)).toEqual(['light-0', 'light-1', 'light-2', 'light-3', 'light-4']);
  });

  it('leaves what is published during an add for the next flush, so a busy ingress sends few jobs', async () => {
    const queue = sink['queue'];
    const add = queue.add.bind(queue);
    jest.spyOn(queue, 'add').mockImplementationOnce(async (...args) => {
      // Requests finishing while the first job is on its way to Redis.
      for (let i = 0; i < 3; i++) sink.publish(usage(`during-${i}`));
      return add(...args);
    });
    consumer.consume(record);
    sink.publish(usage('first'));
    await sink.flush();
    for (let i = 0; i < 2; i++) sink.publish(usage(`after-${i}`));
    await until(6);
    await new Promise((r) => setTimeout(r, 300));
    expect(batches.map((b) => b.map((e) => e.requestId))).toEqual([['first'], ['during-0', 'during-1', 'during-2', 'after-0', 'after-1']]);
  });

  it('queues a batch once when its add reached Redis but the reply was lost and the add is sent again', async () => {
    const queue = sink['queue'];
    const add = queue.add.bind(queue);
    const spy = jest.spyOn(queue, 'add').mockImplementationOnce(async (...args) => {
      await add(...args);
      throw new Error('connection reset before the reply');
    });
    sink.publish(usage('lost-reply-1'));
    sink.publish(usage('lost-reply-2'));
    await sink.flush();
    // Retried after a second, with the same job id.
    const deadline = Date.now() + 5_000;
    while (spy.mock.calls.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await sink.flush();
    expect(spy).toHaveBeenCalledTimes(2);
    expect(spy.mock.calls[1]?.[2]?.jobId).toBe(spy.mock.calls[0]?.[2]?.jobId);
    consumer.consume(record);
    await until(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(received.map((e) => e.requestId)).toEqual(['lost-reply-1', 'lost-reply-2']);
    expect(await jobNames()).toHaveLength(1);
  });

  it('flushes what is still buffered when closed, so a graceful stop loses nothing', async () => {
    sink.publish(usage('last-words'));
    await sink.close();
    consumer.consume(record);
    await until(1);
    expect(received.map((e) => e.requestId)).toEqual(['last-words']);
    sink = new BullUsageSink(REDIS_URL, prefix);
  });

  it('retries a whole batch when the handler fails, until it succeeds', async () => {
    let failures = 0;
    consumer.consume(async (events) => {
      if (failures++ < 2) throw new Error('ledger briefly unavailable');
      await record(events);
    });
    sink.publish(usage('flaky-1'));
    sink.publish(usage('flaky-2'));
    await until(2);
    expect(batches.map((b) => b.map((e) => e.requestId))).toEqual([['flaky-1', 'flaky-2']]);
    expect(failures).toBe(3);
  });

  it('still consumes single-event jobs published before batches (a cluster being upgraded)', async () => {
    const queue = new Queue(QueueName.Usage, { connection: { url: REDIS_URL }, prefix });
    try {
      await queue.add(JobName.RecordUsage, usage('legacy-1'), { jobId: 'legacy-1' });
    } finally {
      await queue.close();
    }
    consumer.consume(record);
    sink.publish(usage('new-1'));
    await until(2);
    expect(batches.map((b) => b.map((e) => e.requestId)).sort()).toEqual([['legacy-1'], ['new-1']]);
  });
});
