import { loadConfigFile, loadSwitchyardEnv, resolveSecret, SecretBox } from '@switchyard/config';
import { applyConfig, applyMigrations, createDatabase } from '@switchyard/db';

/** `switchyard apply -f FILE [--dry-run]`: idempotent upserts of the file into the database. */
export async function runApplyCommand(args: string[]): Promise<void> {
  const fileIndex = args.findIndex((a) => a === '-f' || a === '--file');
  const file = fileIndex >= 0 ? args[fileIndex + 1] : undefined;
  if (!file) throw new Error('usage: switchyard apply -f switchyard.yaml [--dry-run]');
  const dryRun = args.includes('--dry-run');
  const env = loadSwitchyardEnv();
  const config = await loadConfigFile(file);
  const db = await createDatabase({ databaseUrl: env.DATABASE_URL, dataDir: `${env.SWITCHYARD_DATA_DIR}/pglite` });
  try {
    await applyMigrations(db);
    const secretBox = SecretBox.fromEnv(process.env['SWITCHYARD_SECRET_KEYS']);
    const changes = await applyConfig(db.prisma, config, { dryRun, resolveSecret: (ref) => resolveSecret(ref), actor: 'cli', secretBox });
    for (const c of changes) if (c.action !== 'unchanged') console.log(`${dryRun ? 'would ' : ''}${c.action} ${c.entity} ${c.id}`);
    console.log(`${changes.filter((c) => c.action !== 'unchanged').length} changes${dryRun ? ' (dry run)' : ''}, ${changes.filter((c) => c.action === 'unchanged').length} unchanged`);
  } finally {
    await db.close();
  }
}
