// Billing's repeatable rebalancing job on a real Redis: the schedule makes jobs that run the
// rebalance, a failed run does not stop the next, and two replicas upserting the same schedule
// still run one job at a time.
import { Redis } from 'ioredis';
import { BudgetRebalanceScheduler } from './budget-rebalance.scheduler';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379/8';
const PREFIX = `sy-test-rebalance-${process.pid}-${Date.now().toString(36)}`;

describe(BudgetRebalanceScheduler.name, () => {
  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${PREFIX}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('runs the rebalance again after a run that failed, one run at a time across replicas', async () => {
    const one = new BudgetRebalanceScheduler(REDIS_URL, 1000, PREFIX);
    const two = new BudgetRebalanceScheduler(REDIS_URL, 1000, PREFIX);
    let running = 0;
    let overlapped = false;
    const runs: number[] = [];
    const third = new Promise<void>((resolve) => {
      const run = async (now: number) => {
        overlapped ||= running > 0;
        running++;
        runs.push(now);
        await new Promise((r) => setTimeout(r, 50));
        running--;
        if (runs.length === 3) resolve();
        // The first run fails (the primary unreachable): the schedule goes on regardless.
        if (runs.length === 1) throw new Error('primary unreachable');
      };
      void Promise.all([one.start(run), two.start(run)]);
    });
    try {
      await third;
      expect(overlapped).toBe(false);
      expect(runs[1]).toBeGreaterThan(runs[0]);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  }, 30_000);

  it('refuses a period that is not positive', () => {
    expect(() => new BudgetRebalanceScheduler(REDIS_URL, 0)).toThrow('positive');
  });
});
