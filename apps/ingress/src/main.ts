import 'reflect-metadata';
import { loadSwitchyardEnv, requireEnv } from '@switchyard/config';
import { GrpcAuthClient, GrpcRouterClient } from '@switchyard/grpc';
import { startIngressApp } from '@switchyard/ingress';
import { BullUsageSink } from '@switchyard/queue';

// Cluster ingress: the public REST edge; auth and router over gRPC, usage onto the BullMQ queue.
async function main(): Promise<void> {
  const env = loadSwitchyardEnv();
  const auth = new GrpcAuthClient(requireEnv('AUTH_GRPC_URL', env.AUTH_GRPC_URL));
  const router = new GrpcRouterClient(requireEnv('ROUTER_GRPC_URL', env.ROUTER_GRPC_URL));
  const usage = new BullUsageSink(requireEnv('REDIS_URL', env.REDIS_URL));
  await startIngressApp({
    ports: {
      auth,
      router,
      usage,
      readiness: [
        { name: 'auth', ready: () => auth.ready() },
        { name: 'router', ready: () => router.ready() },
      ],
      region: env.SWITCHYARD_REGION ?? '',
    },
    host: env.HOST,
    port: env.PORT ?? 8080,
    maxBodyBytes: env.MAX_BODY_BYTES,
    logLevel: env.LOG_LEVEL,
    describe: `cluster ingress; auth ${env.AUTH_GRPC_URL}, router ${env.ROUTER_GRPC_URL}`,
    close: async () => {
      await usage.close();
      auth.close();
      router.close();
    },
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
