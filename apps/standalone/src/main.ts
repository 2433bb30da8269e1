import 'reflect-metadata';
import { AdminModule } from '@switchyard/admin';
import { BatchesApiModule } from '@switchyard/batches';
import { planStatementLines } from '@switchyard/billing';
import { Logger } from '@nestjs/common';
import { ConfigError, DEFAULT_CORS_MAX_AGE_SECONDS, adminOidcOf, MIN_ADMIN_TOKEN_LENGTH, NO_REGION_CONFIG, resolvePeers, adminTokenTooShort, loadSwitchyardEnv, outboundPolicyOf, resolveSecret, secretBoxWarnings, httpServerSettings, requestLimitSettings } from '@switchyard/config';
import { applyConfig, applyMigrations, createDatabase, openReadDatabase, responseStoreOf } from '@switchyard/db';
import { PeerSpill, RegionReadiness, startIngressApp } from '@switchyard/ingress';
import { addressOf, listedModels, installProcessLogs, startTracing, tracingSummary } from '@switchyard/telemetry';
import { basename, resolve } from 'node:path';
import { runStandaloneCli } from './cli/standalone.cli';
import { formatConfigChanges } from './config-diff.format';
import { ConfigReloader } from './config-reload';
import { loadStartupConfig } from './startup-config';
import { startStandaloneBatches } from './standalone.batches';
import { createStandaloneServices } from './standalone.services';
import { withBaselineWasmTier } from './startup-wasm.tier';

// Standalone: every service in one process, in-process calls instead of gRPC
// (docs/architecture.md §6).
async function bootstrap(): Promise<void> {
  const env = loadSwitchyardEnv();
  const logs = installProcessLogs({ service: 'standalone', region: env.SWITCHYARD_REGION ?? '', level: env.LOG_LEVEL });
  const tracing = await startTracing('switchyard');
  const outbound = outboundPolicyOf(env);
  const { config, source } = await loadStartupConfig(env);
  // The environment wins over the file's reference, as for every other setting.
  const region = env.SWITCHYARD_REGION ?? config.server.region ?? '';
  if (!env.SWITCHYARD_REGION && region) logs.root.setBindings({ region });
  const adminToken = env.SWITCHYARD_ADMIN_TOKEN ?? (config.server.adminToken ? resolveSecret(config.server.adminToken) : undefined);
  if (adminToken !== undefined && [...adminToken].length < MIN_ADMIN_TOKEN_LENGTH) throw new ConfigError([`${source}: server.adminToken: ${adminTokenTooShort(adminToken)}`]);
  const db = await createDatabase({ databaseUrl: env.DATABASE_URL, dataDir: `${env.SWITCHYARD_DATA_DIR}/pglite` });
  await applyMigrations(db);
  // Validated with the rest of the environment: a malformed SWITCHYARD_SECRET_KEYS stopped the process, naming the entry.
  const secretBox = env.SWITCHYARD_SECRET_KEYS;
  for (const warning of secretBoxWarnings(config, secretBox)) new Logger('config').warn(warning);
  const changes = await applyConfig(db.prisma, config, { resolveSecret: (ref) => resolveSecret(ref), secretBox, source: basename(source) });
  const changed = changes.filter((c) => c.action !== 'unchanged').length;
  // What the start changed, as `apply` prints it (issue 19): a tenant edited through the admin API
  // and put back by the file is no longer a surprise found only in the audit log.
  if (changed || changes.some((c) => c.note)) logs.root.info({ configChanges: changed }, `${source} applied (configOwnership: ${config.configOwnership ?? 'file'}):\n${formatConfigChanges(changes, { dryRun: false }).join('\n')}`);
  // A replica is only meaningful beside a Postgres primary (PGlite is this process's own).
  const read = await openReadDatabase(db, env.DATABASE_URL ? env.DATABASE_READ_URL : undefined);
  const services = await createStandaloneServices(db, config, env, read);
  // The router serves the database's catalogue: a model an earlier file or the admin API added
  // stays after this file stops naming it (the file owns only what it declares), so the summary
  // names those too instead of suggesting the file's list is all that is served.
  const declared = config.models.map((m) => m.name);
  const undeclared = (await services.router.listModels()).models.map((m) => m.name).filter((name) => !declared.includes(name)).sort();
  // Files and batches (issue 17): batch lines go through the same auth, router and usage queue.
  const batches = await startStandaloneBatches(db, env, { auth: services.auth, router: services.router, usage: services.usage, region });
  // /readyz and GET /admin/v1/region: no remote dependency here but a files bucket, and the share of usable models.
  const regionConfig = config.region ?? NO_REGION_CONFIG;
  const regionReadiness = new RegionReadiness(services.router, batches.readiness, { region, minUsableModelShare: regionConfig.readiness.minUsableModelShare });
  // Peers: where spilled requests go (when spill-over is on) and whose forwards this region believes.
  const peers = resolvePeers(regionConfig, source);
  const spill = peers.length ? new PeerSpill(region, peers) : undefined;
  const reloader = new ConfigReloader({ env, db, bus: services.bus, secretBox, log: new Logger('config') }, { server: config.server, routing: config.routing });
  process.on('SIGHUP', () => void reloader.reload());
  const port = env.PORT ?? config.server.port;
  const responses = responseStoreOf(db, env.SWITCHYARD_RESPONSES_RETENTION_DAYS);
  await startIngressApp({
    ports: {
      auth: services.auth,
      router: services.router,
      usage: services.usage,
      billing: services.billing,
      readiness: batches.readiness,
      regionReadiness,
      spill,
      region,
      trustedProxies: env.SWITCHYARD_TRUSTED_PROXIES,
      limits: requestLimitSettings(env),
      audit: { box: secretBox, maxBytes: env.SWITCHYARD_AUDIT_BODY_MAX_BYTES },
      adminToken,
      responses,
    },
    // Mounted even without a token: its routes then answer 404, as the admin API is disabled.
    imports: [
      AdminModule.forRoot({
        token: adminToken,
        oidc: adminOidcOf(env),
        // Revoked admin tokens from other regions; on PGlite this process is the only writer.
        configFeedPollMs: env.DATABASE_URL ? env.SWITCHYARD_CONFIG_FEED_POLL_MS : undefined,
        db,
        bus: services.bus,
        billing: services.billing,
        planPricer: planStatementLines,
        credit: services.credit,
        secretBox,
        outbound,
        region: regionReadiness,
      }),
      BatchesApiModule.forRoot(batches.api),
    ],
    // The environment's list replaces the file's, as for every other setting.
    cors: { origins: env.SWITCHYARD_CORS_ORIGINS ?? config.server.cors?.origins ?? [], maxAgeSeconds: env.SWITCHYARD_CORS_MAX_AGE_SECONDS ?? config.server.cors?.maxAgeSeconds ?? DEFAULT_CORS_MAX_AGE_SECONDS },
    // The web console's build sits beside the app bundles (tools/build.mjs: dist/console).
    consoleDir: resolve(__dirname, '../../console'),
    host: env.HOST,
    port,
    maxBodyBytes: env.MAX_BODY_BYTES,
    http: httpServerSettings(env),
    metricsPort: env.SWITCHYARD_METRICS_PORT,
    logs,
    accessLog: env.SWITCHYARD_ACCESS_LOG,
    summary: {
      mode: 'standalone',
      config: `${source} (${changed} changes applied)${undeclaredNote(undeclared)}`,
      models: [...declared, ...undeclared],
      external: {
        database: env.DATABASE_URL ? `postgres ${addressOf(env.DATABASE_URL)}` : `pglite ${env.SWITCHYARD_DATA_DIR}/pglite`,
        redis: env.REDIS_URL ? addressOf(env.REDIS_URL) : 'none (in-memory limits, cache and queue)',
        queue: services.queueKind,
        batches: batches.queueKind,
        // The console URL, so a newcomer who set the token finds where to use it.
        'admin API': adminToken ? `on, console ${consoleUrl(env.HOST, port)}` : 'off',
        tracing: tracingSummary(process.env),
        notifications: webhooksSummary(config.notifications?.webhooks.length ?? 0),
      },
    },
    close: async () => {
      await batches.close();
      await services.close();
      await responses.close();
      if (read !== db) await read.close();
      await db.close();
      await tracing.shutdown();
    },
  });
}

/** The start-up summary's note on served models the file does not declare; empty when there are none. */
function undeclaredNote(models: readonly string[]): string {
  if (!models.length) return '';
  return `, also serving ${models.length} model${models.length === 1 ? '' : 's'} it does not declare (from an earlier file or the admin API): ${listedModels(models)}`;
}

/** Where a browser on this machine opens the console: a wildcard bind address is reached on loopback. */
function consoleUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}/console/`;
}

/** Budget and health webhooks as the start-up line states them. */
function webhooksSummary(count: number): string {
  return count ? `${count} webhook${count === 1 ? '' : 's'}` : 'none';
}

// The switchyard command (cli/): `serve`, or no arguments at all, runs bootstrap.
runStandaloneCli(process.argv.slice(2), () => withBaselineWasmTier(bootstrap));
