import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { BudgetRebalancer, RequestAuditRetention, USAGE_RETENTION_EVERY_MS, UsageQuery, UsageRecorder, UsageRetention } from '@switchyard/billing';
import { outboundPolicyOf, requireEnv, type SwitchyardEnv } from '@switchyard/config';
import { Database, DbModule } from '@switchyard/db';
import { DependencyHealthMonitor, GrpcHealthController, GrpcHealthService } from '@switchyard/grpc';
import { BILLING_PORT } from '@switchyard/ir';
import { createClusterNotificationWorker, loadNotificationsConfig, type NotificationWorker } from '@switchyard/notify';
import { BudgetRebalanceScheduler, BullMaintenanceSchedule, BullUsageConsumer, MaintenanceJobName, RedisHealthProbe } from '@switchyard/queue';
import { BillingController } from './billing.controller';

const NOTIFICATIONS = Symbol('NotificationWorker');
const REBALANCING = Symbol('BudgetRebalanceScheduler');

/** Schedules the repeatable housekeeping jobs (issue 16): raw usage retention. */
async function scheduleMaintenance(env: SwitchyardEnv, redisUrl: string, db: Database): Promise<BullMaintenanceSchedule> {
  const schedule = new BullMaintenanceSchedule(redisUrl);
  const days = env.SWITCHYARD_USAGE_RETENTION_DAYS;
  // Unset keeps raw rows forever; the scheduler is shared, so a period set before is removed too.
  if (days === undefined) await schedule.unschedule(MaintenanceJobName.PurgeUsage);
  else await schedule.schedule(MaintenanceJobName.PurgeUsage, USAGE_RETENTION_EVERY_MS, () => new UsageRetention(db, days).run().then(() => undefined));
  return schedule;
}

/**
 * Cluster billing: drains the "usage" queue into the ledger and answers usage queries; delivers
 * the "notifications" queue's webhooks when switchyard.yaml declares some (issue 13); runs the
 * "billing-maintenance" queue's repeatable jobs (usage retention, issue 16); with
 * SWITCHYARD_BUDGET_REBALANCE_MS, rebalances share-mode budgets across regions (issue 15).
 */
@Module({})
export class BillingAppModule implements OnApplicationShutdown {
  constructor(
    @Inject(BullUsageConsumer) private readonly consumer: BullUsageConsumer,
    @Inject(NOTIFICATIONS) private readonly notifications: NotificationWorker | undefined,
    @Inject(BullMaintenanceSchedule) private readonly maintenance: BullMaintenanceSchedule,
    @Inject(RequestAuditRetention) private readonly retention: RequestAuditRetention,
    @Inject(REBALANCING) private readonly rebalancing: BudgetRebalanceScheduler | undefined,
  ) {}

  static forRoot(env: SwitchyardEnv, health: GrpcHealthService): DynamicModule {
    const redisUrl = requireEnv('REDIS_URL', env.REDIS_URL);
    return {
      module: BillingAppModule,
      imports: [DbModule.forRoot({ databaseUrl: requireEnv('DATABASE_URL', env.DATABASE_URL), migrate: true })],
      controllers: [BillingController, GrpcHealthController],
      providers: [
        { provide: GrpcHealthService, useValue: health },
        { provide: BILLING_PORT, inject: [Database], useFactory: (db: Database) => new UsageQuery(db) },
        {
          provide: BullUsageConsumer,
          inject: [Database],
          useFactory: (db: Database) => {
            const consumer = new BullUsageConsumer(redisUrl);
            consumer.consume(new UsageRecorder(db).handle);
            return consumer;
          },
        },
        { provide: BullMaintenanceSchedule, inject: [Database], useFactory: (db: Database) => scheduleMaintenance(env, redisUrl, db) },
        {
          // Every billing replica prunes the request audit; the deletes are idempotent (request-audit.retention.ts).
          provide: RequestAuditRetention,
          inject: [Database],
          useFactory: (db: Database) => {
            const retention = new RequestAuditRetention(db, { days: env.SWITCHYARD_AUDIT_RETENTION_DAYS });
            retention.start();
            return retention;
          },
        },
        {
          provide: NOTIFICATIONS,
          useFactory: async () => {
            const outbound = outboundPolicyOf(env);
            return createClusterNotificationWorker(await loadNotificationsConfig(env.SWITCHYARD_CONFIG, outbound), redisUrl, { outbound, box: env.SWITCHYARD_SECRET_KEYS });
          },
        },
        {
          provide: REBALANCING,
          inject: [Database],
          useFactory: async (db: Database) => {
            if (!env.SWITCHYARD_BUDGET_REBALANCE_MS) return undefined;
            // On the primary: the ledger it reads and the allowances it writes live there.
            const rebalancer = new BudgetRebalancer(db, env.SWITCHYARD_BUDGET_REGIONS);
            const scheduler = new BudgetRebalanceScheduler(redisUrl, env.SWITCHYARD_BUDGET_REBALANCE_MS);
            await scheduler.start(async (now) => void (await rebalancer.run(now)));
            return scheduler;
          },
        },
        {
          provide: DependencyHealthMonitor,
          inject: [Database],
          useFactory: (db: Database) => new DependencyHealthMonitor(health, [{ name: 'database', check: () => db.ping() }, new RedisHealthProbe(redisUrl)]),
        },
      ],
    };
  }

  // After the transport drained. Shutdown hooks run root module first, so the worker finishes
  // the batch it holds before DbModule closes the database; a batch cut short is retried.
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.consumer.close(), this.notifications?.close(), this.maintenance.close(), this.retention.stop(), this.rebalancing?.close()]);
  }
}
