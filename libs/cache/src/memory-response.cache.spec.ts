import { encodeCachedAnswer } from './cached-answer.codec';
import { MemoryResponseCache } from './memory-response.cache';
import { CachedAnswer } from './response-cache.types';
import { completeAnswer } from './test-answers';

const answer = (body: string): CachedAnswer => ({ events: completeAnswer(body), storedAt: 1_000 });
const bodyOf = (a: CachedAnswer | undefined) => (a?.events[1].event?.$case === 'textDelta' ? a.events[1].event.value.text : undefined);
// What one entry costs in the LRU's accounting: encoded answer + key (UTF-16) + fixed overhead.
const cost = (key: string, a: CachedAnswer) => encodeCachedAnswer(a).byteLength + key.length * 2 + 96;

describe(MemoryResponseCache.name, () => {
  let clock: number;
  const now = () => clock;
  const warnings: string[] = [];
  const make = (maxBytes: number, maxEntryBytes = 1_000_000) => new MemoryResponseCache({ maxBytes, maxEntryBytes, warn: (m) => warnings.push(m) }, now);

  beforeEach(() => {
    clock = 10_000;
    warnings.length = 0;
  });

  it('answers what was stored, as a copy the caller may change', async () => {
    const sut = make(1_000_000);
    await sut.set('k', answer('one'), 60);
    const first = await sut.get('k');
    expect(bodyOf(first)).toBe('one');
    expect(first?.storedAt).toBe(1_000);
    if (first?.events[0].event?.$case === 'start') first.events[0].event.value.cacheHit = true;
    const second = await sut.get('k');
    expect(second?.events[0].event?.$case === 'start' && second.events[0].event.value.cacheHit).toBe(false);
    expect(await sut.get('other')).toBeUndefined();
  });

  it('honours the TTL on read and forgets the expired entry', async () => {
    const sut = make(1_000_000);
    await sut.set('k', answer('one'), 30);
    clock += 29_999;
    expect(bodyOf(await sut.get('k'))).toBe('one');
    clock += 1;
    expect(await sut.get('k')).toBeUndefined();
    expect(sut.stats).toEqual({ entries: 0, bytes: 0 });
  });

  it('evicts the least recently used entries by bytes, a read counting as use', async () => {
    const a = answer('aaaa'), b = answer('bbbb'), c = answer('cccc');
    const sut = make(cost('a', a) + cost('b', b) + cost('c', c) - 1);
    await sut.set('a', a, 60);
    await sut.set('b', b, 60);
    expect(bodyOf(await sut.get('a'))).toBe('aaaa'); // a is now more recent than b
    await sut.set('c', c, 60);
    expect(await sut.get('b')).toBeUndefined();
    expect(bodyOf(await sut.get('a'))).toBe('aaaa');
    expect(bodyOf(await sut.get('c'))).toBe('cccc');
    expect(sut.stats).toEqual({ entries: 2, bytes: cost('a', a) + cost('c', c) });
  });

  it('evicts as many entries as a big newcomer needs', async () => {
    const small = answer('s');
    const big = answer('x'.repeat(500));
    const sut = make(cost('big', big) + cost('s1', small));
    await sut.set('s1', small, 60);
    await sut.set('s2', small, 60);
    await sut.set('s3', small, 60);
    await sut.set('big', big, 60);
    expect(await sut.get('s1')).toBeUndefined();
    expect(await sut.get('s2')).toBeUndefined();
    expect(bodyOf(await sut.get('s3'))).toBe('s');
    expect(bodyOf(await sut.get('big'))).toBe('x'.repeat(500));
  });

  it('refuses entries over maxEntryBytes, or bigger than the whole cache, keeping what it had', async () => {
    const big = answer('x'.repeat(200));
    const limit = encodeCachedAnswer(big).byteLength;
    const sut = make(1_000_000, limit - 1);
    await sut.set('small', answer('s'), 60);
    await sut.set('big', big, 60);
    expect(await sut.get('big')).toBeUndefined();
    expect(sut.stats.entries).toBe(1);

    const tiny = make(cost('big', big) - 1, limit);
    await tiny.set('big', big, 60);
    expect(tiny.stats).toEqual({ entries: 0, bytes: 0 });
    const exact = make(cost('big', big), limit);
    await exact.set('big', big, 60);
    expect(bodyOf(await exact.get('big'))).toBe('x'.repeat(200));
  });

  it('replaces an entry under the same key without counting it twice', async () => {
    const sut = make(1_000_000);
    await sut.set('k', answer('one'), 60);
    await sut.set('k', answer('two'), 60);
    expect(bodyOf(await sut.get('k'))).toBe('two');
    expect(sut.stats).toEqual({ entries: 1, bytes: cost('k', answer('two')) });
  });

  it('stores nothing for a TTL that is not positive', async () => {
    const sut = make(1_000_000);
    await sut.set('zero', answer('z'), 0);
    await sut.set('negative', answer('n'), -5);
    expect(sut.stats.entries).toBe(0);
  });

  it('drops everything on close', async () => {
    const sut = make(1_000_000);
    await sut.set('k', answer('one'), 60);
    await sut.close();
    expect(await sut.get('k')).toBeUndefined();
    expect(warnings).toEqual([]);
  });
});
