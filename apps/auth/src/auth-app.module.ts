import { type DynamicModule, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AuthService, CounterReconciler, RedisBalanceStore, RedisBudgetCounters, RedisQuotaStore, concernsKeys, regionKeySource } from '@switchyard/auth';
import { outboundPolicyOf, regionBudgetSettings, requireEnv, type SwitchyardEnv } from '@switchyard/config';
import { ConfigFeedFollower, Database, DbModule, READ_DATABASE } from '@switchyard/db';
import { DependencyHealthMonitor, GrpcHealthController, GrpcHealthService } from '@switchyard/grpc';
import { AUTH_PORT } from '@switchyard/ir';
import { createClusterNotifier, loadNotificationsConfig, type Notifier } from '@switchyard/notify';
import { BullReconcileQueue, RedisConfigChangeBus, RedisHealthProbe, type ConfigTopic } from '@switchyard/queue';
import { AuthController } from './auth.controller';

/**
 * Cluster auth (docs/architecture.md §1 and §6): admission from the key cache, limits counted in
 * the shared Redis.
 */
const NOTIFIER = Symbol('Notifier');
const CONFIG_FEED = Symbol('ConfigFeedFollower');
const BALANCE = Symbol('BalanceStore');
const RECONCILE = Symbol('Reconciliation');

/** The reconciliation's worker and what it closes. */
interface Reconciliation {
  queue: BullReconcileQueue;
  budgets: RedisBudgetCounters;
}

@Module({})
export class AuthAppModule implements OnApplicationShutdown {
  constructor(
    @Inject(AUTH_PORT) private readonly auth: AuthService,
    @Inject(RedisConfigChangeBus) private readonly bus: RedisConfigChangeBus,
    @Inject(NOTIFIER) private readonly notifier: Notifier | undefined,
    @Inject(CONFIG_FEED) private readonly feed: ConfigFeedFollower,
    @Inject(RECONCILE) private readonly reconciliation: Reconciliation,
  ) {}

  static forRoot(env: SwitchyardEnv, health: GrpcHealthService): DynamicModule {
    const redisUrl = requireEnv('REDIS_URL', env.REDIS_URL);
    return {
      module: AuthAppModule,
      imports: [DbModule.forRoot({ databaseUrl: requireEnv('DATABASE_URL', env.DATABASE_URL), readUrl: env.DATABASE_READ_URL, migrate: true })],
      controllers: [AuthController, GrpcHealthController],
      providers: [
        { provide: GrpcHealthService, useValue: health },
        // Budget and spend alerts (issues 13, 16) when switchyard.yaml declares a webhook for them.
        {
          provide: NOTIFIER,
          useFactory: async () => {
            const notifier = createClusterNotifier(await loadNotificationsConfig(env.SWITCHYARD_CONFIG, outboundPolicyOf(env)), redisUrl);
            return notifier?.wants('budget') || notifier?.wants('spend') ? notifier : (await notifier?.close(), undefined);
          },
        },
        // Prepaid balances (issue 16) count in the quota Redis, next to the budgets.
        { provide: BALANCE, useFactory: () => new RedisBalanceStore(regionBudgetSettings(env).quotaRedisUrl ?? redisUrl) },
        {
          // Counter reconciliation (issue 16): auth owns the live counters, so it runs the
          // repeatable job that rebuilds them from the ledger (read on the primary, not a replica
          // that may lag). In `share` mode a region's budget counters hold its own share only,
          // which the global ledger cannot tell apart: only balances are reconciled there.
          provide: RECONCILE,
          inject: [Database, BALANCE],
          useFactory: async (db: Database, balance: RedisBalanceStore): Promise<Reconciliation> => {
            const settings = regionBudgetSettings(env);
            const budgets = new RedisBudgetCounters(settings.quotaRedisUrl ?? redisUrl);
            const queue = new BullReconcileQueue(redisUrl);
            const reconciler = new CounterReconciler({ db, balance, budgets: settings.share === 1 ? budgets : undefined, pendingUsage: () => queue.usageBacklog() });
            await queue.work(() => reconciler.run(), env.SWITCHYARD_RECONCILE_INTERVAL_MS);
            return { queue, budgets };
          },
        },
        {
          provide: AUTH_PORT,
          inject: [READ_DATABASE, NOTIFIER, BALANCE],
          useFactory: async (read: Database, notifier: Notifier | undefined, balance: RedisBalanceStore) => {
            // Every auth replica counts in the same Redis: limits hold whatever the number of replicas.
            // Keys and prices load from the region's replica (DATABASE_READ_URL, else the primary).
            // Across regions: this region's share of each budget, or one global counter (issue 15).
            const budgets = regionBudgetSettings(env);
            // Prepaid balances (issue 16) count in the quota Redis too; credits load with the keys
            // (regionKeySource, the loader the cluster ingress's LocalAdmission uses as well).
            const auth = new AuthService(regionKeySource(read, env), {
              quota: new RedisQuotaStore(budgets.quotaRedisUrl ?? redisUrl),
              balance,
              leaseMs: env.SWITCHYARD_QUOTA_LEASE_MS,
              failOpen: env.SWITCHYARD_QUOTA_ON_ERROR === 'open',
              budgetAlerts: notifier?.wants('budget') ? notifier : undefined,
              spendAlerts: notifier?.wants('spend') ? notifier : undefined,
            });
            await auth.start();
            return auth;
          },
        },
        {
          provide: RedisConfigChangeBus,
          inject: [AUTH_PORT],
          useFactory: (auth: AuthService) => {
            const bus = new RedisConfigChangeBus(redisUrl);
            // Keys and prices (budgets are reserved at them) reload as soon as a change is announced.
            bus.subscribe((topic) => reloadKeys(auth, topic));
            return bus;
          },
        },
        {
          // Changes committed in other regions, whose announcements stay on their own Redis (issue 15).
          provide: CONFIG_FEED,
          inject: [READ_DATABASE, AUTH_PORT],
          useFactory: async (read: Database, auth: AuthService) => {
            const feed = new ConfigFeedFollower({ read, intervalMs: env.SWITCHYARD_CONFIG_FEED_POLL_MS, onChange: (topic) => reloadKeys(auth, topic) });
            await feed.start();
            return feed;
          },
        },
        {
          provide: DependencyHealthMonitor,
          inject: [READ_DATABASE],
          // The database auth needs to serve is the one it reloads from: with a replica, a primary
          // outage must not take the region's auth out of service (issue 15).
          useFactory: (read: Database) => new DependencyHealthMonitor(health, [{ name: 'database', check: () => read.ping() }, new RedisHealthProbe(redisUrl)]),
        },
      ],
    };
  }

  // After the transport drained (the database is closed by DbModule).
  async onApplicationShutdown(): Promise<void> {
    await this.reconciliation.queue.close();
    await Promise.all([this.bus.close(), this.feed.close(), this.auth.close(), this.reconciliation.budgets.close()]);
    await this.notifier?.close();
  }
}

function reloadKeys(auth: AuthService, topic: ConfigTopic): void {
  // Admin tokens are the ingress's (the admin API's) alone.
  if (!concernsKeys(topic)) return;
  void auth.invalidate().catch((e: unknown) => new Logger('auth').warn(`reload after a configuration change failed: ${String(e)}`));
}
