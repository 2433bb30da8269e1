import { Logger } from '@nestjs/common';
import { AuthService, CreditAccountSource, MemoryBalanceStore, MemoryQuotaStore, PrismaKeySource, RedisBalanceStore, RedisQuotaStore, RegionBudgetShareSource } from '@switchyard/auth';
import { UsageQuery, UsageRecorder } from '@switchyard/billing';
import { SwitchyardConfig, SwitchyardEnv, outboundPolicyOf, regionBudgetSettings } from '@switchyard/config';
import { ConfigFeedFollower, Database } from '@switchyard/db';
import { AdapterPort, BillingPort, UsageSink } from '@switchyard/ir';
import { createStandaloneNotifications } from '@switchyard/notify';
import { ADAPTER_FAMILIES } from '@switchyard/providers';
import { BullUsageConsumer, BullUsageSink, ConfigChangeBus, type ConfigTopic, MemoryUsageQueue, UsageConsumer, createConfigChangeBus } from '@switchyard/queue';
import { PrismaCatalogueSource, RouterService, createResponseCache } from '@switchyard/routing';
import { UpstreamService, upstreamOptionsOf } from '@switchyard/upstream';

export interface StandaloneServices {
  auth: AuthService;
  router: RouterService;
  upstream: UpstreamService;
  usage: UsageSink & { close?(): Promise<void> };
  consumer: UsageConsumer;
  /** Announces configuration changes to every replica (this one included), which reload at once. */
  bus: ConfigChangeBus;
  billing: BillingPort;
  queueKind: string;
  close(): Promise<void>;
}

/**
 * The in-process service graph: the same classes the cluster apps serve over gRPC. Keys, prices
 * and the catalogue load from `read` (the region's replica, DATABASE_READ_URL), writes go to `db`.
 */
export async function createStandaloneServices(db: Database, config: SwitchyardConfig, env: SwitchyardEnv, read: Database = db): Promise<StandaloneServices> {
  // With Redis, limits and budgets hold across every replica sharing it; without, per process.
  // Across regions: this region's share of each budget, or one global counter (issue 15).
  const budgets = regionBudgetSettings(env);
  const quota = budgets.quotaRedisUrl ? new RedisQuotaStore(budgets.quotaRedisUrl) : new MemoryQuotaStore();
  // Prepaid balances (issue 16) count where the budgets do.
  const balance = budgets.quotaRedisUrl ? new RedisBalanceStore(budgets.quotaRedisUrl) : new MemoryBalanceStore();
  // Budget and health alerts to webhooks (issue 13), when switchyard.yaml declares some.
  const notifications = createStandaloneNotifications(config.notifications, env.REDIS_URL, { outbound: outboundPolicyOf(env), box: env.SWITCHYARD_SECRET_KEYS });
  const notifier = notifications?.notifier;
  const auth = new AuthService(new CreditAccountSource(new RegionBudgetShareSource(new PrismaKeySource(read), budgets.share), read), {
    quota,
    balance,
    leaseMs: env.SWITCHYARD_QUOTA_LEASE_MS,
    failOpen: env.SWITCHYARD_QUOTA_ON_ERROR === 'open',
    budgetAlerts: notifier?.wants('budget') ? notifier : undefined,
  });
  // Each call's connect timeout comes with it from the router (routing.timeouts or the model's).
  const upstream = new UpstreamService(upstreamOptionsOf(env));
  // One in-process adapter serves every provider family.
  const adapters = new Map<string, AdapterPort>(ADAPTER_FAMILIES.map((f) => [f, upstream]));
  const cache = createResponseCache(env.REDIS_URL, config.routing.cache);
  const router = new RouterService(new PrismaCatalogueSource(read), adapters, config.routing, cache, notifier?.wants('health') ? notifier : undefined, {
    spillover: config.region?.spillover.enabled ?? false,
    name: env.SWITCHYARD_REGION ?? config.server.region,
  });
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
  const bus = createConfigChangeBus(env.REDIS_URL);
  const log = new Logger('config');
  const failed = (e: unknown) => log.warn(`reload after a configuration change failed: ${String(e)}`);
  const reload = (topic: ConfigTopic) => {
    // Prices live in the catalogue but admission reserves budgets at them.
    void auth.invalidate().catch(failed);
    if (topic === 'catalogue') void router.reload().catch(failed);
  };
  bus.subscribe(reload);
  // Changes committed by other regions (issue 15); standalone on PGlite is its own only writer.
  const feed = env.DATABASE_URL ? new ConfigFeedFollower({ read, intervalMs: env.SWITCHYARD_CONFIG_FEED_POLL_MS, onChange: reload }) : undefined;
  await feed?.start();
  return {
    auth,
    router,
    upstream,
    usage,
    consumer,
    bus,
    billing: new UsageQuery(db),
    queueKind: env.REDIS_URL ? 'redis (BullMQ)' : 'in-memory',
    async close() {
      await feed?.close();
      await bus.close();
      await auth.close();
      router.onModuleDestroy();
      await cache.close();
      await usage.close?.();
      await consumer.close();
      await notifications?.notifier.close();
      await notifications?.worker.close();
      await upstream.onModuleDestroy();
    },
  };
}
