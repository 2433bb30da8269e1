import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { DEFAULT_CORS_MAX_AGE_SECONDS, adminOidcOf, fileStoreSettingsOf, loadRegionConfig, resolvePeers, loadSwitchyardEnv, outboundPolicyOf, requireEnv, type SwitchyardEnv, httpServerSettings, requestLimitSettings } from '@switchyard/config';
import { AdminModule } from '@switchyard/admin';
import { BATCH_ENDPOINTS, BatchesApiModule, BatchesService, FilesService, MessageBatchesService, openFileStorage } from '@switchyard/batches';
import { UsageQuery, planStatementLines } from '@switchyard/billing';
import { type ConfigFeedFollower, type Database, createDatabase, responseStoreOf } from '@switchyard/db';
import { GrpcAuthClient, GrpcBillingClient, GrpcRouterClient } from '@switchyard/grpc';
import { PeerSpill, type ReadinessCheck, RegionReadiness, startIngressApp } from '@switchyard/ingress';
import { BullBatchQueue, BullReconcileQueue, BullUsageSink, createConfigChangeBus } from '@switchyard/queue';
import { addressOf, installProcessLogs, startTracing, tracingSummary } from '@switchyard/telemetry';
import { resolve } from 'node:path';
import { startLocalAdmission } from './local-admission.wiring';

const READY_WAIT_MS = 1000;

// Cluster ingress: the public REST edge; auth and router over gRPC, usage onto the BullMQ queue.
async function main(): Promise<void> {
  const env = loadSwitchyardEnv();
  const logs = installProcessLogs({ service: 'ingress', region: env.SWITCHYARD_REGION ?? '', level: env.LOG_LEVEL });
  const tracing = await startTracing('switchyard-ingress');
  // SWITCHYARD_GRPC_MUX: Admit and Settle as frames on a few long-lived streams (docs/architecture.md §6).
  const auth = new GrpcAuthClient(requireEnv('AUTH_GRPC_URL', env.AUTH_GRPC_URL), { mux: env.SWITCHYARD_GRPC_MUX });
  // Keys with nothing to count are admitted here, without the Admit round trip (issue 11).
  const local = await startLocalAdmission(env, auth);
  // SWITCHYARD_GRPC_MUX: Route calls as frames on a few long-lived streams (docs/architecture.md §6).
  const router = new GrpcRouterClient(requireEnv('ROUTER_GRPC_URL', env.ROUTER_GRPC_URL), { mux: env.SWITCHYARD_GRPC_MUX });
  const usage = new BullUsageSink(requireEnv('REDIS_URL', env.REDIS_URL));
  // Ready means connected, not merely "not failed yet": a channel still connecting to a
  // service that is starting would otherwise let traffic in too early.
  const readiness: ReadinessCheck[] = [
    { name: 'auth', ready: () => auth.waitForReady(READY_WAIT_MS).then(() => true, () => false) },
    { name: 'router', ready: () => router.waitForReady(READY_WAIT_MS).then(() => true, () => false) },
  ];
  // The `region` section of the mounted switchyard.yaml (docs/architecture.md §4, Regions); the environment names the region first.
  const regionConfig = await loadRegionConfig(env.SWITCHYARD_CONFIG, outboundPolicyOf(env));
  const region = env.SWITCHYARD_REGION ?? regionConfig.name ?? '';
  const regionReadiness = new RegionReadiness(router, readiness, { region, minUsableModelShare: regionConfig.region.readiness.minUsableModelShare });
  const peers = resolvePeers(regionConfig.region, env.SWITCHYARD_CONFIG);
  const spill = peers.length ? new PeerSpill(region, peers) : undefined;
  // The admin API, stored Responses answers and the files and batches API are all the ingress
  // opens the database for; they use the primary (not DATABASE_READ_URL): a client continues a
  // conversation or reads a batch it just made at once, faster than a replica catches up.
  const db = env.DATABASE_URL ? await createDatabase({ databaseUrl: env.DATABASE_URL }) : undefined;
  const admin = db && (await adminApi(env, regionReadiness, db, local?.feed));
  const files = db && (await batchesApi(env, auth, db));
  // A files bucket this ingress stores uploads in is one of its dependencies (RegionReadiness reads the same list).
  if (files?.probe) readiness.push({ name: files.probe.name, ready: files.probe.check });
  const responses = db && responseStoreOf(db, env.SWITCHYARD_RESPONSES_RETENTION_DAYS);
  // GET /v1/me's spend comes from the ledger through billing; without BILLING_GRPC_URL it is null.
  const billing = env.BILLING_GRPC_URL ? new GrpcBillingClient(env.BILLING_GRPC_URL) : undefined;
  await startIngressApp({
    ports: {
      auth: local?.port ?? auth,
      router,
      usage,
      billing,
      readiness,
      regionReadiness,
      spill,
      region,
      trustedProxies: env.SWITCHYARD_TRUSTED_PROXIES,
      limits: requestLimitSettings(env),
      audit: { box: env.SWITCHYARD_SECRET_KEYS, maxBytes: env.SWITCHYARD_AUDIT_BODY_MAX_BYTES },
      adminToken: env.SWITCHYARD_ADMIN_TOKEN,
      responses,
    },
    imports: [...(admin ? [admin.module] : []), ...(files ? [files.module] : [])],
    // The cluster ingress reads no switchyard.yaml: its origins come from the environment, the tenants' from auth.
    cors: { origins: env.SWITCHYARD_CORS_ORIGINS ?? [], maxAgeSeconds: env.SWITCHYARD_CORS_MAX_AGE_SECONDS ?? DEFAULT_CORS_MAX_AGE_SECONDS },
    // The web console's build sits beside the app bundles (tools/build.mjs: dist/console).
    consoleDir: resolve(__dirname, '../../console'),
    host: env.HOST,
    port: env.PORT ?? 8080,
    maxBodyBytes: env.MAX_BODY_BYTES,
    http: httpServerSettings(env),
    metricsPort: env.SWITCHYARD_METRICS_PORT,
    logs,
    accessLog: env.SWITCHYARD_ACCESS_LOG,
    summary: {
      mode: 'cluster ingress',
      external: {
        auth: addressOf(requireEnv('AUTH_GRPC_URL', env.AUTH_GRPC_URL)),
        router: addressOf(requireEnv('ROUTER_GRPC_URL', env.ROUTER_GRPC_URL)),
        redis: addressOf(requireEnv('REDIS_URL', env.REDIS_URL)),
        ...(env.BILLING_GRPC_URL ? { billing: addressOf(env.BILLING_GRPC_URL) } : {}),
        ...(db && env.DATABASE_URL ? { database: `postgres ${addressOf(env.DATABASE_URL)}` } : {}),
        'admin API': admin ? 'on' : 'off (needs SWITCHYARD_ADMIN_TOKEN and DATABASE_URL)',
        'stored responses': db ? 'on' : 'off (needs DATABASE_URL)',
        'files and batches': files ? 'on (run by billing)' : 'off (needs DATABASE_URL)',
        'keys without limits': local ? 'admitted here' : 'admitted by auth',
        tracing: tracingSummary(process.env),
      },
    },
    close: async () => {
      await usage.close();
      await admin?.close();
      await local?.close();
      await files?.close();
      await responses?.close();
      await db?.close();
      auth.close();
      router.close();
      billing?.close();
      await tracing.shutdown();
    },
  });
}

/**
 * The admin API, when this ingress has both an admin token and the database. Usage queries go
 * to billing over gRPC when BILLING_GRPC_URL is set, else straight to the ledger.
 */
async function adminApi(env: SwitchyardEnv, region: RegionReadiness, db: Database, feed: ConfigFeedFollower | undefined): Promise<{ module: DynamicModule; close(): Promise<void> } | undefined> {
  if (!env.SWITCHYARD_ADMIN_TOKEN) return undefined;
  const bus = createConfigChangeBus(env.REDIS_URL);
  const grpcBilling = env.BILLING_GRPC_URL ? new GrpcBillingClient(env.BILLING_GRPC_URL) : undefined;
  // POST /admin/v1/billing/reconcile queues a run for auth, which owns the counters (issue 16).
  const reconcile = env.REDIS_URL ? new BullReconcileQueue(env.REDIS_URL) : undefined;
  const credit = reconcile && { reconcile: () => reconcile.runNow(60_000) };
  return {
    module: AdminModule.forRoot({
      token: env.SWITCHYARD_ADMIN_TOKEN,
      oidc: adminOidcOf(env),
      // Revoked admin tokens from other regions, whose Redis never reaches this one: from the feed
      // the key directory follows when there is one (one poll per interval, not two), else polled.
      configFeed: feed,
      configFeedPollMs: env.SWITCHYARD_CONFIG_FEED_POLL_MS,
      db,
      bus,
      billing: grpcBilling ?? new UsageQuery(db),
      planPricer: planStatementLines,
      credit,
      secretBox: env.SWITCHYARD_SECRET_KEYS,
      outbound: outboundPolicyOf(env),
      region,
    }),
    async close() {
      await reconcile?.close();
      grpcBilling?.close();
      await bus.close();
    },
  };
}

/**
 * /v1/files and /v1/batches (issue 17), when this ingress has the database: files are stored and
 * batches queued here; billing's batch worker runs them (docs/architecture.md, "Files and batches").
 */
async function batchesApi(env: SwitchyardEnv, auth: GrpcAuthClient, db: Database): Promise<{ module: DynamicModule; probe?: { name: string; check(): Promise<boolean> }; close(): Promise<void> }> {
  // Producer only: this process queues batches and never runs them.
  const queue = new BullBatchQueue(requireEnv('REDIS_URL', env.REDIS_URL), { concurrency: 1, lockMs: env.SWITCHYARD_BATCH_LOCK_MS });
  const storage = await openFileStorage(fileStoreSettingsOf(env), db);
  const files = new FilesService(db, storage.storage);
  return {
    probe: storage.probe,
    module: BatchesApiModule.forRoot({ auth, files, batches: new BatchesService(db, queue, BATCH_ENDPOINTS), messageBatches: new MessageBatchesService(db, queue), maxFileBytes: env.SWITCHYARD_FILES_MAX_BYTES }),
    async close() {
      await queue.close();
      storage.close();
    },
  };
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
