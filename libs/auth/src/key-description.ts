import type { DescribeKeyResponse, ScopeLimits, ScopeUsage, TenantPlanView } from '@switchyard/ir';
import type { KeyRecord } from './key-directory.types';
import { planScope, type TenantPlanQuota } from './plan-quota';
import type { QuotaLimits, QuotaStore, QuotaUsage } from './quota';
import { NANO_PER_USD } from './quota/quota-units';

/**
 * GET /v1/me's view of an admitted key (docs/architecture.md §3): its record and what its
 * scopes have counted now. The quota store is read once per scope, off the hot path; a scope
 * without limits is never counted, so it reports nothing (usage absent) rather than zeros.
 */
export async function describeKeyRecord(k: KeyRecord, quota: QuotaStore, now: number): Promise<DescribeKeyResponse> {
  // The plan's scope exists when admission counts it (as admission decides: stop, or spend alerts).
  const planned = planScope(k.tenantId, k.plan, (k.spendAlerts?.length ?? 0) > 0);
  const [keyUsage, tenantUsage, planUsage] = await Promise.all([
    k.limits ? quota.usage(`key:${k.id}`, now) : undefined,
    k.tenantLimits ? quota.usage(`tenant:${k.tenantId}`, now) : undefined,
    planned ? quota.usage(planned.id, now) : undefined,
  ]);
  return {
    tenantId: k.tenantId,
    tenantName: k.tenantName ?? '',
    keyId: k.id,
    keyPrefix: k.prefix ?? '',
    keyName: k.name ?? '',
    expiresAtMs: k.expiresAt ?? 0,
    models: k.models,
    tenantModels: k.tenantModels ?? [],
    keyLimits: limitsMessage(k.limits),
    tenantLimits: limitsMessage(k.tenantLimits),
    keyUsage: keyUsage && usageMessage(keyUsage),
    tenantUsage: tenantUsage && usageMessage(tenantUsage),
    corsOrigins: k.corsOrigins ?? [],
    plan: k.plan && planView(k.plan, planUsage),
  };
}

/** The plan and, when its scope is counted, its month: a token plan's counters hold one token as one nano-dollar (plan-quota.ts). */
function planView(p: TenantPlanQuota, u: QuotaUsage | undefined): TenantPlanView {
  const unit = (usd: number) => (p.unit === 'usd' ? usd : Math.round(usd * NANO_PER_USD));
  return {
    id: p.planId,
    name: p.name ?? '',
    unit: p.unit,
    included: p.included,
    overage: p.stop ? 'stop' : 'price',
    ...(u && { used: unit(u.monthSpentUsd), reserved: unit(u.monthReservedUsd) }),
  };
}

function limitsMessage(l: QuotaLimits | undefined): ScopeLimits | undefined {
  if (!l) return undefined;
  return { rpm: l.rpm, tpm: l.tpm, concurrency: l.concurrency, dailyBudgetUsd: l.dailyBudgetUsd, monthlyBudgetUsd: l.monthlyBudgetUsd };
}

function usageMessage(u: QuotaUsage): ScopeUsage {
  return {
    requests: u.requests,
    tokens: u.tokens,
    inFlight: u.inFlight,
    daySpentUsd: u.daySpentUsd,
    dayReservedUsd: u.dayReservedUsd,
    monthSpentUsd: u.monthSpentUsd,
    monthReservedUsd: u.monthReservedUsd,
  };
}
