import { basename } from 'node:path';
import { enforceEnvReferences, loadConfigFile, loadSwitchyardEnv, outboundPolicyOf, resolveSecret, secretBoxWarnings, withoutUnresolvedTenantKeys } from '@switchyard/config';
import { applyConfig, applyMigrations, configTopicsOf, createDatabase, type ConfigChange } from '@switchyard/db';
import { createConfigChangeBus, type ConfigChangeBus, type ConfigTopic } from '@switchyard/queue';
import type { ApplyOptions } from './cli/cli-handlers.types';
import { formatConfigChanges } from './config-diff.format';

/**
 * `switchyard apply -f FILE [--dry-run]`: idempotent upserts of the file into the database,
 * printed as a field-level diff. After a real apply, running replicas are told to reload
 * (REDIS_URL); without Redis they pick the changes up on their refresh timer.
 */
export async function runApplyCommand({ file, dryRun }: ApplyOptions): Promise<number> {
  const env = loadSwitchyardEnv();
  const loaded = await loadConfigFile(file, { outbound: outboundPolicyOf(env) });
  // The tenant keys' env: references must resolve here (issue 19): a tenant key that does not
  // resolve cannot be hashed. Upstream keys are stored as references and resolved where upstreams
  // are called (a cluster's hook Job has none), and the admin token is the serving process's
  // business; `switchyard validate` checks all of them.
  const allowUnresolved = env.SWITCHYARD_ALLOW_UNRESOLVED_ENV;
  for (const warning of enforceEnvReferences(loaded, file, { allowUnresolved, skipAdminToken: true, skipUpstreamKeys: true })) console.warn(`warning: ${warning}`);
  const config = allowUnresolved ? withoutUnresolvedTenantKeys(loaded) : loaded;
  const db = await createDatabase({ databaseUrl: env.DATABASE_URL, dataDir: `${env.SWITCHYARD_DATA_DIR}/pglite` });
  let changes: ConfigChange[];
  try {
    await applyMigrations(db);
    const secretBox = env.SWITCHYARD_SECRET_KEYS;
    for (const warning of secretBoxWarnings(config, secretBox)) console.warn(`warning: ${warning}`);
    changes = await applyConfig(db.prisma, config, { dryRun, resolveSecret: (ref) => resolveSecret(ref), actor: 'cli', secretBox, source: basename(file) });
  } finally {
    await db.close();
  }
  for (const line of formatConfigChanges(changes, { dryRun })) console.log(line);
  if (dryRun || !env.REDIS_URL) return 0;
  const bus = createConfigChangeBus(env.REDIS_URL);
  try {
    await announceConfigChanges(changes, bus);
  } catch (error) {
    // The database is committed; replicas still reload on their refresh timer.
    console.error(`applied, but could not tell running replicas to reload: ${String(error)}`);
  } finally {
    await bus.close();
  }
  return 0;
}

/** Publishes each topic that the changes concern, once; publish only after the commit. */
export async function announceConfigChanges(changes: readonly ConfigChange[], bus: ConfigChangeBus): Promise<ConfigTopic[]> {
  const topics = configTopicsOf(changes);
  for (const topic of topics) await bus.publish(topic);
  return topics;
}
