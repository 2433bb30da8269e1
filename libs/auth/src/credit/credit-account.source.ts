import { type Database, loadCreditLedger } from '@switchyard/db';
import type { ModelPrice } from '@switchyard/shared';
import type { KeyRecord, KeySource } from '../key-directory.types';
import type { BalanceAccount } from './balance.types';

/**
 * Marks the keys of prepaid tenants with their balance account (credits and ledger spend), read
 * from the ledger at every key load — the 10-second refresh and every announced change (a
 * top-up is announced), so a top-up reaches every replica within a second.
 */
export class CreditAccountSource implements KeySource {
  constructor(
    private readonly inner: KeySource,
    private readonly db: Database,
  ) {}

  async loadAll(): Promise<Map<string, KeyRecord>> {
    const [keys, ledger] = await Promise.all([this.inner.loadAll(), loadCreditLedger(this.db)]);
    if (!ledger.size) return keys;
    // One account object per tenant, shared by its keys' records.
    const accounts = new Map<string, BalanceAccount>();
    for (const t of ledger.values()) accounts.set(t.tenantId, { tenantId: t.tenantId, creditsNano: t.creditsNano, seedSpentNano: t.spentNano });
    const out = new Map<string, KeyRecord>();
    for (const [hash, record] of keys) {
      const balance = accounts.get(record.tenantId);
      out.set(hash, balance ? { ...record, balance } : record);
    }
    return out;
  }

  loadPrices(): Promise<Map<string, ModelPrice[]>> {
    return this.inner.loadPrices ? this.inner.loadPrices() : Promise.resolve(new Map());
  }
}
