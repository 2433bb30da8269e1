import type { CreditCountersPort, LiveBalance, ReconcileReport } from '@switchyard/ir';
import { nanoToUsd } from '../quota/quota-units';
import type { BalanceStore } from './balance.types';
import type { CounterReconciler } from './counter.reconciler';

/**
 * The counters' owner answering for them (CreditCountersPort): live balances for the admin API
 * and GET /v1/me, and a reconciliation run now.
 */
export class CreditCountersService implements CreditCountersPort {
  constructor(
    private readonly balance: BalanceStore,
    private readonly reconciler: CounterReconciler,
  ) {}

  async liveBalance(tenantId: string): Promise<LiveBalance> {
    const u = await this.balance.usage(tenantId, Date.now());
    return { counted: u.seeded, spentUsd: nanoToUsd(u.spentNano), reservedUsd: nanoToUsd(u.reservedNano), inFlight: u.inFlight };
  }

  reconcile(): Promise<ReconcileReport> {
    return this.reconciler.run();
  }
}
