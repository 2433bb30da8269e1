import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { BudgetRebalancer, RequestAuditRetention, USAGE_RETENTION_EVERY_MS, UsageQuery, UsageRecorder, UsageRetention } from '@switchyard/billing';
import { type OpenedFileStorage, openFileStorage, startBatchWorker } from '@switchyard/batches';
import { fileStoreSettingsOf, outboundPolicyOf, requireEnv, type SwitchyardEnv } from '@switchyard/config';
import { Database, DbModule } from '@switchyard/db';
import { DependencyHealthMonitor, GrpcAuthClient, GrpcHealthController, GrpcHealthService, GrpcRouterClient } from '@switchyard/grpc';
import { BILLING_PORT } from '@switchyard/ir';
import { createClusterNotificationWorker, loadNotificationsConfig, type NotificationWorker } from '@switchyard/notify';
import { BudgetRebalanceScheduler, BullBatchQueue, BullMaintenanceSchedule, BullUsageConsumer, BullUsageSink, MaintenanceJobName, RedisHealthProbe } from '@switchyard/queue';
import { BillingController } from './billing.controller';

const NOTIFICATIONS = Symbol('NotificationWorker');
const REBALANCING = Symbol('BudgetRebalanceScheduler');
const BATCHES = Symbol('BatchWorker');

interface BatchWorker {
  /** Where batch files are read and written: a bucket is a dependency of this process's health. */
  files: OpenedFileStorage;
  close(): Promise<void>;
}

/**
 * The cluster's batch worker (issue 17), with AUTH_GRPC_URL and ROUTER_GRPC_URL: lines are
 * admitted by auth and routed by the router over gRPC, their usage published to the queue this
 * process drains. Off the ingress, so batch work never shares the hot path's CPU.
 */
async function startBatches(env: SwitchyardEnv, redisUrl: string, db: Database): Promise<BatchWorker | undefined> {
  if (!env.AUTH_GRPC_URL || !env.ROUTER_GRPC_URL) return undefined;
  const files = await openFileStorage(fileStoreSettingsOf(env), db);
  const auth = new GrpcAuthClient(env.AUTH_GRPC_URL);
  const router = new GrpcRouterClient(env.ROUTER_GRPC_URL);
  const usage = new BullUsageSink(redisUrl);
  const queue = new BullBatchQueue(redisUrl, { concurrency: env.SWITCHYARD_BATCH_WORKERS, lockMs: env.SWITCHYARD_BATCH_LOCK_MS });
  const worker = await startBatchWorker({ db, storage: files.storage, queue, auth, router, usage, region: env.SWITCHYARD_REGION ?? '', lineConcurrency: env.SWITCHYARD_BATCH_LINE_CONCURRENCY, sweepMs: env.SWITCHYARD_FILES_SWEEP_MS });
  return {
    files,
    async close() {
      await worker.stop();
      await queue.close();
      await usage.close();
      auth.close();
      router.close();
      files.close();
    },
  };
}

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
    @Inject(BATCHES) private readonly batches: BatchWorker | undefined,
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
        { provide: BATCHES, inject: [Database], useFactory: (db: Database) => startBatches(env, redisUrl, db) },
        {
          provide: DependencyHealthMonitor,
          inject: [Database, BATCHES],
          // A files bucket the batch worker reads and writes is checked with the database and Redis.
          useFactory: (db: Database, batches: BatchWorker | undefined) =>
            new DependencyHealthMonitor(health, [{ name: 'database', check: () => db.ping() }, new RedisHealthProbe(redisUrl), ...(batches?.files.probe ? [batches.files.probe] : [])]),
        },
      ],
    };
  }

  // After the transport drained. Shutdown hooks run root module first, so the worker finishes
  // the batch it holds before DbModule closes the database; a batch cut short is retried.
  async onApplicationShutdown(): Promise<void> {
    // Batches first: lines in flight are abandoned (pending) and their usage flushed before the database closes.
    await this.batches?.close();
    await Promise.all([this.consumer.close(), this.notifications?.close(), this.maintenance.close(), this.retention.stop(), this.rebalancing?.close()]);
  }
}
