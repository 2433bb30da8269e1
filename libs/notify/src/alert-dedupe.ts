import { Logger } from '@nestjs/common';
import { closeRedisConnection } from '@switchyard/shared';
import { Redis } from 'ioredis';

/**
 * Lets one alert through per key and time to live: across replicas with Redis (cluster, or
 * standalone with REDIS_URL), within the process otherwise.
 */
export interface AlertDedupe {
  /** True for the first claim of `key` within `ttlMs`; false afterwards (or when it cannot tell). */
  claim(key: string, ttlMs: number, now: number): Promise<boolean>;
  close(): Promise<void>;
}

// Bounds the memory of a long-running process: expired entries are swept once this many are held.
const SWEEP_AT = 1024;

/** In-process claims. Budget alerts are one per scope, period and level, so this stays small. */
export class MemoryAlertDedupe implements AlertDedupe {
  private readonly until = new Map<string, number>();

  async claim(key: string, ttlMs: number, now: number): Promise<boolean> {
    return this.claimNow(key, ttlMs, now);
  }

  /** Synchronous, for the Redis dedupe's local first pass. */
  claimNow(key: string, ttlMs: number, now: number): boolean {
    const held = this.until.get(key);
    if (held !== undefined && held > now) return false;
    if (this.until.size >= SWEEP_AT) for (const [k, t] of this.until) if (t <= now) this.until.delete(k);
    this.until.set(key, now + ttlMs);
    return true;
  }

  forget(key: string): void {
    this.until.delete(key);
  }

  async close(): Promise<void> {
    this.until.clear();
  }
}

/**
 * Claims in Redis (`SET key 1 PX ttl NX`): the first replica to see a crossing sends it. A local
 * claim goes first, so a replica asks Redis at most once per key and time to live, however many
 * requests cross or are refused meanwhile. When Redis does not answer, the alert is not sent
 * (logged): sending it from every replica would be worse than a late one from none.
 */
export class RedisAlertDedupe implements AlertDedupe {
  private readonly log = new Logger(RedisAlertDedupe.name);
  private readonly local = new MemoryAlertDedupe();
  private readonly redis: Redis;

  constructor(redisUrl: string, private readonly prefix = 'sy:notify:v1:') {
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 2, connectTimeout: 2_000, commandTimeout: 2_000 });
    this.redis.on('error', () => undefined);
  }

  async claim(key: string, ttlMs: number, now: number): Promise<boolean> {
    if (!this.local.claimNow(key, ttlMs, now)) return false;
    try {
      return (await this.redis.set(this.prefix + key, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
    } catch (err) {
      this.local.forget(key);
      this.log.error(`alert ${key} not sent: Redis did not answer the dedupe claim (${String(err)})`);
      return false;
    }
  }

  async close(): Promise<void> {
    // A connection that never came up (or went down) has nothing to flush: quit would wait for it.
    if (this.redis.status === 'ready') await closeRedisConnection(this.redis);
    else this.redis.disconnect();
  }
}
