import { Logger } from '@nestjs/common';
import { closeRedisConnection } from '@switchyard/shared';
import { Redis } from 'ioredis';
import { EventEmitter } from 'node:events';

// Every replica caches configuration (auth: keys and prices; router: models and deployments;
// ingress: admin tokens)
// and refreshes it on a timer. A change made through the admin API or `switchyard apply` is
// announced here so that every replica reloads at once instead (docs/architecture.md §1, "Config
// bus"; the admin API promises every replica within a second).

/** What changed, so a replica can skip reloads that do not concern it. */
export const CONFIG_TOPICS = ['keys', 'catalogue', 'admin-tokens'] as const;
export type ConfigTopic = (typeof CONFIG_TOPICS)[number];

/**
 * Pub/sub channels are server-wide, whatever database a connection selected: the channel is
 * named after the database of the Redis URL, so installations sharing a Redis server on
 * different databases (and test suites) do not reload each other.
 */
export function configChangeChannel(redisUrl: string): string {
  const db = /^\/(\d+)/.exec(new URL(redisUrl).pathname)?.[1] ?? '0';
  return `switchyard:config-changed:${db}`;
}

export interface ConfigChangeBus {
  publish(topic: ConfigTopic): Promise<void>;
  /** The handler runs on every replica (this one included) for each published topic. */
  subscribe(handler: (topic: ConfigTopic) => void): void;
  close(): Promise<void>;
}

/** One process: standalone without Redis. */
export class MemoryConfigChangeBus implements ConfigChangeBus {
  private readonly events = new EventEmitter();

  publish(topic: ConfigTopic): Promise<void> {
    this.events.emit('change', topic);
    return Promise.resolve();
  }

  subscribe(handler: (topic: ConfigTopic) => void): void {
    this.events.on('change', handler);
  }

  close(): Promise<void> {
    this.events.removeAllListeners();
    return Promise.resolve();
  }
}

/**
 * Redis pub/sub. Publishing uses a plain connection, receiving a second one in subscriber mode
 * (created on the first subscribe). Pub/sub is fire-and-forget: a replica that is disconnected
 * when a change is published misses it, so on every reconnect the handlers run for every topic,
 * and the replicas' refresh timers remain the last resort.
 */
export class RedisConfigChangeBus implements ConfigChangeBus {
  private readonly log = new Logger(RedisConfigChangeBus.name);
  private readonly publisher: Redis;
  private subscriber: Redis | undefined;
  private readonly handlers: ((topic: ConfigTopic) => void)[] = [];
  private subscribed: Promise<unknown> = Promise.resolve();
  private readonly channel: string;

  constructor(private readonly url: string) {
    this.channel = configChangeChannel(url);
    this.publisher = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.publisher.on('error', (e: Error) => this.log.warn(`redis: ${e.message}`));
  }

  async publish(topic: ConfigTopic): Promise<void> {
    await this.publisher.publish(this.channel, topic);
  }

  subscribe(handler: (topic: ConfigTopic) => void): void {
    this.handlers.push(handler);
    if (this.subscriber) return;
    const sub = new Redis(this.url, { maxRetriesPerRequest: null });
    this.subscriber = sub;
    sub.on('error', (e: Error) => this.log.warn(`redis subscriber: ${e.message}`));
    let connectedBefore = false;
    sub.on('ready', () => {
      // ioredis re-subscribes by itself after a reconnect; what was published meanwhile is lost.
      if (connectedBefore) for (const t of CONFIG_TOPICS) this.emit(t);
      connectedBefore = true;
    });
    sub.on('message', (_channel: string, message: string) => {
      if ((CONFIG_TOPICS as readonly string[]).includes(message)) this.emit(message as ConfigTopic);
    });
    this.subscribed = sub.subscribe(this.channel).catch((e: unknown) => this.log.warn(`subscribe failed: ${String(e)}`));
  }

  /** Resolves once the subscription is active (tests, and start-up ordering). */
  async ready(): Promise<void> {
    await this.subscribed;
  }

  async close(): Promise<void> {
    await Promise.all([closeRedisConnection(this.publisher), this.subscriber ? closeRedisConnection(this.subscriber) : undefined]);
  }

  private emit(topic: ConfigTopic): void {
    for (const h of this.handlers) {
      try {
        h(topic);
      } catch (e) {
        this.log.warn(`config change handler failed: ${String(e)}`);
      }
    }
  }
}

export function createConfigChangeBus(redisUrl: string | undefined): ConfigChangeBus {
  return redisUrl ? new RedisConfigChangeBus(redisUrl) : new MemoryConfigChangeBus();
}
