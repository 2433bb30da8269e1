import type { BalanceReserveInput, BalanceReserveResult, BalanceStore, BalanceUsage } from './balance.types';

interface Account {
  spent: number;
  reserved: number;
  leases: Map<string, { nano: number; expiresAt: number }>;
}

/**
 * The standalone twin of RedisBalanceStore for one process without Redis: the same reserve,
 * reclaim and settle rules (balance-store.spec.ts runs the same cases against both). A JavaScript
 * turn is atomic, so check-then-reserve needs no lock.
 */
export class MemoryBalanceStore implements BalanceStore {
  private readonly accounts = new Map<string, Account>();

  async reserve(input: BalanceReserveInput): Promise<BalanceReserveResult> {
    const { account, requestId, now, leaseMs } = input;
    const nano = Math.max(0, Math.round(input.nano));
    let a = this.accounts.get(account.tenantId);
    if (!a) {
      a = { spent: account.seedSpentNano, reserved: 0, leases: new Map() };
      this.accounts.set(account.tenantId, a);
    }
    for (const [id, lease] of a.leases) {
      if (lease.expiresAt > now) continue;
      a.leases.delete(id);
      a.reserved -= lease.nano;
      a.spent += lease.nano;
    }
    const held = a.leases.get(requestId);
    if (held) {
      held.expiresAt = Math.max(held.expiresAt, now + leaseMs);
      return { admitted: true, availableNano: account.creditsNano - a.spent - a.reserved };
    }
    const available = account.creditsNano - a.spent - a.reserved;
    if (available <= 0 || nano > available) return { admitted: false, availableNano: available };
    a.reserved += nano;
    a.leases.set(requestId, { nano, expiresAt: now + leaseMs });
    return { admitted: true, availableNano: available - nano };
  }

  async settle(tenantId: string, requestId: string, usedNano: number): Promise<number | undefined> {
    const a = this.accounts.get(tenantId);
    const lease = a?.leases.get(requestId);
    if (!a || !lease) return undefined;
    a.leases.delete(requestId);
    a.reserved -= lease.nano;
    a.spent += Math.max(0, Math.round(usedNano));
    return a.spent;
  }

  async heartbeat(tenantId: string, requestId: string, now: number, leaseMs: number): Promise<void> {
    const lease = this.accounts.get(tenantId)?.leases.get(requestId);
    if (lease && lease.expiresAt < now + leaseMs) lease.expiresAt = now + leaseMs;
  }

  async usage(tenantId: string, now: number): Promise<BalanceUsage> {
    const a = this.accounts.get(tenantId);
    let inFlight = 0;
    for (const lease of a?.leases.values() ?? []) if (lease.expiresAt > now) inFlight++;
    return { seeded: !!a, spentNano: a?.spent ?? 0, reservedNano: a?.reserved ?? 0, inFlight };
  }

  async adjustSpent(tenantId: string, deltaNano: number): Promise<number | undefined> {
    const a = this.accounts.get(tenantId);
    if (!a) return undefined;
    a.spent += Math.round(deltaNano);
    return a.spent;
  }

  async close(): Promise<void> {
    this.accounts.clear();
  }
}
