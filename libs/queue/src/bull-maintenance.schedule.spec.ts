import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BullMaintenanceSchedule } from './bull-maintenance.schedule';
import { MaintenanceJobName, QueueName } from './queue-names';

// Real Redis: the job scheduler is what makes one run per period across billing replicas.
// Database 3 is the queue specs' own; each test has its own key prefix.
const REDIS_URL = process.env['TEST_USAGE_QUEUE_REDIS_URL'] ?? 'redis://127.0.0.1:6379/3';

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never: ${what}`);
}

describe(BullMaintenanceSchedule.name, () => {
  let prefix: string;
  let inspect: Queue;
  let redis: Redis;
  const opened: BullMaintenanceSchedule[] = [];
  const open = () => {
    const s = new BullMaintenanceSchedule(REDIS_URL, prefix);
    opened.push(s);
    return s;
  };

  beforeEach(() => {
    prefix = `sy-maint-${process.pid}-${Date.now()}`;
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    inspect = new Queue(QueueName.BillingMaintenance, { connection: redis, prefix });
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await inspect.obliterate({ force: true });
    await inspect.close();
    await redis.quit();
  });

  it('runs the job repeatedly, once per period however many replicas schedule it', async () => {
    const runs: string[] = [];
    await Promise.all(['a', 'b', 'c'].map((name) => open().schedule(MaintenanceJobName.PurgeUsage, 300, async () => void runs.push(name))));
    expect(await inspect.getJobSchedulers()).toHaveLength(1);
    await until(() => runs.length >= 3, 'three runs');
    await Promise.all(opened.splice(0).map((s) => s.close()));
    // Each period's job ran once: three replicas did not triple it.
    const done = await inspect.getJobs(['completed']);
    expect(done.length).toBe(runs.length);
    expect(new Set(done.map((j) => j.name))).toEqual(new Set([MaintenanceJobName.PurgeUsage]));
  });

  it('stops scheduling when the job is unscheduled (retention turned off)', async () => {
    await open().schedule(MaintenanceJobName.PurgeUsage, 60_000, async () => undefined);
    expect(await inspect.getJobSchedulers()).toHaveLength(1);
    await open().unschedule(MaintenanceJobName.PurgeUsage);
    expect(await inspect.getJobSchedulers()).toHaveLength(0);
  });
});
