import type { SwitchyardConfig } from '@switchyard/config';
import { applyModels, applyProviders } from './catalog-config.applier';
import { ConfigApplyContext } from './config-apply.context';
import { appendConfigFeed, configTopicsOf } from './config-feed';
import type { ApplyConfigOptions, ConfigChange } from './config-change.types';
import type { Prisma, PrismaClient } from './generated/prisma/client';
import { applyPlans } from './plan-config.applier';
import { type ResolvedKey, applyKeys, applyTenants, resolveKeys } from './tenant-config.applier';

/**
 * Serialises concurrent applies (replicas starting together with the same file): the second
 * waits, then finds everything unchanged. Distinct from the migration lock key.
 */
export const CONFIG_LOCK_KEY = 72707370;

/**
 * Makes the database match switchyard.yaml (docs/architecture.md §4): idempotent upserts of providers,
 * models with their deployments and prices, tenants and their keys, in one transaction, each
 * real change audited. Entities the file does not mention are kept (the admin API may have
 * created them), except deployments of the models it lists. Running it twice reports only
 * `unchanged` the second time. Each change carries the entity's fields before and after, as
 * audited (secrets redacted), so a dry run can print a field-level diff.
 */
export async function applyConfig(
  prisma: PrismaClient,
  config: SwitchyardConfig,
  options: ApplyConfigOptions,
): Promise<ConfigChange[]> {
  const keys = resolveKeys(config.tenants, options.resolveSecret);
  return prisma.$transaction(
    async (tx) => {
      // A dry run cannot write even by mistake: Postgres refuses every write in this transaction.
      if (options.dryRun) await tx.$executeRawUnsafe('SET TRANSACTION READ ONLY');
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${CONFIG_LOCK_KEY})`);
      const seed = config.configOwnership === 'seed';
      const ctx = new ConfigApplyContext(tx, options.dryRun ?? false, options.actor ?? 'config', seed);
      await applyProviders(ctx, config.providers, options.secretBox);
      await applyModels(ctx, config.models);
      await applyPlans(ctx, config.plans ?? []);
      await applyTenants(ctx, config.tenants);
      await applyKeys(ctx, keys);
      // Every region hears of it through the feed, committed with the change (issue 15).
      if (!options.dryRun) await appendConfigFeed(tx, configTopicsOf(ctx.changes));
      if (!options.dryRun) await recordOwnership(tx, seed ? [] : await declaredBy(tx, config, keys), options.source ?? DEFAULT_CONFIG_SOURCE);
      return ctx.changes;
    },
    // A large file is a few hundred statements; waiting for another replica's apply counts too.
    { maxWait: 10_000, timeout: 60_000 },
  );
}

/** How ownership rows name the file when the caller does not (the default file name). */
export const DEFAULT_CONFIG_SOURCE = 'switchyard.yaml';

type Owned = { entity: 'tenant' | 'key' | 'provider' | 'model' | 'price' | 'plan'; entityId: string };

/** Everything the file declares, keys by their row id (the admin API's key routes use it). */
async function declaredBy(tx: Prisma.TransactionClient, config: SwitchyardConfig, keys: ResolvedKey[]): Promise<Owned[]> {
  const keyRows = await tx.virtualKey.findMany({ where: { hash: { in: keys.map((k) => k.hash) } }, select: { id: true } });
  return [
    ...config.providers.map((p): Owned => ({ entity: 'provider', entityId: p.id })),
    ...config.models.map((m): Owned => ({ entity: 'model', entityId: m.name })),
    // A price is the file's only when the file sets it: otherwise `prices import` may add one.
    ...config.models.flatMap((m): Owned[] => (m.price ? [{ entity: 'price', entityId: m.name }] : [])),
    ...(config.plans ?? []).map((p): Owned => ({ entity: 'plan', entityId: p.id })),
    ...config.tenants.map((t): Owned => ({ entity: 'tenant', entityId: t.id })),
    ...keyRows.map((k): Owned => ({ entity: 'key', entityId: k.id })),
  ];
}

/** Replaces the ownership rows: under `file` what this file declares, under `seed` nothing. */
async function recordOwnership(tx: Prisma.TransactionClient, owned: Owned[], source: string): Promise<void> {
  await tx.configOwnership.deleteMany({});
  if (owned.length) await tx.configOwnership.createMany({ data: owned.map((o) => ({ ...o, source })), skipDuplicates: true });
}
