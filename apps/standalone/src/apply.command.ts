import { loadConfigFile, loadSwitchyardEnv, outboundPolicyOf, resolveSecret, unsealedUpstreamKeyWarnings } from '@switchyard/config';
import { applyConfig, applyMigrations, createDatabase, type ConfigChange, type ConfigEntity } from '@switchyard/db';
import { createConfigChangeBus, type ConfigChangeBus, type ConfigTopic } from '@switchyard/queue';
import { formatConfigChanges } from './config-diff.format';

/** Which replica caches an entity lives in: auth holds tenants and keys, the router the catalogue. */
const TOPIC_OF = {
  tenant: 'keys',
  key: 'keys',
  provider: 'catalogue',
  model: 'catalogue',
  deployment: 'catalogue',
  price: 'catalogue',
} as const satisfies Record<ConfigEntity, ConfigTopic>;

/**
 * `switchyard apply -f FILE [--dry-run]`: idempotent upserts of the file into the database,
 * printed as a field-level diff. After a real apply, running replicas are told to reload
 * (REDIS_URL); without Redis they pick the changes up on their refresh timer.
 */
export async function runApplyCommand(args: string[]): Promise<void> {
  const fileIndex = args.findIndex((a) => a === '-f' || a === '--file');
  const file = fileIndex >= 0 ? args[fileIndex + 1] : undefined;
  if (!file) throw new Error('usage: switchyard apply -f switchyard.yaml [--dry-run]');
  const dryRun = args.includes('--dry-run');
  const env = loadSwitchyardEnv();
  const config = await loadConfigFile(file, { outbound: outboundPolicyOf(env) });
  const db = await createDatabase({ databaseUrl: env.DATABASE_URL, dataDir: `${env.SWITCHYARD_DATA_DIR}/pglite` });
  let changes: ConfigChange[];
  try {
    await applyMigrations(db);
    const secretBox = env.SWITCHYARD_SECRET_KEYS;
    for (const warning of unsealedUpstreamKeyWarnings(config, secretBox)) console.warn(`warning: ${warning}`);
    changes = await applyConfig(db.prisma, config, { dryRun, resolveSecret: (ref) => resolveSecret(ref), actor: 'cli', secretBox });
  } finally {
    await db.close();
  }
  for (const line of formatConfigChanges(changes, { dryRun })) console.log(line);
  if (dryRun || !env.REDIS_URL) return;
  const bus = createConfigChangeBus(env.REDIS_URL);
  try {
    await announceConfigChanges(changes, bus);
  } catch (error) {
    // The database is committed; replicas still reload on their refresh timer.
    console.error(`applied, but could not tell running replicas to reload: ${String(error)}`);
  } finally {
    await bus.close();
  }
}

/** Publishes each topic that the changes concern, once; publish only after the commit. */
export async function announceConfigChanges(changes: readonly ConfigChange[], bus: ConfigChangeBus): Promise<ConfigTopic[]> {
  const topics = [...new Set(changes.filter((c) => c.action !== 'unchanged').map((c) => TOPIC_OF[c.entity]))];
  for (const topic of topics) await bus.publish(topic);
  return topics;
}
