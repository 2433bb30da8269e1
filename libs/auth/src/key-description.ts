import type { DescribeKeyResponse, ScopeLimits, ScopeUsage } from '@switchyard/ir';
import type { KeyRecord } from './key-directory.types';
import type { QuotaLimits, QuotaStore, QuotaUsage } from './quota';

/**
 * GET /v1/me's view of an admitted key (docs/architecture.md §3): its record and what its
 * scopes have counted now. The quota store is read once per scope, off the hot path; a scope
 * without limits is never counted, so it reports nothing (usage absent) rather than zeros.
 */
export async function describeKeyRecord(k: KeyRecord, quota: QuotaStore, now: number): Promise<DescribeKeyResponse> {
  const [keyUsage, tenantUsage] = await Promise.all([
    k.limits ? quota.usage(`key:${k.id}`, now) : undefined,
    k.tenantLimits ? quota.usage(`tenant:${k.tenantId}`, now) : undefined,
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
