import { Logger } from '@nestjs/common';
import { AuthService, CounterReconciler, CreditAccountSource, CreditCountersService, MemoryBalanceStore, MemoryQuotaStore, PrismaKeySource, RedisBalanceStore, RedisBudgetCounters, RedisQuotaStore, RegionBudgetShareSource } from '@switchyard/auth';
import { RequestAuditRetention, UsageQuery, UsageRecorder, UsageRetention, UsageRetentionTimer } from '@switchyard/billing';
import { SwitchyardConfig, SwitchyardEnv, outboundPolicyOf, regionBudgetSettings } from '@switchyard/config';
import { ConfigFeedFollower, Database, loadBudgetAllowances } from '@switchyard/db';
import { AdapterPort, BillingPort, CreditCountersPort, UsageSink } from '@switchyard/ir';
import { createStandaloneNotifications } from '@switchyard/notify';
import { ADAPTER_FAMILIES } from '@switchyard/providers';
import { BullReconcileQueue, BullUsageConsumer, BullUsageSink, ConfigChangeBus, type ConfigTopic, MemoryUsageQueue, UsageConsumer, createConfigChangeBus } from '@switchyard/queue';
import { PrismaCatalogueSource, RouterService, createResponseCache } from '@switchyard/routing';
import { UpstreamService, upstreamOptionsOf } from '@switchyard/upstream';

/** How long POST /admin/v1/billing/reconcile waits for the run it queued. */
const RECONCILE_WAIT_MS = 60_000;

export interface StandaloneServices {
  auth: AuthService;
  router: RouterService;
  upstream: UpstreamService;
  usage: UsageSink & { close?(): Promise<void> };
  consumer: UsageConsumer;
  /** Announces configuration changes to every replica (this one included), which reload at once. */
  bus: ConfigChangeBus;
  billing: BillingPort;
  /** Prepaid balances' live counters and the reconciliation (issue 16), for the admin API. */
  credit: CreditCountersPort;
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
  // Budget, health and spend alerts to webhooks (issues 13, 16), when switchyard.yaml declares some.
  const notifications = createStandaloneNotifications(config.notifications, env.REDIS_URL, { outbound: outboundPolicyOf(env), box: env.SWITCHYARD_SECRET_KEYS });
  const notifier = notifications?.notifier;
  // In share mode the allowances billing's rebalancing publishes replace the fixed share.
  const region = env.SWITCHYARD_REGION ?? config.server.region;
  const allowances = env.SWITCHYARD_BUDGET_MODE === 'share' && region ? (now: number) => loadBudgetAllowances(read, region, now) : undefined;
  const auth = new AuthService(new CreditAccountSource(new RegionBudgetShareSource(new PrismaKeySource(read), budgets.share, allowances), read), {
    quota,
    balance,
    leaseMs: env.SWITCHYARD_QUOTA_LEASE_MS,
    failOpen: env.SWITCHYARD_QUOTA_ON_ERROR === 'open',
    budgetAlerts: notifier?.wants('budget') ? notifier : undefined,
    spendAlerts: notifier?.wants('spend') ? notifier : undefined,
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
  const auditRetention = new RequestAuditRetention(db, { days: env.SWITCHYARD_AUDIT_RETENTION_DAYS });
  auditRetention.start();

  let usage: StandaloneServices['usage'];
  let consumer: UsageConsumer;
  let memoryQueue: MemoryUsageQueue | undefined;
  if (env.REDIS_URL) {
    usage = new BullUsageSink(env.REDIS_URL);
    consumer = new BullUsageConsumer(env.REDIS_URL);
  } else {
    memoryQueue = new MemoryUsageQueue();
    usage = memoryQueue;
    consumer = memoryQueue;
  }
  // Counter reconciliation (issue 16): the BullMQ job with Redis; without, a timer in this process
  // (the budget counters are then in memory, where no settle can be lost: only balances compare).
  const reconcileQueue = env.REDIS_URL ? new BullReconcileQueue(env.REDIS_URL) : undefined;
  const budgetCounters = budgets.quotaRedisUrl && budgets.share === 1 ? new RedisBudgetCounters(budgets.quotaRedisUrl) : undefined;
  const reconciler = new CounterReconciler({
    db,
    balance,
    budgets: budgetCounters,
    pendingUsage: async () => (reconcileQueue ? reconcileQueue.usageBacklog() : (memoryQueue?.backlog() ?? 0)),
  });
  const counters = new CreditCountersService(balance, reconciler);
  let reconcileTimer: NodeJS.Timeout | undefined;
  if (reconcileQueue) {
    await reconcileQueue.work(() => reconciler.run(), env.SWITCHYARD_RECONCILE_INTERVAL_MS);
  } else if (env.SWITCHYARD_RECONCILE_INTERVAL_MS > 0) {
    const log = new Logger('reconcile');
    reconcileTimer = setInterval(() => void reconciler.run().catch((e: unknown) => log.warn(`reconciliation failed: ${String(e)}`)), env.SWITCHYARD_RECONCILE_INTERVAL_MS);
    reconcileTimer.unref();
  }
  const credit: CreditCountersPort = {
    liveBalance: (tenantId) => counters.liveBalance(tenantId),
    // With Redis a manual run goes through the queue, so it never overlaps a scheduled one.
    reconcile: () => (reconcileQueue ? reconcileQueue.runNow(RECONCILE_WAIT_MS) : counters.reconcile()),
  };
  consumer.consume(recorder.handle);
  // Raw usage retention (issue 16): a timer here, billing's BullMQ job in a cluster.
  const days = env.SWITCHYARD_USAGE_RETENTION_DAYS;
  const usageRetention = days === undefined ? undefined : new UsageRetentionTimer(new UsageRetention(db, days));
  usageRetention?.start();
  await Promise.all([auth.start(), router.start()]);
  const bus = createConfigChangeBus(env.REDIS_URL);
  const log = new Logger('config');
  const failed = (e: unknown) => log.warn(`reload after a configuration change failed: ${String(e)}`);
  const reload = (topic: ConfigTopic) => {
    // Admin tokens are the admin API's alone (AdminTokenRegistry follows the bus itself).
    if (topic === 'admin-tokens') return;
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
    credit,
    queueKind: env.REDIS_URL ? 'redis (BullMQ)' : 'in-memory',
    async close() {
      await usageRetention?.close();
      await auditRetention.stop();
      if (reconcileTimer) clearInterval(reconcileTimer);
      await reconcileQueue?.close();
      await budgetCounters?.close();
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
