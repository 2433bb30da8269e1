import type { ModelPrice } from '@switchyard/shared';
import type { KeyRecord, KeySource } from './key-directory.types';

// For this library's specs: the keys and prices an AuthService loads, held in memory.

/** A key of tenant acme, valid, for every model, with `over` on top. */
export function keyRecord(id: string, over: Partial<KeyRecord> = {}): KeyRecord {
  return { id, tenantId: 'acme', models: [], expiresAt: undefined, revoked: false, ...over };
}

/** Keys by hash, set by the spec; one model, gpt-4o, at `price`. */
export class MemoryKeySource implements KeySource {
  readonly keys = new Map<string, KeyRecord>();

  constructor(private readonly price: ModelPrice) {}

  async loadAll(): Promise<Map<string, KeyRecord>> {
    return new Map(this.keys);
  }

  async loadPrices(): Promise<Map<string, ModelPrice[]>> {
    return new Map([['gpt-4o', [this.price]]]);
  }
}
