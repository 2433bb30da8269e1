import 'reflect-metadata';
import { AuthService, PrismaKeySource } from '@switchyard/auth';
import { loadSwitchyardEnv, requireEnv } from '@switchyard/config';
import { applyMigrations, createDatabase } from '@switchyard/db';
import { runGrpcService, serveAuth } from '@switchyard/grpc';

// Cluster auth service: admission over gRPC from the key cache (DESIGN.md §1).
async function main(): Promise<void> {
  const env = loadSwitchyardEnv();
  const db = await createDatabase({ databaseUrl: requireEnv('DATABASE_URL', env.DATABASE_URL) });
  await applyMigrations(db);
  const auth = new AuthService(new PrismaKeySource(db));
  await auth.start();
  await runGrpcService({
    name: 'auth',
    host: env.HOST,
    port: env.GRPC_PORT ?? 50051,
    register: (server) => serveAuth(server, auth),
    close: async () => {
      auth.onModuleDestroy();
      await db.close();
    },
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
