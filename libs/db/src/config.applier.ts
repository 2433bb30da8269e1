import type { SwitchyardConfig } from '@switchyard/config';
import { applyModels, applyProviders } from './catalog-config.applier';
import { ConfigApplyContext } from './config-apply.context';
import { appendConfigFeed, configTopicsOf } from './config-feed';
import type { ApplyConfigOptions, ConfigChange } from './config-change.types';
import type { PrismaClient } from './generated/prisma/client';
import { applyKeys, applyTenants, resolveKeys } from './tenant-config.applier';

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
      const ctx = new ConfigApplyContext(tx, options.dryRun ?? false, options.actor ?? 'config');
      await applyProviders(ctx, config.providers, options.secretBox);
      await applyModels(ctx, config.models);
      await applyTenants(ctx, config.tenants);
      await applyKeys(ctx, keys);
      // Every region hears of it through the feed, committed with the change (issue 15).
      if (!options.dryRun) await appendConfigFeed(tx, configTopicsOf(ctx.changes));
      return ctx.changes;
    },
    // A large file is a few hundred statements; waiting for another replica's apply counts too.
    { maxWait: 10_000, timeout: 60_000 },
  );
}
