import { AuthService, PrismaKeySource } from '@switchyard/auth';
import { UsageRecorder } from '@switchyard/billing';
import { ADAPTER_FAMILIES, SecretBox, SwitchyardConfig, SwitchyardEnv } from '@switchyard/config';
import { Database } from '@switchyard/db';
import { AdapterPort, UsageSink } from '@switchyard/ir';
import { BullUsageConsumer, BullUsageSink, MemoryUsageQueue, UsageConsumer } from '@switchyard/queue';
import { PrismaCatalogueSource, RouterService, createResponseCache } from '@switchyard/routing';
import { UpstreamService } from '@switchyard/upstream';

export interface StandaloneServices {
  auth: AuthService;
  router: RouterService;
  upstream: UpstreamService;
  usage: UsageSink & { close?(): Promise<void> };
  consumer: UsageConsumer;
  queueKind: string;
  close(): Promise<void>;
}

/** The in-process service graph: the same classes the cluster apps serve over gRPC. */
export async function createStandaloneServices(db: Database, config: SwitchyardConfig, env: SwitchyardEnv, secretBox?: SecretBox): Promise<StandaloneServices> {
  const auth = new AuthService(new PrismaKeySource(db));
  const upstream = new UpstreamService(config.routing.timeouts.connectMs, secretBox);
  // One in-process adapter serves every provider family.
  const adapters = new Map<string, AdapterPort>(ADAPTER_FAMILIES.map((f) => [f, upstream]));
  const cache = createResponseCache(env.REDIS_URL, config.routing.cache);
  const router = new RouterService(new PrismaCatalogueSource(db), adapters, config.routing, cache);
  const recorder = new UsageRecorder(db);

  let usage: StandaloneServices['usage'];
  let consumer: UsageConsumer;
  if (env.REDIS_URL) {
    usage = new BullUsageSink(env.REDIS_URL);
    consumer = new BullUsageConsumer(env.REDIS_URL);
  } else {
    const memory = new MemoryUsageQueue();
    usage = memory;
    consumer = memory;
  }
  consumer.consume(recorder.handle);
  await Promise.all([auth.start(), router.start()]);
  return {
    auth,
    router,
    upstream,
    usage,
    consumer,
    queueKind: env.REDIS_URL ? 'redis (BullMQ)' : 'in-memory',
    async close() {
      auth.onModuleDestroy();
      router.onModuleDestroy();
      await cache.close();
      await usage.close?.();
      await consumer.close();
      await upstream.onModuleDestroy();
    },
  };
}
