import 'reflect-metadata';
import { loadSwitchyardEnv, requireEnv } from '@switchyard/config';
import { GrpcAuthClient, GrpcRouterClient } from '@switchyard/grpc';
import { startIngressApp } from '@switchyard/ingress';
import { BullUsageSink } from '@switchyard/queue';

const READY_WAIT_MS = 1000;

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
      // Ready means connected, not merely "not failed yet": a channel still connecting to a
      // service that is starting would otherwise let traffic in too early.
      readiness: [
        { name: 'auth', ready: () => auth.waitForReady(READY_WAIT_MS).then(() => true, () => false) },
        { name: 'router', ready: () => router.waitForReady(READY_WAIT_MS).then(() => true, () => false) },
      ],
      region: env.SWITCHYARD_REGION ?? '',
      trustedProxies: env.SWITCHYARD_TRUSTED_PROXIES,
      adminToken: env.SWITCHYARD_ADMIN_TOKEN,
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
