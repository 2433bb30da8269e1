import { type DynamicModule, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DEFAULT_ROUTING, loadRegionConfig, outboundPolicyOf, type RoutingConfig, requireEnv, type SwitchyardEnv } from '@switchyard/config';
import { ConfigFeedFollower, Database, DbModule, READ_DATABASE } from '@switchyard/db';
import { channelHealthProbe, type DependencyProbe, DependencyHealthMonitor, GrpcAdapterClient, GrpcHealthController, GrpcHealthService } from '@switchyard/grpc';
import { ROUTER_PORT } from '@switchyard/ir';
import { ADAPTER_FAMILIES } from '@switchyard/providers';
import { createClusterNotifier, loadNotificationsConfig, type Notifier } from '@switchyard/notify';
import { type ConfigChangeBus, type ConfigTopic, createConfigChangeBus, RedisHealthProbe } from '@switchyard/queue';
import { PrismaCatalogueSource, RouterService, createResponseCache } from '@switchyard/routing';
import { RouterController } from './router.controller';
import { loadRoutingConfig } from './routing-config';

const ADAPTER_WAIT_MS = 10_000;
const ADAPTER_CLIENTS = Symbol('AdapterClients');
const CONFIG_BUS = Symbol('ConfigChangeBus');
const RESPONSE_CACHE = Symbol('ResponseCache');
const ROUTING = Symbol('RoutingConfig');
const NOTIFIER = Symbol('Notifier');
const CONFIG_FEED = Symbol('ConfigFeedFollower');

type AdapterClients = ReadonlyMap<string, GrpcAdapterClient>;
type ResponseCache = ReturnType<typeof createResponseCache>;

/** Cluster router: owns the catalogue, picks deployments and calls the adapter workers over gRPC. */
@Module({})
export class RouterAppModule implements OnApplicationShutdown {
  constructor(
    @Inject(CONFIG_BUS) private readonly bus: ConfigChangeBus,
    @Inject(RESPONSE_CACHE) private readonly cache: ResponseCache,
    @Inject(ADAPTER_CLIENTS) private readonly clients: AdapterClients,
    @Inject(NOTIFIER) private readonly notifier: Notifier | undefined,
    @Inject(CONFIG_FEED) private readonly feed: ConfigFeedFollower,
  ) {}

  static forRoot(env: SwitchyardEnv, health: GrpcHealthService): DynamicModule {
    const addresses = requireEnv('ADAPTER_GRPC_URLS', env.ADAPTER_GRPC_URLS);
    const log = new Logger('router');
    return {
      module: RouterAppModule,
      imports: [DbModule.forRoot({ databaseUrl: requireEnv('DATABASE_URL', env.DATABASE_URL), readUrl: env.DATABASE_READ_URL, migrate: true })],
      controllers: [RouterController, GrpcHealthController],
      providers: [
        { provide: GrpcHealthService, useValue: health },
        {
          provide: ADAPTER_CLIENTS,
          useFactory: async (): Promise<AdapterClients> => {
            const clients = new Map(ADAPTER_FAMILIES.flatMap((f) => (addresses[f] ? [[f, new GrpcAdapterClient(addresses[f], { mux: env.SWITCHYARD_GRPC_MUX })] as const] : [])));
            // Serve once the adapters answer (or after a bounded wait): a router up before its
            // adapters would fail its first requests. One that stays unreachable is retried per request.
            await Promise.all(
              [...clients].map(([family, client]) => client.waitForReady(ADAPTER_WAIT_MS).catch(() => log.warn(`adapter ${family} not reachable yet; serving anyway`))),
            );
            return clients;
          },
        },
        // Retries and timeouts from the `routing` section of switchyard.yaml when it is mounted.
        { provide: ROUTING, useFactory: async () => (await loadRoutingConfig(env.SWITCHYARD_CONFIG, outboundPolicyOf(env))) ?? DEFAULT_ROUTING },
        // Health alerts (issue 13) when switchyard.yaml declares a webhook for them (they need Redis).
        {
          provide: NOTIFIER,
          useFactory: async () => {
            const config = await loadNotificationsConfig(env.SWITCHYARD_CONFIG, outboundPolicyOf(env));
            if (!config?.webhooks.some((w) => w.events.includes('health'))) return undefined;
            return createClusterNotifier(config, requireEnv('REDIS_URL', env.REDIS_URL));
          },
        },
        { provide: RESPONSE_CACHE, inject: [ROUTING], useFactory: (routing: RoutingConfig) => createResponseCache(env.REDIS_URL, routing.cache) },
        {
          provide: ROUTER_PORT,
          inject: [READ_DATABASE, ADAPTER_CLIENTS, ROUTING, RESPONSE_CACHE, NOTIFIER],
          useFactory: async (read: Database, clients: AdapterClients, routing: RoutingConfig, cache: ResponseCache, notifier: Notifier | undefined) => {
            // region.spillover of the mounted file: with it on, "nothing usable" goes back to the ingress, which forwards to a peer.
            // The region's own deployments are tried first (SWITCHYARD_REGION, else server.region).
            const { name, region } = await loadRegionConfig(env.SWITCHYARD_CONFIG, outboundPolicyOf(env));
            // The catalogue loads from the region's replica (DATABASE_READ_URL, else the primary).
            const router = new RouterService(new PrismaCatalogueSource(read), clients, routing, cache, notifier, { spillover: region.spillover.enabled, name: env.SWITCHYARD_REGION ?? name });
            await router.start();
            return router;
          },
        },
        {
          provide: CONFIG_BUS,
          inject: [ROUTER_PORT],
          useFactory: (router: RouterService) => {
            const bus = createConfigChangeBus(env.REDIS_URL);
            bus.subscribe((topic) => reloadCatalogue(router, topic, log));
            return bus;
          },
        },
        {
          // Changes committed in other regions, whose announcements stay on their own Redis (issue 15).
          provide: CONFIG_FEED,
          inject: [READ_DATABASE, ROUTER_PORT],
          useFactory: async (read: Database, router: RouterService) => {
            const feed = new ConfigFeedFollower({ read, intervalMs: env.SWITCHYARD_CONFIG_FEED_POLL_MS, onChange: (topic) => reloadCatalogue(router, topic, log) });
            await feed.start();
            return feed;
          },
        },
        {
          provide: DependencyHealthMonitor,
          inject: [READ_DATABASE, ADAPTER_CLIENTS],
          useFactory: (read: Database, clients: AdapterClients) => {
            // The catalogue's database (the replica when there is one): a primary outage must not
            // take the region's routers out of service (issue 15).
            const probes: DependencyProbe[] = [{ name: 'database', check: () => read.ping() }];
            // Redis only when this router uses it (shared response cache, configuration changes).
            if (env.REDIS_URL) probes.push(new RedisHealthProbe(env.REDIS_URL));
            for (const [family, client] of clients) probes.push(channelHealthProbe(`adapter ${family}`, client));
            return new DependencyHealthMonitor(health, probes);
          },
        },
      ],
    };
  }

  // After the transport drained and the router's own timers stopped (its destroy hook).
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.bus.close(), this.feed.close(), this.cache.close(), this.notifier?.close()]);
    for (const client of this.clients.values()) client.close();
  }
}

function reloadCatalogue(router: RouterService, topic: ConfigTopic, log: Logger): void {
  if (topic === 'catalogue') void router.reload().catch((e: unknown) => log.warn(`reload after a configuration change failed: ${String(e)}`));
}
