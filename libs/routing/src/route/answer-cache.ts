import { type CachedAnswer, isCacheable, responseCacheKey, type ResponseCache } from '@switchyard/cache';
import type { ChatRequest, ResponseEvent } from '@switchyard/ir';
import type { ModelEntry } from '../catalogue.types';

/** Where one chat request's answer is cached, and whether the client lets it be read. */
export interface CacheSlot {
  readonly key: string;
  readonly ttlSeconds: number;
  /** False with `x-switchyard-cache: no-cache`: the answer is stored but not looked up. */
  readonly readable: boolean;
}

/**
 * The response cache as the router uses it: the same question from the same tenant to the
 * model that would serve it is answered from the cache (models with `cache.ttlSeconds` only).
 */
export class AnswerCache {
  constructor(private readonly cache: ResponseCache | undefined) {}

  /** Undefined when this answer is not cached: no cache, a model without a TTL, or `no-store`. */
  slotFor(request: ChatRequest, serving: ModelEntry | undefined): CacheSlot | undefined {
    const mode = request.meta?.cacheMode ?? '';
    const ttlSeconds = serving?.cacheTtlSeconds;
    if (!this.cache || !ttlSeconds || mode === 'no-store') return undefined;
    return { key: responseCacheKey(request.meta?.tenantId ?? '', { ...request, model: serving?.name ?? '' }), ttlSeconds, readable: mode !== 'no-cache' };
  }

  async get(slot: CacheSlot): Promise<CachedAnswer | undefined> {
    return this.cache?.get(slot.key);
  }

  /** Stores a complete answer (the cache's own rule: one that ended well); never waits for it. */
  store(slot: CacheSlot, events: ResponseEvent[], choices: number): void {
    if (this.cache && isCacheable(events, choices)) void this.cache.set(slot.key, { events, storedAt: Date.now() }, slot.ttlSeconds);
  }
}

/** Replays a cached answer: the same events, marked as a hit, with no attempts and no upstream time. */
export async function* replay(events: ResponseEvent[], model: string): AsyncGenerator<ResponseEvent> {
  for (const ev of events) {
    if (ev.event?.$case === 'start') yield { event: { $case: 'start', value: { ...ev.event.value, model, cacheHit: true, attempts: 0, attemptLog: [] } } };
    else if (ev.event?.$case === 'usage') yield { event: { $case: 'usage', value: { ...ev.event.value, upstreamSeconds: 0 } } };
    else yield ev;
  }
}
