import 'reflect-metadata';
import { UsageQuery, UsageRecorder } from '@switchyard/billing';
import { loadSwitchyardEnv, requireEnv } from '@switchyard/config';
import { applyMigrations, createDatabase } from '@switchyard/db';
import { runGrpcService, serveBilling } from '@switchyard/grpc';
import { BullUsageConsumer } from '@switchyard/queue';

// Cluster billing: drains the "usage" queue into the ledger and answers usage queries.
async function main(): Promise<void> {
  const env = loadSwitchyardEnv();
  const db = await createDatabase({ databaseUrl: requireEnv('DATABASE_URL', env.DATABASE_URL) });
  await applyMigrations(db);
  const recorder = new UsageRecorder(db);
  const consumer = new BullUsageConsumer(requireEnv('REDIS_URL', env.REDIS_URL));
  consumer.consume(recorder.handle);
  await runGrpcService({
    name: 'billing',
    host: env.HOST,
    port: env.GRPC_PORT ?? 50055,
    register: (server) => serveBilling(server, new UsageQuery(db)),
    close: async () => {
      await consumer.close();
      await db.close();
    },
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
