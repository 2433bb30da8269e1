import { Logger } from '@nestjs/common';
import type { UsageEvent, UsageSink } from '@switchyard/ir';
import { Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { TRACING, metricSeries } from '@switchyard/telemetry';
import { randomUUID } from 'node:crypto';
import { JobName, QueueName, UsageBatch, UsageConsumer, UsageHandler } from './queue-names';
import { UsageTraces } from './usage-traces';

// One job per batch of events (issue 11): a BullMQ job's life cycle (add, fetch, lock, complete:
// several Lua scripts) and billing's INSERT are paid once per batch, not once per request.
// Exactly-once recording: the batch's job id is minted once and kept across its retries, so an
// add whose reply was lost and is sent again does not queue the batch twice (BullMQ ignores an
// add with the id of a job it still holds); billing's insert is idempotent on request id for
// the rest (a batch delivered again, an event published twice).
const JOB_OPTIONS = {
  attempts: 20,
  backoff: { type: 'exponential', delay: 500 },
  // Completed jobs are kept an hour so a late retried add still finds its id; 10,000 batches is
  // far more than an hour of ingress flushes (one per 50 ms at most per ingress when busy).
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

// Events are buffered for up to 50 ms and sent as one job: one Redis round trip per batch instead
// of a Lua script per request on the ingress. While Redis is unreachable they stay buffered
// (bounded) and are retried.
const FLUSH_MS = 50;
const MAX_BATCH = 500;
const RETRY_MS = 1000;
const MAX_BUFFERED = 100_000;

// Billing's default number of batch jobs handled at once, per process. Each job is one INSERT of
// up to 500 rows, so a few in flight keep the ledger busy while the next job is fetched; more
// would only hold more pool connections (the pg pool's default is 10) and renew more locks. Two
// replicas of billing with 4 each is still 8 parallel inserts, above what one ingress produces.
const DEFAULT_CONCURRENCY = 4;

/** Events cut into a batch, with the job id they keep until Redis has taken them. */
interface PendingBatch {
  readonly jobId: string;
  readonly events: UsageEvent[];
}

/** Producer side (ingress): publish never blocks the response; close() flushes what is buffered. */
export class BullUsageSink implements UsageSink {
  private readonly log = new Logger(BullUsageSink.name);
  private readonly queue: Queue;
  // BullMQ does not close a connection it was handed; we own it and quit it on close().
  private readonly redis: Redis;
  /** Published, not yet in a batch. */
  private buffer: UsageEvent[] = [];
  /** Cut into batches, not yet taken by Redis (oldest first). */
  private unsent: PendingBatch[] = [];
  /** Events in `buffer` and `unsent`: the bound is checked on every publish. */
  private held = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly traces = new UsageTraces();

  constructor(redisUrl: string, prefix = 'switchyard') {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 3, enableOfflineQueue: true });
    this.queue = new Queue(QueueName.Usage, { connection: this.redis, prefix });
  }

  publish(event: UsageEvent): void {
    if (this.held >= MAX_BUFFERED) this.dropOldest();
    this.buffer.push(event);
    if (TRACING.on) this.traces.remember(event);
    this.held++;
    if (this.buffer.length >= MAX_BATCH) void this.flush();
    else this.schedule(FLUSH_MS);
  }

  /**
   * Sends everything buffered; resolves when done or when Redis refused (then retried later).
   * Events published while it sends wait for the next flush unless they fill a batch (`all`:
   * they go too, for close()).
   */
  flush(all = false): Promise<void> {
    this.flushing ??= this.send(all).finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.flushing) await this.flushing;
    await this.flush(true);
    if (this.held) this.log.error(`${this.held} usage events could not be queued before shutdown`);
    await this.queue.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private schedule(delayMs: number): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
  }

  private dropOldest(): void {
    const oldest = this.unsent[0];
    const dropped = oldest ? oldest.events.shift() : this.buffer.shift();
    if (oldest?.events.length === 0) this.unsent.shift();
    this.held--;
    this.log.error(`usage buffer full (Redis unreachable?): dropped usage event ${dropped?.requestId}`);
  }

  private async send(all: boolean): Promise<void> {
    // What was buffered when the flush began is cut into batches now; after that, only full
    // batches. Under load, sending what arrived during each add at once made a trickle of small
    // jobs (a few events each at ~2,000 requests/s), each a whole job life cycle in billing.
    for (let first = true; ; first = false) {
      while (this.buffer.length >= (first || all ? 1 : MAX_BATCH)) this.unsent.push({ jobId: randomUUID(), events: this.buffer.splice(0, MAX_BATCH) });
      const batch = this.unsent[0];
      if (!batch) {
        if (this.buffer.length) this.schedule(FLUSH_MS);
        return;
      }
      try {
        const data: UsageBatch = { events: batch.events, traceparents: TRACING.on ? this.traces.of(batch.events) : undefined };
        await this.queue.add(JobName.RecordUsageBatch, data, { ...JOB_OPTIONS, jobId: batch.jobId });
      } catch (err) {
        this.log.error(`${this.held} usage events not queued yet, retrying: ${String(err)}`);
        this.schedule(RETRY_MS);
        return;
      }
      // By identity: dropOldest may have emptied and removed this batch while it was being sent.
      const at = this.unsent.indexOf(batch);
      if (at >= 0) {
        this.unsent.splice(at, 1);
        this.held -= batch.events.length;
      }
    }
  }
}

/** The events a job carries: a batch, or one event in a job published before issue 11. */
function eventsOf(job: Job): UsageBatch {
  const name = job.name as JobName;
  switch (name) {
    case JobName.RecordUsageBatch:
      return job.data as UsageBatch;
    case JobName.RecordUsage:
      return { events: [job.data as UsageEvent] };
    default: {
      // Not ours to guess at: failed at once (kept with the failed jobs), never retried.
      const unknown: never = name;
      throw new UnrecoverableError(`unknown usage job name ${String(unknown)}`);
    }
  }
}

/** Consumer side (billing): the handler gets a whole batch job's events at once. */
export class BullUsageConsumer implements UsageConsumer {
  private worker: Worker | undefined;
  private redis: Redis | undefined;
  private queue: Queue | undefined;
  private readonly stopGauges: (() => void)[] = [];

  constructor(
    private readonly redisUrl: string,
    private readonly prefix = 'switchyard',
    private readonly concurrency = DEFAULT_CONCURRENCY,
  ) {}

  consume(handler: UsageHandler): void {
    // Workers block on Redis: ioredis must not give up on those commands (BullMQ requirement).
    this.redis = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.worker = new Worker(
      QueueName.Usage,
      async (job: Job) => {
        const batch = eventsOf(job);
        return handler(batch.events, batch.traceparents);
      },
      {
        connection: this.redis,
        prefix: this.prefix,
        concurrency: this.concurrency,
      },
    );
    this.worker.on('error', (err) => new Logger(BullUsageConsumer.name).error(`usage worker: ${String(err)}`));
    this.watchQueue(this.redis);
  }

  /**
   * switchyard_usage_queue_depth and _oldest_age_seconds, read when Prometheus scrapes: three
   * small Redis reads (the job counts, the oldest waiting and the next delayed job), nothing per
   * event. Depth counts jobs, each a batch of events (docs/metrics.md).
   */
  private watchQueue(connection: Redis): void {
    const queue = (this.queue = new Queue(QueueName.Usage, { connection, prefix: this.prefix }));
    const { usageQueueDepth, usageQueueOldestAge } = metricSeries();
    this.stopGauges.push(
      usageQueueDepth.collect(async (set) => {
        const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
        set({}, Object.values(counts).reduce((a, b) => a + b, 0));
      }),
      usageQueueOldestAge.collect(async (set) => {
        const [[waiting], [delayed]] = await Promise.all([queue.getJobs(['waiting'], 0, 0, true), queue.getJobs(['delayed'], 0, 0, true)]);
        const oldest = Math.min(waiting?.timestamp ?? Infinity, delayed?.timestamp ?? Infinity);
        set({}, Number.isFinite(oldest) ? Math.max(0, (Date.now() - oldest) / 1000) : 0);
      }),
    );
  }

  async close(): Promise<void> {
    for (const stop of this.stopGauges.splice(0)) stop();
    await this.queue?.close();
    await this.worker?.close();
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
