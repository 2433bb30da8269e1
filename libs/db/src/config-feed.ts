import type { ConfigTopic } from '@switchyard/queue';
import type { ConfigChange, ConfigEntity } from './config-change.types';
import type { Prisma } from './generated/prisma/client';

// The cross-region configuration change feed (docs/architecture.md §1, "Config feed"). The
// config bus is Redis pub/sub and each region has its own Redis, so an announcement stays in
// the region that made the change; a row in Postgres, the one store every region reads, does not.

/** Which replica caches an entity lives in: auth holds tenants and keys, the router the catalogue. */
export const TOPIC_OF = {
  tenant: 'keys',
  key: 'keys',
  // Auth reads a tenant's plan with its keys (the stop at the included usage).
  plan: 'keys',
  provider: 'catalogue',
  model: 'catalogue',
  deployment: 'catalogue',
  price: 'catalogue',
} as const satisfies Record<ConfigEntity, ConfigTopic>;

/** Each topic the changes concern, once (none when nothing changed). */
export function configTopicsOf(changes: readonly ConfigChange[]): ConfigTopic[] {
  return [...new Set(changes.filter((c) => c.action !== 'unchanged').map((c) => TOPIC_OF[c.entity]))];
}

/** Appends serialise on this lock (apart from CONFIG_LOCK_KEY and MIGRATION_LOCK_KEY). */
export const CONFIG_FEED_LOCK_KEY = 72707371;

/**
 * A day: a region that has not polled for that long was down and reloads everything when it
 * starts; the table stays a few rows per change made in the last day.
 */
export const CONFIG_FEED_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Appends one row per topic inside the change's own transaction, so the feed says exactly what
 * committed. The advisory lock is held to the commit, so ids commit in increasing order: a
 * poller that saw id n can never later see a new row below n. The same statement prunes rows
 * past retention (admin changes are rare; the `at` index keeps it cheap).
 */
export async function appendConfigFeed(tx: Prisma.TransactionClient, topics: readonly ConfigTopic[]): Promise<void> {
  if (topics.length === 0) return;
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${CONFIG_FEED_LOCK_KEY})`);
  await tx.configFeedEntry.deleteMany({ where: { at: { lt: new Date(Date.now() - CONFIG_FEED_RETENTION_MS) } } });
  await tx.configFeedEntry.createMany({ data: topics.map((topic) => ({ topic })) });
}
