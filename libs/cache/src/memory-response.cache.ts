import { Logger } from '@nestjs/common';
import { decodeCachedAnswer, encodeCachedAnswer } from './cached-answer.codec';
import type { CacheWarn, CachedAnswer, ResponseCache } from './response-cache.types';
import { ThrottledWarning, errorText } from './throttled-warning';

export interface MemoryResponseCacheOptions {
  /** Total bytes kept (encoded answers plus keys); least recently used entries go first. */
  maxBytes: number;
  /** Encoded answers bigger than this are not kept. */
  maxEntryBytes: number;
  warn?: CacheWarn;
}

interface Entry {
  blob: Uint8Array;
  expiresAt: number;
  bytes: number;
}

// Map bookkeeping, the key string and the entry object per entry, roughly; it keeps a cache of
// many tiny answers from using far more memory than maxBytes says.
const ENTRY_OVERHEAD_BYTES = 96;

/**
 * In-process LRU for standalone without Redis. A Map keeps insertion order, so moving an entry
 * to the end on a hit and evicting from the front is LRU at O(1) per operation. Answers are
 * stored encoded (the Redis format): sizes are exact, and what a caller does to the events it
 * got back (e.g. marking the start as a cache hit) cannot change what is stored. Expired entries
 * are dropped when read, or evicted by recency like any other.
 */
export class MemoryResponseCache implements ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly warning: ThrottledWarning;

  constructor(
    private readonly opts: MemoryResponseCacheOptions,
    private readonly now: () => number = Date.now,
  ) {
    const log = new Logger(MemoryResponseCache.name);
    this.warning = new ThrottledWarning(opts.warn ?? ((m) => log.warn(m)), now);
  }

  /** Entries and bytes held, for metrics. */
  get stats(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.remove(key, entry);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    try {
      return decodeCachedAnswer(entry.blob);
    } catch (err) {
      this.remove(key, entry);
      this.warning.report(`response cache entry unreadable, answering as a miss: ${errorText(err)}`);
      return undefined;
    }
  }

  async set(key: string, answer: CachedAnswer, ttlSeconds: number): Promise<void> {
    if (!(ttlSeconds > 0)) return;
    let blob: Uint8Array;
    try {
      blob = encodeCachedAnswer(answer);
    } catch (err) {
      this.warning.report(`response cache could not encode an answer: ${errorText(err)}`);
      return;
    }
    const bytes = blob.byteLength + key.length * 2 + ENTRY_OVERHEAD_BYTES;
    if (blob.byteLength > this.opts.maxEntryBytes || bytes > this.opts.maxBytes) return;
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    this.entries.set(key, { blob, bytes, expiresAt: this.now() + ttlSeconds * 1000 });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.opts.maxBytes) break;
      this.remove(oldest, entry);
    }
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.bytes = 0;
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
