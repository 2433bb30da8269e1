import { type Database, loadPriceHistory } from '@switchyard/db';
import { type GuardrailsConfig, mergePiiConfig } from '@switchyard/guardrails';
import type { ModelPrice } from '@switchyard/shared';
import type { QuotaLimits } from './quota';
import type { KeyRecord, KeySource } from './key-directory.types';
import { type TenantPlanQuota, tenantPlanQuota } from './plan-quota';

type Money = { toString(): string } | null;

/** Loads every key with its tenant in one query; the auth cache is rebuilt from it. */
export class PrismaKeySource implements KeySource {
  constructor(private readonly db: Database) {}

  async loadAll(): Promise<Map<string, KeyRecord>> {
    const rows = await this.db.prisma.virtualKey.findMany({
      select: {
        id: true,
        tenantId: true,
        name: true,
        prefix: true,
        hash: true,
        models: true,
        expiresAt: true,
        revokedAt: true,
        allowedIps: true,
        allowedRegions: true,
        rpm: true,
        tpm: true,
        maxConcurrency: true,
        dailyBudgetUsd: true,
        monthlyBudgetUsd: true,
        previousHash: true,
        previousExpiresAt: true,
        guardrails: true,
        tenant: {
          select: {
            name: true,
            corsOrigins: true,
            allowedRegions: true,
            allowedIps: true,
            models: true,
            captureContent: true,
            auditCaptureBodies: true,
            rpm: true,
            tpm: true,
            maxConcurrency: true,
            dailyBudgetUsd: true,
            monthlyBudgetUsd: true,
            guardrails: true,
            priceMultiplier: true,
            spendAlerts: true,
            plan: { select: { id: true, name: true, includedUsd: true, includedTokens: true, overage: true } },
          },
        },
      },
    });
    const keys = new Map<string, KeyRecord>();
    // One limits object per tenant, shared by its keys' records (the quota store caches per object).
    const tenantLimits = new Map<string, QuotaLimits | undefined>();
    const tenantPlans = new Map<string, TenantPlanQuota | undefined>();
    for (const r of rows) {
      if (!tenantLimits.has(r.tenantId)) tenantLimits.set(r.tenantId, limitsOf(r.tenant));
      if (!tenantPlans.has(r.tenantId)) tenantPlans.set(r.tenantId, planOf(r.tenant.plan));
      const record: KeyRecord = {
        id: r.id,
        tenantId: r.tenantId,
        tenantName: r.tenant.name ?? undefined,
        prefix: r.prefix,
        name: r.name ?? undefined,
        corsOrigins: r.tenant.corsOrigins,
        models: r.models,
        expiresAt: r.expiresAt?.getTime(),
        revoked: r.revokedAt !== null,
        allowedRegions: r.tenant.allowedRegions,
        keyRegions: r.allowedRegions,
        allowedIps: r.allowedIps,
        tenantAllowedIps: r.tenant.allowedIps,
        tenantModels: r.tenant.models,
        captureContent: r.tenant.captureContent,
        auditCaptureBodies: r.tenant.auditCaptureBodies,
        limits: limitsOf(r),
        tenantLimits: tenantLimits.get(r.tenantId),
        ...(r.tenant.priceMultiplier !== null && { priceMultiplier: Number(r.tenant.priceMultiplier.toString()) }),
        pii: mergePiiConfig(piiOf(r.tenant.guardrails), piiOf(r.guardrails)),
        plan: tenantPlans.get(r.tenantId),
        spendAlerts: r.tenant.spendAlerts,
      };
      keys.set(r.hash, record);
      const graceEnd = r.previousExpiresAt?.getTime();
      if (r.previousHash && graceEnd !== undefined) {
        keys.set(r.previousHash, { ...record, expiresAt: record.expiresAt === undefined ? graceEnd : Math.min(record.expiresAt, graceEnd) });
      }
    }
    return keys;
  }

  loadPrices(): Promise<Map<string, ModelPrice[]>> {
    return loadPriceHistory(this.db);
  }
}

function limitsOf(r: { rpm: number | null; tpm: number | null; maxConcurrency: number | null; dailyBudgetUsd: Money; monthlyBudgetUsd: Money }): QuotaLimits | undefined {
  const limits: QuotaLimits = {};
  if (r.rpm !== null) limits.rpm = r.rpm;
  if (r.tpm !== null) limits.tpm = r.tpm;
  if (r.maxConcurrency !== null) limits.concurrency = r.maxConcurrency;
  if (r.dailyBudgetUsd !== null) limits.dailyBudgetUsd = Number(r.dailyBudgetUsd.toString());
  if (r.monthlyBudgetUsd !== null) limits.monthlyBudgetUsd = Number(r.monthlyBudgetUsd.toString());
  return Object.keys(limits).length ? limits : undefined;
}

/** The plan as admission counts it; a plan that includes nothing counts USD (0: `stop` refuses everything). */
function planOf(p: { id: string; name: string | null; includedUsd: Money; includedTokens: bigint | null; overage: string } | null): TenantPlanQuota | undefined {
  if (!p) return undefined;
  const stop = p.overage === 'stop';
  const name = p.name ?? undefined;
  if (p.includedTokens !== null) return tenantPlanQuota(p.id, 'tokens', Number(p.includedTokens), stop, name);
  return tenantPlanQuota(p.id, 'usd', p.includedUsd === null ? 0 : Number(p.includedUsd.toString()), stop, name);
}

/** The pii policy of a guardrails column; the column is written only after guardrailsSchema validated it. */
function piiOf(value: unknown): GuardrailsConfig['pii'] {
  return value !== null && typeof value === 'object' ? (value as GuardrailsConfig).pii : undefined;
}
