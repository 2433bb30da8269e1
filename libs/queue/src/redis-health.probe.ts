import { Redis } from 'ioredis';
import { closeRedisConnection } from '@switchyard/shared';

/**
 * Answers "does Redis answer?" for a service's health (grpc.health.v1) on a connection of its
 * own: the queue's and the quota store's connections retry and buffer, so a PING on them could
 * wait behind other work or succeed from a stale state. No offline queue, so a PING while
 * disconnected fails at once instead of waiting for a reconnect.
 */
export class RedisHealthProbe {
  readonly name = 'redis';
  private readonly redis: Redis;

  constructor(url: string) {
    // disconnectTimeout: ioredis otherwise keeps the process alive 2 s after close() when the
    // connection was down (its timer to destroy a socket that did not close).
    this.redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, disconnectTimeout: 200 });
    // Failures are reported as NOT_SERVING by the monitor; an unhandled 'error' event would crash.
    this.redis.on('error', () => undefined);
  }

  async check(): Promise<boolean> {
    if (this.redis.status === 'wait') await this.redis.connect();
    return (await this.redis.ping()) === 'PONG';
  }

  close(): Promise<void> {
    // Not connected (never checked, or Redis is down): there is nothing to quit, and a reconnect
    // may be scheduled; disconnect() cancels it.
    if (this.redis.status !== 'ready') {
      this.redis.disconnect();
      return Promise.resolve();
    }
    return closeRedisConnection(this.redis);
  }
}
