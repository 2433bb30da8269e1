import type { ResponseEvent } from '@switchyard/ir';

/** A cached answer: the IR events of a complete, successful response (start … stop, usage), replayable as a stream or folded to JSON. */
export interface CachedAnswer {
  events: ResponseEvent[];
  /** Epoch milliseconds when the answer was produced (for an `age` header). */
  storedAt: number;
}

/**
 * Where answers are kept. Neither method throws: a cache that is broken, unreachable or holds
 * an unreadable entry answers as a miss and drops the write, so the request goes upstream.
 */
export interface ResponseCache {
  get(key: string): Promise<CachedAnswer | undefined>;
  /** Refuses (silently) entries over `maxEntryBytes` and a TTL that is not positive. */
  set(key: string, answer: CachedAnswer, ttlSeconds: number): Promise<void>;
  close(): Promise<void>;
}

/** Where a cache reports trouble; called at most once a minute (see ThrottledWarning). */
export type CacheWarn = (message: string) => void;
