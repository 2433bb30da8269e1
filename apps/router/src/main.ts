import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ADAPTER_FAMILIES, DEFAULT_ROUTING, loadSwitchyardEnv, outboundPolicyOf, requireEnv } from '@switchyard/config';
import { applyMigrations, createDatabase } from '@switchyard/db';
import { GrpcAdapterClient, runGrpcService, serveRouter } from '@switchyard/grpc';
import type { AdapterPort } from '@switchyard/ir';
import { createConfigChangeBus } from '@switchyard/queue';
import { PrismaCatalogueSource, RouterService, createResponseCache } from '@switchyard/routing';
import { loadRoutingConfig } from './routing-config';

const ADAPTER_WAIT_MS = 10_000;

// Cluster router: owns the catalogue, picks deployments and calls the adapter workers over gRPC.
async function main(): Promise<void> {
  const env = loadSwitchyardEnv();
  const addresses = requireEnv('ADAPTER_GRPC_URLS', env.ADAPTER_GRPC_URLS);
  const db = await createDatabase({ databaseUrl: requireEnv('DATABASE_URL', env.DATABASE_URL) });
  await applyMigrations(db);
  const clients = ADAPTER_FAMILIES.flatMap((f) => (addresses[f] ? [[f, new GrpcAdapterClient(addresses[f])] as const] : []));
  const adapters = new Map<string, AdapterPort>(clients);
  // Serve once the adapters answer (or after a bounded wait): a router up before its adapters
  // would fail its first requests. One that stays unreachable is retried per request.
  const log = new Logger('router');
  await Promise.all(
    clients.map(([family, client]) => client.waitForReady(ADAPTER_WAIT_MS).catch(() => log.warn(`adapter ${family} not reachable yet; serving anyway`))),
  );
  const routing = (await loadRoutingConfig(env.SWITCHYARD_CONFIG, outboundPolicyOf(env))) ?? DEFAULT_ROUTING;
  const cache = createResponseCache(env.REDIS_URL, routing.cache);
  const router = new RouterService(new PrismaCatalogueSource(db), adapters, routing, cache);
  await router.start();
  const bus = createConfigChangeBus(env.REDIS_URL);
  bus.subscribe((topic) => {
    if (topic === 'catalogue') void router.reload().catch((e: unknown) => log.warn(`reload after a configuration change failed: ${String(e)}`));
  });
  await runGrpcService({
    name: 'router',
    host: env.HOST,
    port: env.GRPC_PORT ?? 50052,
    register: (server) => serveRouter(server, router),
    close: async () => {
      await bus.close();
      router.onModuleDestroy();
      await cache.close();
      for (const [, c] of clients) c.close();
      await db.close();
    },
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
