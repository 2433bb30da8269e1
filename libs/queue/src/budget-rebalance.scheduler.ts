import { Logger } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { BudgetJobName, QueueName } from './queue-names';

/** The scheduler's one id: every billing replica upserts the same schedule, so it runs once per period. */
const SCHEDULER_ID = 'rebalance-budgets';

/**
 * Billing's repeatable rebalancing job (docs/architecture.md §6, "Data across regions"): a BullMQ
 * job scheduler in the region's Redis makes one job every `everyMs`, whichever billing replica
 * takes it, however many replicas upsert the schedule. A failed run (the primary unreachable) is
 * not retried: the next period's run reads a fresher ledger anyway, and the allowances published
 * last stay in force meanwhile.
 */
export class BudgetRebalanceScheduler {
  private readonly log = new Logger(BudgetRebalanceScheduler.name);
  private redis: Redis | undefined;
  private queue: Queue | undefined;
  private worker: Worker | undefined;

  constructor(
    private readonly redisUrl: string,
    private readonly everyMs: number,
    private readonly prefix = 'switchyard',
  ) {
    if (!(everyMs > 0)) throw new Error(`the rebalancing period must be positive, got ${everyMs}`);
  }

  async start(run: (now: number) => Promise<void>): Promise<void> {
    // Workers block on Redis: ioredis must not give up on those commands (BullMQ requirement).
    this.redis = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.queue = new Queue(QueueName.BudgetRebalance, { connection: this.redis, prefix: this.prefix });
    await this.queue.upsertJobScheduler(SCHEDULER_ID, { every: this.everyMs }, { name: BudgetJobName.RebalanceBudgets, opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 100 } } });
    // One at a time: two runs at once would only race to write the same allowances.
    this.worker = new Worker(QueueName.BudgetRebalance, async () => run(Date.now()), { connection: this.redis, prefix: this.prefix, concurrency: 1 });
    this.worker.on('failed', (_job, err) => this.log.warn(`budget rebalancing failed (the last allowances stay in force): ${err.message}`));
    this.worker.on('error', (err) => this.log.error(`budget rebalancing worker: ${String(err)}`));
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}
