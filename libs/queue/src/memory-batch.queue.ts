/**
 * Where batch runs wait for a worker (docs/architecture.md, "Files and batches"): one job per
 * batch, named by the batch id so adding it twice queues it once. BullMQ in a cluster (and in
 * standalone with Redis); an in-process queue in standalone without Redis.
 */
export interface BatchQueue {
  enqueue(batchId: string): Promise<void>;
  /** Starts running jobs with `run`; a job whose run throws is tried again later. */
  consume(run: (batchId: string) => Promise<void>): void;
  close(): Promise<void>;
}

/**
 * Standalone without Redis: batches run in this process, `concurrency` at a time. A batch whose
 * run failed (the database went away) is tried again after `retryMs`. Nothing is lost on a
 * restart: unfinished batches are found in the database and queued again at start.
 */
export class MemoryBatchQueue implements BatchQueue {
  private readonly waiting: string[] = [];
  private readonly queued = new Set<string>();
  private running = 0;
  private run: ((batchId: string) => Promise<void>) | undefined;
  private closed = false;
  private readonly active = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly concurrency: number,
    private readonly retryMs = 5_000,
  ) {}

  enqueue(batchId: string): Promise<void> {
    if (!this.closed && !this.queued.has(batchId)) {
      this.queued.add(batchId);
      this.waiting.push(batchId);
      this.pump();
    }
    return Promise.resolve();
  }

  consume(run: (batchId: string) => Promise<void>): void {
    this.run = run;
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    await Promise.allSettled([...this.active]);
  }

  private pump(): void {
    const run = this.run;
    while (run && !this.closed && this.running < this.concurrency && this.waiting.length) {
      const id = this.waiting.shift() as string;
      this.running++;
      const p: Promise<void> = run(id).then(
        () => {
          this.queued.delete(id);
        },
        () => {
          this.queued.delete(id);
          if (this.closed) return;
          const t = setTimeout(() => {
            this.timers.delete(t);
            void this.enqueue(id);
          }, this.retryMs);
          this.timers.add(t);
        },
      ).finally(() => {
        this.running--;
        this.active.delete(p);
        this.pump();
      });
      this.active.add(p);
    }
  }
}
