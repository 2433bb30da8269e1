import { Logger } from '@nestjs/common';
import { KeyDirectory, LocalAdmission, concernsKeys, regionKeySource } from '@switchyard/auth';
import type { SwitchyardEnv } from '@switchyard/config';
import { ConfigFeedFollower, createDatabase } from '@switchyard/db';
import type { AuthPort } from '@switchyard/ir';
import { type ConfigTopic, RedisConfigChangeBus } from '@switchyard/queue';

export interface LocalAdmissionWiring {
  /** The ingress's auth port: keys with nothing to count admitted here, the rest asked of `auth`. */
  port: AuthPort;
  /** The change feed it follows, for the ingress's other caches to listen to (one poll for all). */
  feed: ConfigFeedFollower;
  close(): Promise<void>;
}

/**
 * Issue 11's lever (docs/architecture.md, "Cluster: admission at the ingress"): the ingress keeps
 * a copy of auth's key directory — the same loader on the same database (the region's replica,
 * else the primary), refreshed the same way (the config bus, the change feed, the 10 s timer) —
 * and admits from it the keys with nothing to count, without an Admit round trip. Off without a
 * database or Redis to follow changes by, or with SWITCHYARD_INGRESS_ADMITS_UNLIMITED=false:
 * then every admission is auth's.
 */
export async function startLocalAdmission(env: SwitchyardEnv, auth: AuthPort): Promise<LocalAdmissionWiring | undefined> {
  const url = env.DATABASE_READ_URL ?? env.DATABASE_URL;
  if (!env.SWITCHYARD_INGRESS_ADMITS_UNLIMITED || !url || !env.REDIS_URL) return undefined;
  const log = new Logger('LocalAdmission');
  const read = await createDatabase({ databaseUrl: url });
  const directory = new KeyDirectory(regionKeySource(read, env), { prices: false });
  const reload = (topic: ConfigTopic) => {
    if (concernsKeys(topic)) void directory.invalidate().catch((e: unknown) => log.warn(`key reload after a configuration change failed: ${String(e)}`));
  };
  // Subscribed before the first load: a change announced while it runs is not missed.
  const bus = new RedisConfigChangeBus(env.REDIS_URL);
  bus.subscribe(reload);
  // Changes committed in other regions, whose announcements stay on their own Redis (issue 15).
  const feed = new ConfigFeedFollower({ read, intervalMs: env.SWITCHYARD_CONFIG_FEED_POLL_MS, onChange: reload });
  // In the background: the ingress serves from the start, every key through auth (a key this
  // directory does not know is asked of auth) until the first load lands; on a busy machine that
  // load (Prisma compiling its queries) took seconds. The feed's end is taken before the load, so
  // a change committed in between is seen by its next poll. A failed first load leaves the
  // directory empty until the timer's next one succeeds.
  void feed
    .start()
    .then(() => directory.start())
    .catch((e: unknown) => log.warn(`first key load failed; admitting through auth until a reload succeeds: ${String(e)}`));
  return {
    port: new LocalAdmission(directory, auth),
    feed,
    async close() {
      // A load still running fails on the closed database and is only logged.
      directory.stop();
      await Promise.all([bus.close(), feed.close()]);
      await read.close();
    },
  };
}
