import { Redis } from 'ioredis';
import { createTestDatabase } from './postgres-harness';
import { type RunningApp, freePort, runApp, startApp, waitForReady } from './process-harness';

export type ClusterService = 'auth' | 'router' | 'adapter' | 'billing' | 'ingress';

/** Where the gRPC services listen (host:port) and the ingress's HTTP port. */
export interface ClusterAddresses {
  auth: string;
  router: string;
  adapter: string;
  billing: string;
  httpPort: number;
}

export interface ServiceClusterOptions {
  /** Prefix of the spec's own Postgres database. */
  database: string;
  /** The spec's Redis database (flushed first). */
  redisUrl: string;
  /** The switchyard.yaml applied (`standalone apply -f`) before the services start, and mounted in each. */
  config: string;
  /** Environment of the apply and of every service (secrets, keys). */
  env: Record<string, string>;
  /** More environment for the five services only, not the apply (e.g. tracing). */
  serviceEnv?: Record<string, string>;
  /** A service's own extra environment, from the addresses (the gRPC URLs are the ingress's by default). */
  extra?: Partial<Record<ClusterService, (addresses: ClusterAddresses) => Record<string, string>>>;
  readyTimeoutMs?: number;
}

/**
 * The five cluster services as their own processes over gRPC (auth, router, an openai adapter,
 * billing, and the ingress in front), on the spec's own Postgres database and Redis database,
 * with the catalogue applied first: what the cluster e2e specs that are not about faults start.
 */
export class ServiceCluster {
  private constructor(
    readonly db: Awaited<ReturnType<typeof createTestDatabase>>,
    readonly apps: RunningApp[],
    readonly addresses: ClusterAddresses,
    private readonly envs: Record<ClusterService, Record<string, string>>,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.addresses.httpPort}`;
  }

  static async start(options: ServiceClusterOptions): Promise<ServiceCluster> {
    const db = await createTestDatabase(options.database);
    const apps: RunningApp[] = [];
    try {
      const redis = new Redis(options.redisUrl);
      await redis.flushdb();
      redis.disconnect();
      const common = { ...options.env, DATABASE_URL: db.url, REDIS_URL: options.redisUrl, HOST: '127.0.0.1', SWITCHYARD_CONFIG: options.config };
      await runApp('standalone', common, ['apply', '-f', options.config]);
      const [auth, router, adapter, billing, httpPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
      const addresses: ClusterAddresses = { auth: `127.0.0.1:${auth}`, router: `127.0.0.1:${router}`, adapter: `127.0.0.1:${adapter}`, billing: `127.0.0.1:${billing}`, httpPort };
      const services = { ...common, ...options.serviceEnv };
      const own = (service: ClusterService) => options.extra?.[service]?.(addresses) ?? {};
      const envs: Record<ClusterService, Record<string, string>> = {
        auth: { ...services, GRPC_PORT: String(auth), ...own('auth') },
        adapter: { ...services, GRPC_PORT: String(adapter), ADAPTER_PROVIDER: 'openai', ...own('adapter') },
        router: { ...services, GRPC_PORT: String(router), ADAPTER_GRPC_URLS: `openai=${addresses.adapter}`, ...own('router') },
        billing: { ...services, GRPC_PORT: String(billing), ...own('billing') },
        ingress: { ...services, PORT: String(httpPort), AUTH_GRPC_URL: addresses.auth, ROUTER_GRPC_URL: addresses.router, ...own('ingress') },
      };
      for (const service of ['auth', 'adapter', 'router', 'billing', 'ingress'] as const) apps.push(startApp(service, envs[service]));
      const cluster = new ServiceCluster(db, apps, addresses, envs);
      // Five processes starting at once on a busy machine: more than the default 30 s.
      await waitForReady(cluster.baseUrl, cluster.app('ingress'), options.readyTimeoutMs ?? 90_000).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${apps.map((a) => `--- ${a.name} ---\n${a.output()}`).join('\n')}`);
      });
      return cluster;
    } catch (error) {
      await Promise.all(apps.map((a) => a.stop()));
      await db.drop();
      throw error;
    }
  }

  app(service: ClusterService): RunningApp {
    const app = this.apps.find((a) => a.name === service);
    if (!app) throw new Error(`no ${service} in this cluster`);
    return app;
  }

  /** Starts a service again (after the spec stopped it) with the environment it was started with. */
  restart(service: ClusterService): RunningApp {
    const fresh = startApp(service, this.envs[service]);
    this.apps[this.apps.findIndex((a) => a.name === service)] = fresh;
    return fresh;
  }

  /** Stops every service and drops the database; returns each service's exit code. */
  async stop(): Promise<(readonly [string, number | null])[]> {
    const codes = await Promise.all(this.apps.map(async (a) => [a.name, await a.stop()] as const));
    await this.db.drop();
    return codes;
  }
}
