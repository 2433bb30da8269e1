import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { decodeCachedAnswer, encodeCachedAnswer } from './cached-answer.codec';
import type { CacheWarn, CachedAnswer, ResponseCache } from './response-cache.types';
import { ThrottledWarning, errorText } from './throttled-warning';
import { closeRedisConnection, redisConnectionReady } from '@switchyard/shared';

export interface RedisResponseCacheOptions {
  /** Encoded answers bigger than this are not stored. */
  maxEntryBytes: number;
  /** A Redis that accepts the connection but does not answer is a miss after this long. */
  commandTimeoutMs?: number;
  now?: () => number;
  warn?: CacheWarn;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 250;

/**
 * Answers shared by every router replica (cluster mode): one key per answer, the value the
 * encoded CachedAnswer (see cached-answer.codec.ts), expiry by `SET … PX`.
 *
 * The cache sits on the request path, so a dead Redis must cost nothing: the connection it
 * owns has no offline queue (a command while disconnected fails at once, instead of waiting for
 * a reconnect) and a command timeout (a hung Redis). Both are read as a miss; ioredis keeps
 * reconnecting in the background. It connects eagerly so the first requests find it ready.
 */
export class RedisResponseCache implements ResponseCache {
  private readonly redis: Redis;
  private readonly owned: boolean;
  private readonly warning: ThrottledWarning;

  constructor(redisUrl: string | Redis, private readonly opts: RedisResponseCacheOptions) {
    const log = new Logger(RedisResponseCache.name);
    this.warning = new ThrottledWarning(opts.warn ?? ((m) => log.warn(m)), opts.now ?? Date.now);
    if (typeof redisUrl === 'string') {
      this.redis = new Redis(redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
        connectTimeout: 2_000,
      });
      this.owned = true;
      // Without a listener ioredis prints every failed reconnect; one line a minute is enough.
      this.redis.on('error', (err: unknown) => this.warning.report(`response cache Redis: ${errorText(err)}`));
    } else {
      // A connection handed in belongs to the caller, with its settings and error handling.
      this.redis = redisUrl;
      this.owned = false;
    }
  }

  /** Resolves true once connected, false when the connection was closed first. */
  ready(): Promise<boolean> {
    return redisConnectionReady(this.redis);
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    if (!this.usable()) return undefined;
    try {
      const blob = await this.redis.getBuffer(key);
      return blob ? decodeCachedAnswer(blob) : undefined;
    } catch (err) {
      this.warning.report(`response cache read failed, answering as a miss: ${errorText(err)}`);
      return undefined;
    }
  }

  async set(key: string, answer: CachedAnswer, ttlSeconds: number): Promise<void> {
    const ttlMs = Math.ceil(ttlSeconds * 1000);
    if (!(ttlMs > 0) || !this.usable()) return;
    try {
      const blob = encodeCachedAnswer(answer);
      if (blob.byteLength > this.opts.maxEntryBytes) return;
      await this.redis.set(key, Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength), 'PX', ttlMs);
    } catch (err) {
      this.warning.report(`response cache write failed, answer not cached: ${errorText(err)}`);
    }
  }

  // While disconnected, skip the command: ioredis would reject it at once anyway (no offline
  // queue), but with a fresh Error and stack per request for as long as the outage lasts. A
  // connection handed in with an offline queue gets its commands, queued as its owner chose.
  private usable(): boolean {
    if (this.redis.status === 'ready' || this.redis.options.enableOfflineQueue) return true;
    this.warning.report(`response cache Redis is ${this.redis.status}: reads are misses, writes are dropped`);
    return false;
  }

  async close(): Promise<void> {
    if (this.owned) await closeRedisConnection(this.redis);
  }
}
