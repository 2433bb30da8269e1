import { Logger } from '@nestjs/common';
import { CONFIG_TOPICS, type ConfigTopic } from '@switchyard/queue';
import type { Database } from './database';

export interface ConfigFeedFollowerOptions {
  /** The region's read database (its replica, or the primary). */
  read: Database;
  /** Poll period (SWITCHYARD_CONFIG_FEED_POLL_MS). */
  intervalMs: number;
  /** Runs for each topic that changed, as a config bus subscriber does. */
  onChange: (topic: ConfigTopic) => void;
}

/**
 * Follows the configuration change feed (config-feed.ts) from one process: every interval one
 * `SELECT max(id)` (an index-only look-up on the primary key); only when it moved, one more
 * query for the topics of the new rows, each handed to `onChange`. Every auth, router and
 * standalone process follows for itself and reloads its own caches (no leader to elect or lose;
 * the idle cost is one indexed query per interval per process). A failed poll (the database
 * unreachable) changes nothing: the caches keep what they hold and the next poll catches up.
 */
export class ConfigFeedFollower {
  private readonly log = new Logger(ConfigFeedFollower.name);
  private timer: NodeJS.Timeout | undefined;
  /** The last id seen; undefined until the first poll answers. */
  private seen: bigint | undefined;
  private polling: Promise<void> | undefined;
  private failing = false;
  /** Caches of the same process that reload on the same changes (`listen`). */
  private readonly listeners: ((topic: ConfigTopic) => void)[] = [];

  constructor(private readonly options: ConfigFeedFollowerOptions) {}

  /** Takes the current end of the feed as the start (the caches were just loaded), then polls. */
  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.options.intervalMs);
    this.timer.unref();
  }

  /**
   * Another cache of this process to reload on each change: one poll per interval serves every
   * cache of the process (the ingress's key directory and its admin tokens), where a follower
   * each cost a query and a wake-up apiece (docs/architecture.md §7, idle).
   */
  listen(onChange: (topic: ConfigTopic) => void): void {
    this.listeners.push(onChange);
  }

  /** One poll now (the timer's, or a test's); concurrent calls share the one in flight. */
  poll(): Promise<void> {
    this.polling ??= this.pollOnce().finally(() => (this.polling = undefined));
    return this.polling;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  private async pollOnce(): Promise<void> {
    try {
      const last = await this.maxId();
      if (this.failing) this.log.log('configuration change feed readable again');
      this.failing = false;
      const seen = this.seen;
      this.seen = last;
      if (seen === undefined || last === seen) return;
      // Fewer rows than before: the feed was emptied or the database restored. Reload everything.
      const topics = last < seen ? [...CONFIG_TOPICS] : await this.topicsBetween(seen, last);
      for (const topic of topics) this.emit(topic);
    } catch (error) {
      if (!this.failing) this.log.warn(`configuration change feed unreadable, keeping the cached configuration: ${String(error)}`);
      this.failing = true;
    }
  }

  private async maxId(): Promise<bigint> {
    const [row] = await this.options.read.withSession((s) => s.query<{ max: string | null }>('SELECT max(id)::text AS max FROM config_feed'));
    return BigInt(row?.max ?? '0');
  }

  private async topicsBetween(after: bigint, upTo: bigint): Promise<ConfigTopic[]> {
    const rows = await this.options.read.withSession((s) =>
      s.query<{ topic: string }>('SELECT DISTINCT topic FROM config_feed WHERE id > $1 AND id <= $2', [after.toString(), upTo.toString()]),
    );
    // Rows may have been pruned past a long outage: an unknown or missing topic reloads both.
    const topics = rows.map((r) => r.topic).filter((t): t is ConfigTopic => (CONFIG_TOPICS as readonly string[]).includes(t));
    return topics.length > 0 ? topics : [...CONFIG_TOPICS];
  }

  private emit(topic: ConfigTopic): void {
    this.deliver(this.options.onChange, topic);
    for (const listener of this.listeners) this.deliver(listener, topic);
  }

  private deliver(onChange: (topic: ConfigTopic) => void, topic: ConfigTopic): void {
    try {
      onChange(topic);
    } catch (error) {
      this.log.warn(`configuration change handler failed: ${String(error)}`);
    }
  }
}
