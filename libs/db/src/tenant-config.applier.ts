import { MIN_TENANT_KEY_LENGTH, type AccessLimitsConfig, type KeyConfig, type TenantConfig } from '@switchyard/config';
import { usd, usdOrNull, type ConfigApplyContext, type DecimalValue, type EntityState } from './config-apply.context';
import type { ConfigState } from './config-change.types';
import { Prisma, type Tenant, type VirtualKey } from './generated/prisma/client';
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
      // The file's literal keys are checked when it is read; a reference only now.
      const length = [...value].length;
      if (length < MIN_TENANT_KEY_LENGTH) throw new Error(`${where} is ${length} characters long; keys must be at least ${MIN_TENANT_KEY_LENGTH}`);
      const hash = hashKey(value);
      const other = seen.get(hash);
      if (other) throw new Error(`${where} is the same key as ${other}`);
      seen.set(hash, where);
      return { tenantId: tenant.id, hash, prefix: keyPrefix(value), config };
    }),
  );
}

/**
 * Upserts tenants by id. Names, limits, budgets, lists and content capture follow the file
 * (absent means none, any, or off). Metadata follows the file when it is given; when absent, the stored metadata (say,
 * labels set through the admin API) is left alone. Tenants absent from the file are left alone.
 */
export async function applyTenants(ctx: ConfigApplyContext, tenants: TenantConfig[]): Promise<void> {
  const ids = tenants.map((t) => t.id);
  const existing = new Map((await ctx.tx.tenant.findMany({ where: { id: { in: ids } } })).map((r) => [r.id, r]));
  for (const t of tenants) {
    const current = existing.get(t.id);
    const data = {
      name: t.name ?? null,
      ...limitColumns(t),
      captureContent: t.observability?.captureContent ?? false,
      auditCaptureBodies: t.audit?.captureBodies ?? false,
      corsOrigins: t.cors?.origins ?? [],
      priceMultiplier: t.priceMultiplier ?? null,
      planId: t.plan ?? null,
      spendAlerts: t.alerts?.spend ?? [],
    };
    const withMetadata = t.metadata !== undefined;
    await ctx.sync({
      entity: 'tenant',
      id: t.id,
      current: current && tenantState(current, withMetadata),
      desired: tenantState(data, withMetadata),
      write: async () => {
        if (current) await ctx.tx.tenant.update({ where: { id: t.id }, data });
        else await ctx.tx.tenant.create({ data: { id: t.id, ...data } });
        return t.id;
      },
    });
  }
}

/**
 * Upserts keys by hash, with the same rule for metadata as tenants. Keys absent from the file
 * (say, created through the admin API) are left alone, and so is revokedAt: applying the file
 * never brings a revoked key back. A key the file holds by a secret that has since been rotated
 * away is left alone too (with a note): writing it would bring the replaced secret back.
 */
export async function applyKeys(ctx: ConfigApplyContext, keys: ResolvedKey[]): Promise<void> {
  const hashes = keys.map((k) => k.hash);
  const rows = await ctx.tx.virtualKey.findMany({ where: { OR: [{ hash: { in: hashes } }, { previousHash: { in: hashes } }] } });
  const existing = new Map(rows.map((row) => [row.hash, row]));
  const rotated = new Map(rows.flatMap((row) => (row.previousHash ? [[row.previousHash, row] as const] : [])));
  const retired = new Map((await ctx.tx.retiredKeyHash.findMany({ where: { hash: { in: hashes } } })).map((r) => [r.hash, r]));
  for (const key of keys) {
    const id = `${key.tenantId}/${key.prefix}`;
    const current = existing.get(key.hash);
    const successor = current ? undefined : rotated.get(key.hash);
    if (successor) {
      ctx.unchanged('key', id, rotatedNote(successor));
      continue;
    }
    const gone = current ? undefined : retired.get(key.hash);
    if (gone) {
      ctx.unchanged('key', id, `${gone.reason} through the admin API on ${gone.retiredAt.toISOString()}: it stays retired; remove it from the file`);
      continue;
    }
    const c = key.config;
    const data = {
      tenantId: key.tenantId,
      name: c.name ?? null,
      prefix: key.prefix,
      ...limitColumns(c),
      expiresAt: c.expiresAt === undefined ? null : new Date(c.expiresAt),
    };
    const withMetadata = c.metadata !== undefined;
    await ctx.sync({
      entity: 'key',
      id,
      current: current && keyState(current, withMetadata),
      desired: keyState(data, withMetadata),
      write: async () => {
        if (current) return (await ctx.tx.virtualKey.update({ where: { id: current.id }, data })).id;
        return (await ctx.tx.virtualKey.create({ data: { ...data, hash: key.hash } })).id;
      },
    });
  }
}

/**
 * The limit columns tenants and keys share, as the file sets them: an absent field clears its
 * column, except metadata, which is left alone when the file gives none.
 */
function limitColumns(c: AccessLimitsConfig) {
  return {
    rpm: c.rpm ?? null,
    tpm: c.tpm ?? null,
    maxConcurrency: c.concurrency ?? null,
    models: c.models ?? [],
    dailyBudgetUsd: c.budget?.dailyUsd ?? null,
    monthlyBudgetUsd: c.budget?.monthlyUsd ?? null,
    allowedRegions: c.regions ?? [],
    allowedIps: c.ips ?? [],
    ...(c.metadata && { metadata: c.metadata }),
    guardrails: c.guardrails ? (c.guardrails as Prisma.InputJsonObject) : Prisma.DbNull,
  };
}

/** A nullable JSON column for the change log: SQL NULL (written as Prisma.DbNull) is null. */
function jsonState(value: unknown): ConfigState | null {
  return value === null || value === undefined || value === Prisma.DbNull ? null : (value as ConfigState);
}

function rotatedNote(successor: Pick<VirtualKey, 'prefix' | 'previousExpiresAt'>): string {
  const until = successor.previousExpiresAt ? `accepted until ${successor.previousExpiresAt.toISOString()}` : 'no longer accepted';
  return `rotated to ${successor.prefix}…: the file holds the previous secret (${until}); put the new one in the file`;
}

type TenantColumns = Pick<Tenant, 'name' | 'rpm' | 'tpm' | 'maxConcurrency' | 'models' | 'allowedRegions' | 'allowedIps' | 'captureContent' | 'auditCaptureBodies' | 'corsOrigins' | 'planId' | 'spendAlerts'> & {
  monthlyBudgetUsd: DecimalValue | null;
  dailyBudgetUsd: DecimalValue | null;
  priceMultiplier: DecimalValue | null;
  metadata?: unknown;
  guardrails: unknown;
};

/**
 * States are named as switchyard.yaml names the fields (`budget: { monthlyUsd }`, `ips`), not as the
 * columns do (`monthly_budget_usd`, `allowed_ips`): the apply diff and the audit rows are read by
 * whoever edits the file (issue 19).
 */
function tenantState(t: TenantColumns, withMetadata: boolean): EntityState {
  return {
    name: t.name,
    rpm: t.rpm,
    tpm: t.tpm,
    concurrency: t.maxConcurrency,
    models: t.models,
    budget: { monthlyUsd: usdOrNull(t.monthlyBudgetUsd), dailyUsd: usdOrNull(t.dailyBudgetUsd) },
    regions: t.allowedRegions,
    ips: t.allowedIps,
    cors: { origins: t.corsOrigins },
    guardrails: jsonState(t.guardrails),
    observability: { captureContent: t.captureContent },
    // Only when set, so tenants without one read as before the field existed.
    ...(t.priceMultiplier !== null && { priceMultiplier: usd(t.priceMultiplier) }),
    plan: t.planId,
    alerts: { spend: t.spendAlerts },
    audit: { captureBodies: t.auditCaptureBodies },
    ...(withMetadata && { metadata: (t.metadata ?? {}) as ConfigState }),
  };
}

type KeyColumns = Pick<VirtualKey, 'tenantId' | 'name' | 'prefix' | 'models' | 'rpm' | 'tpm' | 'maxConcurrency' | 'allowedRegions' | 'allowedIps' | 'expiresAt'> & {
  dailyBudgetUsd: DecimalValue | null;
  monthlyBudgetUsd: DecimalValue | null;
  metadata?: unknown;
  guardrails: unknown;
};

/** Never the hash: the audit log shows which key by its prefix. File names, as tenantState. */
function keyState(k: KeyColumns, withMetadata: boolean): EntityState {
  return {
    tenant: k.tenantId,
    name: k.name,
    prefix: k.prefix,
    models: k.models,
    rpm: k.rpm,
    tpm: k.tpm,
    concurrency: k.maxConcurrency,
    budget: { dailyUsd: usdOrNull(k.dailyBudgetUsd), monthlyUsd: usdOrNull(k.monthlyBudgetUsd) },
    regions: k.allowedRegions,
    ips: k.allowedIps,
    guardrails: jsonState(k.guardrails),
    expiresAt: k.expiresAt?.toISOString() ?? null,
    ...(withMetadata && { metadata: (k.metadata ?? {}) as ConfigState }),
  };
}
