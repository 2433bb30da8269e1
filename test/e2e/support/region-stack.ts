import { type RunningApp, SIMULATOR_OUTBOUND_ENV, freePort, listening, runApp, startApp, waitForReady } from './process-harness';
import { type PrivateRedis, startPrivateRedis } from './private-servers';

// One region of the failover test (issue 15): a complete cluster stack — auth, router, the
// openai adapter, billing and the ingress, one process each — on a Redis of its own and the
// Postgres every region shares. The ingress listens on the region's own loopback address
// (127.0.0.2, 127.0.0.3…), as a region's load balancer address would be; the gRPC services on
// 127.0.0.1. The adapter calls the upstream with the region's own key, so the simulator's
// scripts can fail one region's upstream calls and not the other's.

export const FAILOVER_MODEL = 'failover-chat';
export const FAILOVER_KEY = 'sk-failover-steady-0123456789abcdefghijklm';
export const FAILOVER_ADMIN_TOKEN = 'failover-e2e-admin-token-0123456789abcdef';
const PEER_LINK = 'failover-peer-link-secret-0123456789abcdef01';

const running = new Set<RunningApp>();
process.once('exit', () => {
  for (const app of running) if (app.proc.exitCode === null) app.proc.kill('SIGKILL');
});

function launch(service: string, env: Record<string, string>): RunningApp {
  const app = startApp(service, env);
  running.add(app);
  app.proc.once('exit', () => running.delete(app));
  return app;
}

export interface RegionPlan {
  readonly name: string;
  /** The loopback address and port of the region's ingress. */
  readonly host: string;
  readonly port: number;
  readonly peer: { readonly name: string; readonly url: string };
}

/** The region's configuration file: the catalogue every region shares, and its own `region` section. */
export function regionYaml(plan: RegionPlan, simulatorUrl: string): string {
  return `server: { port: ${plan.port}, region: ${plan.name} }
routing:
  retries: 1
  timeouts: { connectMs: 2000, firstTokenMs: 10000, totalMs: 30000 }
  circuitBreaker: { windowMs: 10000, minRequests: 5, failureRate: 0.5, openMs: 2000, halfOpenRequests: 1 }
  outlier: { consecutiveFailures: 1, ejectMs: 2000, maxEjectMs: 2000 }
  probes: { intervalMs: 300 }
providers:
  - { id: sim, type: openai, baseUrl: '${simulatorUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
models:
  - name: ${FAILOVER_MODEL}
    deployments: [{ provider: sim, model: sim-failover, weight: 1 }]
    price: { inputPerMTok: 1.5, outputPerMTok: 6 }
tenants:
  - id: failover
    keys: [{ key: env:FAILOVER_KEY, name: steady }]
region:
  readiness: { minUsableModelShare: 1 }
  spillover: { enabled: true }
  peers: [{ name: ${plan.peer.name}, url: '${plan.peer.url}', credential: env:SWITCHYARD_PEER_LINK }]
`;
}

/** The upstream key region `name`'s adapter presents (the simulator tells regions apart by it). */
export function upstreamKeyOf(name: string): string {
  return `sk-upstream-failover-${name}`;
}

/** The environment every process of a region shares; `apply` runs with it too. */
export function regionEnv(name: string, configPath: string, databaseUrl: string, redisUrl: string): Record<string, string> {
  return {
    ...SIMULATOR_OUTBOUND_ENV,
    FAILOVER_KEY,
    SWITCHYARD_UPSTREAM_SIM_KEY: upstreamKeyOf(name),
    SWITCHYARD_PEER_LINK: PEER_LINK,
    SWITCHYARD_REGION: name,
    SWITCHYARD_CONFIG: configPath,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    HOST: '127.0.0.1',
  };
}

const SERVICES = ['auth', 'router', 'adapter', 'billing'] as const;

export class RegionStack {
  private readonly apps = new Map<string, RunningApp>();

  private constructor(
    readonly plan: RegionPlan,
    readonly redis: PrivateRedis,
  ) {}

  get baseUrl(): string {
    return `http://${this.plan.host}:${this.plan.port}`;
  }

  /**
   * Starts the region's Redis and its five processes; resolves once its `/readyz` answers 200.
   * With `apply`, the configuration file is applied to the shared database first.
   */
  static async start(plan: RegionPlan, configPath: string, databaseUrl: string, apply = false): Promise<RegionStack> {
    const redis = await startPrivateRedis();
    const region = new RegionStack(plan, redis);
    const env = regionEnv(plan.name, configPath, databaseUrl, redis.url);
    try {
      if (apply) await runApp('standalone', env, ['apply', '-f', configPath]);
      await region.startProcesses(env);
    } catch (err) {
      await region.stop();
      throw err;
    }
    return region;
  }

  /** Names of the region's processes that are not running. */
  dead(): string[] {
    return [...this.apps].filter(([, app]) => app.proc.exitCode !== null || app.proc.signalCode !== null).map(([name]) => name);
  }

  output(name: string): string {
    return this.apps.get(name)?.output() ?? '';
  }

  /** SIGKILL of every process of the region, its Redis included, all at once: a lost region. */
  async killAll(): Promise<{ signalledAt: number; exitedAt: number }> {
    const apps = [...this.apps.values()];
    const exited = apps.map((app) => new Promise<void>((resolve) => (app.proc.exitCode !== null ? resolve() : app.proc.once('exit', () => resolve()))));
    const signalledAt = performance.now();
    for (const app of apps) app.proc.kill('SIGKILL');
    await Promise.all([...exited, this.redis.kill()]);
    return { signalledAt, exitedAt: performance.now() };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.apps.values()].map((app) => app.stop('SIGKILL')));
    await this.redis.stop();
  }

  private async startProcesses(common: Record<string, string>): Promise<void> {
    const ports = new Map<string, number>();
    for (const service of SERVICES) ports.set(service, await freePort());
    const target = (service: string) => `127.0.0.1:${ports.get(service)}`;
    const envOf = (service: string): Record<string, string> => {
      const env: Record<string, string> = { ...common, GRPC_PORT: String(ports.get(service)) };
      if (service === 'adapter') env['ADAPTER_PROVIDER'] = 'openai';
      if (service === 'router') env['ADAPTER_GRPC_URLS'] = `openai=${target('adapter')}`;
      return env;
    };
    const startService = (service: string) => {
      const app = launch(service, envOf(service));
      this.apps.set(service, app);
      return listening(ports.get(service) as number, app, 90_000);
    };
    // The router waits for its adapter; the rest start together.
    await Promise.all(['auth', 'adapter', 'billing'].map(startService));
    await startService('router');
    const ingress = launch('ingress', {
      ...common,
      HOST: this.plan.host,
      PORT: String(this.plan.port),
      AUTH_GRPC_URL: target('auth'),
      ROUTER_GRPC_URL: target('router'),
      SWITCHYARD_ADMIN_TOKEN: FAILOVER_ADMIN_TOKEN,
    });
    this.apps.set('ingress', ingress);
    await waitForReady(this.baseUrl, ingress, 90_000);
  }
}
