import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AuthService, PrismaKeySource, RedisQuotaStore } from '@switchyard/auth';
import { loadSwitchyardEnv, requireEnv } from '@switchyard/config';
import { applyMigrations, createDatabase } from '@switchyard/db';
import { runGrpcService, serveAuth } from '@switchyard/grpc';
import { RedisConfigChangeBus } from '@switchyard/queue';

// Cluster auth service: admission over gRPC from the key cache (DESIGN.md §1).
async function main(): Promise<void> {
  const env = loadSwitchyardEnv();
  const db = await createDatabase({ databaseUrl: requireEnv('DATABASE_URL', env.DATABASE_URL) });
  await applyMigrations(db);
  const redisUrl = requireEnv('REDIS_URL', env.REDIS_URL);
  // Every auth replica counts in the same Redis: limits hold whatever the number of replicas.
  const auth = new AuthService(new PrismaKeySource(db), {
    quota: new RedisQuotaStore(redisUrl),
    leaseMs: env.SWITCHYARD_QUOTA_LEASE_MS,
    failOpen: env.SWITCHYARD_QUOTA_ON_ERROR === 'open',
  });
  await auth.start();
  const bus = new RedisConfigChangeBus(redisUrl);
  const log = new Logger('auth');
  // Keys and prices (budgets are reserved at them) reload as soon as a change is announced.
  bus.subscribe(() => void auth.invalidate().catch((e: unknown) => log.warn(`reload after a configuration change failed: ${String(e)}`)));
  await runGrpcService({
    name: 'auth',
    host: env.HOST,
    port: env.GRPC_PORT ?? 50051,
    register: (server) => serveAuth(server, auth),
    close: async () => {
      await bus.close();
      await auth.close();
      await db.close();
    },
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
