import { hashKey, type ModelPrice } from '@switchyard/shared';
import { KeyDirectory, type KeyDirectoryLoad, concernsKeys } from './key-directory';
import type { KeyRecord, KeySource } from './key-directory.types';

const NOW = Date.parse('2026-03-10T12:00:00Z');

function key(id: string, over: Partial<KeyRecord> = {}): KeyRecord {
  return { id, tenantId: 'acme', models: [], expiresAt: undefined, revoked: false, ...over };
}

/** A key store whose loads can be held open, to see what a change announced during one does. */
class Source implements KeySource {
  keys = new Map<string, KeyRecord>();
  loads = 0;
  priceLoads = 0;
  failing = false;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((r) => (this.open = r));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  async loadAll(): Promise<Map<string, KeyRecord>> {
    this.loads++;
    // What the database holds when the query runs, not when it answers.
    const snapshot = new Map(this.keys);
    await this.gate;
    if (this.failing) throw new Error('database unreachable');
    return snapshot;
  }

  async loadPrices(): Promise<Map<string, ModelPrice[]>> {
    this.priceLoads++;
    return new Map();
  }
}

describe(KeyDirectory.name, () => {
  let source: Source;

  beforeEach(() => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    source = new Source();
  });

  afterEach(() => jest.restoreAllMocks());

  it('builds each plan once per load, and marks the keys with nothing to count', async () => {
    source.keys.set(hashKey('free'), key('k-free'));
    source.keys.set(hashKey('rpm'), key('k-rpm', { limits: { rpm: 5 } }));
    const loads: KeyDirectoryLoad[] = [];
    const sut = new KeyDirectory(source, { onLoad: (l) => loads.push(l) });

    await sut.reload();

    expect(sut.get(hashKey('free'))).toMatchObject({ countsNothing: true, principal: { keyId: 'k-free' } });
    expect(sut.get(hashKey('rpm'))).toMatchObject({ countsNothing: false, scopes: [{ id: 'key:k-rpm' }] });
    expect(sut.get(hashKey('free'))).toBe(sut.get(hashKey('free')));
    expect(loads).toHaveLength(1);
    expect(loads[0]?.plans.size).toBe(2);
  });

  it('loads no prices when told it counts nothing', async () => {
    await new KeyDirectory(source, { prices: false }).reload();
    await new KeyDirectory(source).reload();

    expect(source.priceLoads).toBe(1);
  });

  it('follows a change announced during a load with one more load, shared by every announcement meanwhile', async () => {
    const sut = new KeyDirectory(source);
    source.hold();
    const running = sut.reload();
    source.keys.set(hashKey('new'), key('k-new'));

    const announced = [sut.invalidate(), sut.invalidate()];
    source.release();
    await Promise.all([running, ...announced]);

    expect(source.loads).toBe(2);
    expect(sut.get(hashKey('new'))?.record.id).toBe('k-new');
  });

  it('keeps the last load when a reload fails', async () => {
    source.keys.set(hashKey('free'), key('k-free'));
    const sut = new KeyDirectory(source);
    await sut.reload();
    source.failing = true;

    await expect(sut.reload()).rejects.toThrow('database unreachable');

    expect(sut.get(hashKey('free'))?.record.id).toBe('k-free');
  });

  it('reloads for an unknown key at most once a second', async () => {
    const sut = new KeyDirectory(source);
    await sut.reload();
    source.keys.set(hashKey('new'), key('k-new'));

    const tooSoon = await sut.find(hashKey('new'));
    jest.spyOn(Date, 'now').mockReturnValue(NOW + 1_001);
    const later = await sut.find(hashKey('new'));

    expect(tooSoon).toBeUndefined();
    expect(later?.record.id).toBe('k-new');
    expect(source.loads).toBe(2);
  });

  it('reloads for changes to keys and prices, not for admin tokens', () => {
    expect([concernsKeys('keys'), concernsKeys('catalogue'), concernsKeys('admin-tokens')]).toEqual([true, true, false]);
  });
});
