import type { KeyConfig, TenantConfig } from '@switchyard/config';
import { usd, type ConfigApplyContext, type EntityState } from './config-apply.context';
import type { VirtualKey } from './generated/prisma/client';
import { hashKey, keyPrefix } from './key-hash';

/** A key from the file with its secret already resolved and hashed; the key itself is dropped. */
export interface ResolvedKey {
  tenantId: string;
  hash: string;
  prefix: string;
  config: KeyConfig;
}

/**
 * Resolves every key reference up front, so a missing one fails the whole apply before any
 * write. The error names the reference (never a literal key) and the tenant.
 */
export function resolveKeys(tenants: TenantConfig[], resolveSecret: (ref: string) => string | undefined): ResolvedKey[] {
  const seen = new Map<string, string>();
  return tenants.flatMap((tenant) =>
    tenant.keys.map((config, index) => {
      const where = `tenant "${tenant.id}" key ${config.key.startsWith('env:') ? config.key : `#${index + 1}`}`;
      const value = resolveSecret(config.key);
      if (!value) throw new Error(`${where} resolves to nothing`);
      const hash = hashKey(value);
      const other = seen.get(hash);
      if (other) throw new Error(`${where} is the same key as ${other}`);
      seen.set(hash, where);
      return { tenantId: tenant.id, hash, prefix: keyPrefix(value), config };
    }),
  );
}

/**
 * Upserts tenants by id; name and budgets follow the file (absent means none). Tenants absent
 * from the file, and every tenant's metadata, are left alone.
 */
export async function applyTenants(ctx: ConfigApplyContext, tenants: TenantConfig[]): Promise<void> {
  const ids = tenants.map((t) => t.id);
  const existing = new Map((await ctx.tx.tenant.findMany({ where: { id: { in: ids } } })).map((r) => [r.id, r]));
  for (const t of tenants) {
    const current = existing.get(t.id);
    const monthly = t.budget?.monthlyUsd;
    const daily = t.budget?.dailyUsd;
    const data = { name: t.name ?? null, monthlyBudgetUsd: monthly ?? null, dailyBudgetUsd: daily ?? null, allowedRegions: t.regions ?? [], allowedIps: t.ips ?? [] };
    await ctx.sync({
      entity: 'tenant',
      id: t.id,
      current: current && {
        name: current.name,
        monthlyBudgetUsd: current.monthlyBudgetUsd && usd(current.monthlyBudgetUsd),
        dailyBudgetUsd: current.dailyBudgetUsd && usd(current.dailyBudgetUsd),
        allowedRegions: current.allowedRegions,
        allowedIps: current.allowedIps,
      },
      desired: {
        name: data.name,
        monthlyBudgetUsd: monthly === undefined ? null : usd(monthly),
        dailyBudgetUsd: daily === undefined ? null : usd(daily),
        allowedRegions: data.allowedRegions,
        allowedIps: data.allowedIps,
      },
      write: async () => {
        if (current) await ctx.tx.tenant.update({ where: { id: t.id }, data });
        else await ctx.tx.tenant.create({ data: { id: t.id, ...data } });
        return t.id;
      },
    });
  }
}

/**
 * Upserts keys by hash. Keys absent from the file (say, created through the admin API) are left
 * alone, and so is revokedAt: applying the file never brings a revoked key back.
 */
export async function applyKeys(ctx: ConfigApplyContext, keys: ResolvedKey[]): Promise<void> {
  const rows = await ctx.tx.virtualKey.findMany({ where: { hash: { in: keys.map((k) => k.hash) } } });
  const existing = new Map(rows.map((row) => [row.hash, row]));
  for (const key of keys) {
    const current = existing.get(key.hash);
    const data = {
      tenantId: key.tenantId,
      name: key.config.name ?? null,
      prefix: key.prefix,
      models: key.config.models ?? [],
      rpm: key.config.rpm ?? null,
      tpm: key.config.tpm ?? null,
      allowedIps: key.config.ips ?? [],
    };
    await ctx.sync({
      entity: 'key',
      id: `${key.tenantId}/${key.prefix}`,
      current: current && keyState(current),
      desired: keyState(data),
      write: async () => {
        if (current) return (await ctx.tx.virtualKey.update({ where: { id: current.id }, data })).id;
        return (await ctx.tx.virtualKey.create({ data: { ...data, hash: key.hash } })).id;
      },
    });
  }
}

/** Never the hash: the audit log shows which key by its prefix. */
function keyState(k: Pick<VirtualKey, 'tenantId' | 'name' | 'prefix' | 'models' | 'rpm' | 'tpm' | 'allowedIps'>): EntityState {
  return { tenantId: k.tenantId, name: k.name, prefix: k.prefix, models: k.models, rpm: k.rpm, tpm: k.tpm, allowedIps: k.allowedIps };
}
