import { Redis } from 'ioredis';
import { closeRedisConnection } from '@switchyard/shared';

// Adds to spent only while the counter exists: a missing one is created by its next admission,
// and one whose period ended has expired for good (quota.scripts.ts).
const ADJUST = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('HINCRBY', KEYS[1], 's', string.format('%d', tonumber(ARGV[1])))
`;

type AdjustRedis = Redis & { syBudgetAdjust: (key: string, delta: string) => Promise<number | null> };

/**
 * The reconciliation's view of the quota store's budget counters in Redis: the day and month
 * hashes of a scope (`<prefix><scope>:d:<yyyymmdd>`, field s = spent nano-USD; the layout is
 * quota.scripts.ts's). Read and corrected by delta, so settles running meanwhile are kept.
 */
export class RedisBudgetCounters {
  private readonly redis: AdjustRedis;

  constructor(
    url: string,
    private readonly prefix = 'sy:q:v1:',
  ) {
    const conn = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 2_000 });
    conn.defineCommand('syBudgetAdjust', { numberOfKeys: 1, lua: ADJUST });
    this.redis = conn as AdjustRedis;
  }

  /** Spent nano-USD of a scope's day (`d`) or month (`m`) counter; undefined when it does not exist. */
  async spent(scope: string, period: 'd' | 'm', id: string): Promise<number | undefined> {
    // An admission writes r first; s appears with the first settle.
    const [s, r] = await this.redis.hmget(`${this.prefix}${scope}:${period}:${id}`, 's', 'r');
    return s === null && r === null ? undefined : Number(s ?? 0);
  }

  async adjust(scope: string, period: 'd' | 'm', id: string, deltaNano: number): Promise<number | undefined> {
    const r = await this.redis.syBudgetAdjust(`${this.prefix}${scope}:${period}:${id}`, String(Math.round(deltaNano)));
    return r === null ? undefined : Number(r);
  }

  close(): Promise<void> {
    return closeRedisConnection(this.redis);
  }
}
