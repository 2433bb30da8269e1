import { Logger } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { BatchQueue } from './memory-batch.queue';
import { BatchJobName, QueueName } from './queue-names';

export interface BullBatchQueueOptions {
  /** Batches run at once by this process's worker. */
  concurrency: number;
  /**
   * How long a worker's lock on a running batch lasts unrenewed: a killed worker's batch is
   * handed to another (or to itself restarted) within about this long (BullMQ's stalled check).
   */
  lockMs: number;
}

const JOB_OPTIONS = {
  // A run that threw (the database went away) is tried again; the lines' own state makes a rerun
  // start where the last one stopped.
  attempts: 50,
  backoff: { type: 'exponential', delay: 2_000 },
  // Removed when done, so a batch can be queued again under its id (a cancel after a restart).
  removeOnComplete: true,
  removeOnFail: true,
} as const;

/**
 * The "batches" queue on BullMQ (docs/architecture.md, "Files and batches"): one job per batch
 * (job id = batch id, so queuing it twice queues it once). A worker that dies mid-batch stops
 * renewing its lock; BullMQ's stalled check puts the job back and the next worker resumes it
 * from the lines' persisted state.
 */
export class BullBatchQueue implements BatchQueue {
  private readonly log = new Logger(BullBatchQueue.name);
  private readonly redis: Redis;
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private workerRedis: Redis | undefined;

  constructor(
    private readonly url: string,
    private readonly options: BullBatchQueueOptions,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: null });
    this.queue = new Queue(QueueName.Batches, { connection: this.redis });
  }

  async enqueue(batchId: string): Promise<void> {
    await this.queue.add(BatchJobName.RunBatch, { batchId }, { ...JOB_OPTIONS, jobId: batchId });
  }

  consume(run: (batchId: string) => Promise<void>): void {
    this.workerRedis = new Redis(this.url, { maxRetriesPerRequest: null });
    const lockMs = this.options.lockMs;
    this.worker = new Worker(QueueName.Batches, (job) => run((job.data as { batchId: string }).batchId), {
      connection: this.workerRedis,
      concurrency: this.options.concurrency,
      lockDuration: lockMs,
      // Stalled jobs are looked for as often as a lock lasts: a dead worker's batch waits at most ~2 × lockMs.
      stalledInterval: lockMs,
      maxStalledCount: 100,
    });
    this.worker.on('failed', (job, err) => this.log.warn(`batch ${String(job?.id)} run failed (it will be tried again): ${err.message}`));
    this.worker.on('error', (err) => this.log.warn(`batch worker: ${err.message}`));
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    await Promise.all([this.redis, this.workerRedis].map((r) => r?.quit().catch(() => undefined)));
  }
}
