import { MemoryResponseCache, RedisResponseCache, type ResponseCache } from '@switchyard/cache';
import type { CacheConfig } from '@switchyard/config';

/**
 * The response cache of a router: shared through Redis when there is one (every replica and
 * region-local ingress sees the same entries), else an in-memory LRU of this process.
 */
export function createResponseCache(redisUrl: string | undefined, config: CacheConfig): ResponseCache {
  if (redisUrl) return new RedisResponseCache(redisUrl, { maxEntryBytes: config.maxEntryBytes });
  return new MemoryResponseCache({ maxBytes: config.maxBytes, maxEntryBytes: config.maxEntryBytes });
}
