import { usdText } from '@switchyard/shared';
import { ErrorKind, type AdmitResponse, type TenantBalance } from '@switchyard/ir';
import { metricSeries } from '@switchyard/telemetry';
import { nanoToUsd, usdToNano } from '../quota/quota-units';
import { BALANCE_SCOPE_PREFIX, type BalanceAccount, type BalanceStore } from './balance.types';

/** A balance reservation charged: the tenant's spent since it became prepaid, after the charge. */
export interface BalanceSettled {
  tenantId: string;
  spentNano: number;
  usedNano: number;
}


/**
 * Admission's side of prepaid credit (docs/architecture.md §5, "Billing: credit and
 * reconciliation"): reserve a request's maximum cost before the quota scopes are counted, release
 * it when they refuse, settle it at the real cost. The reservation travels in the quota ticket as
 * one more scope, `balance:<tenant>`, so settle and heartbeat find it on any replica.
 */
export class BalanceGate {
  constructor(private readonly store: BalanceStore) {}

  /** The refusal to answer, or undefined when the reservation is held. Rejects when the store is unreachable. */
  async reserve(account: BalanceAccount, requestId: string, reserveUsd: number, now: number, leaseMs: number): Promise<AdmitResponse | undefined> {
    const r = await this.store.reserve({ account, requestId, nano: usdToNano(reserveUsd), now, leaseMs });
    if (r.admitted) return undefined;
    metricSeries().limitRefusals.child({ tenant: account.tenantId, reason: 'balance' }).inc();
    const left = nanoToUsd(Math.max(0, r.availableNano));
    const message =
      left > 0
        ? `Insufficient balance for tenant ${account.tenantId}: this request may cost up to ${usdText(reserveUsd)} and ${usdText(left)} is available (requests in flight hold their maximum cost until they end). Top up, or lower max_tokens.`
        : `Insufficient balance for tenant ${account.tenantId}: the prepaid credit is spent. Top up to continue.`;
    return { admitted: false, error: { kind: ErrorKind.ERROR_KIND_INSUFFICIENT_BALANCE, message, retryable: false, retryAfterMs: 0, providerStatus: 0, param: '', attemptLog: [] }, maxOutputTokens: 0 };
  }

  /** The quota scopes refused (or could not answer) after the balance admitted: give the money back. */
  async release(tenantId: string, requestId: string): Promise<void> {
    await this.store.settle(tenantId, requestId, 0);
  }

  /** Charges the ticket's balance reservation, if it has one: the tenant's spend after it, for spend alerts. */
  async settle(scopes: readonly string[], requestId: string, usd: number): Promise<BalanceSettled | undefined> {
    const tenantId = balanceTenant(scopes);
    if (tenantId === undefined) return undefined;
    const usedNano = usdToNano(usd);
    const spentNano = await this.store.settle(tenantId, requestId, usedNano);
    return spentNano === undefined ? undefined : { tenantId, spentNano, usedNano };
  }

  heartbeat(scopes: readonly string[], requestId: string, now: number, leaseMs: number): Promise<void> {
    const tenant = balanceTenant(scopes);
    return tenant === undefined ? Promise.resolve() : this.store.heartbeat(tenant, requestId, now, leaseMs);
  }

  /** GET /v1/me: the live counters, or the last key load's ledger figures before the first admission. */
  async describe(account: BalanceAccount, now: number): Promise<TenantBalance> {
    const u = await this.store.usage(account.tenantId, now);
    const spent = u.seeded ? u.spentNano : account.seedSpentNano;
    return {
      creditsUsd: nanoToUsd(account.creditsNano),
      spentUsd: nanoToUsd(spent),
      reservedUsd: nanoToUsd(u.reservedNano),
      availableUsd: nanoToUsd(account.creditsNano - spent - u.reservedNano),
    };
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

export function balanceScope(tenantId: string): string {
  return BALANCE_SCOPE_PREFIX + tenantId;
}

/** The quota scopes of a ticket, without its balance scope. */
export function quotaScopes(scopes: readonly string[]): string[] {
  return scopes.filter((s) => !s.startsWith(BALANCE_SCOPE_PREFIX));
}

function balanceTenant(scopes: readonly string[]): string | undefined {
  const s = scopes.find((x) => x.startsWith(BALANCE_SCOPE_PREFIX));
  return s === undefined ? undefined : s.slice(BALANCE_SCOPE_PREFIX.length);
}
