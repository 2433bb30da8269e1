import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { ProviderSimulator } from '@switchyard/testing';
import { type RunningApp, SIMULATOR_OUTBOUND_ENV, freePort, listening, runApp, startApp, waitForReady } from './process-harness';
import { type PrivatePostgres, type PrivateRedis, startPrivatePostgres, startPrivateRedis } from './private-servers';

// The cluster of the fault tests: two replicas of each service (auth, router, the openai adapter,
// billing) behind one ingress, on a Postgres and a Redis of its own. The ingress and the router
// reach the replicas through one grpc-js target listing both (`ipv4:a:p1,a:p2`), which the
// channel balances round-robin; the billing replicas consume the same BullMQ queue.

// Should the test process die before afterAll, no service outlives it.
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

export const FAULT_MODEL = 'fault-chat';
const UPSTREAM_MODEL = 'sim-fault';
/** Keys follow the outbound policy of issue 10: at least 32 characters. */
export const FAULT_KEYS = {
  open: 'sk-faults-open-0123456789abcdefghijklmnop',
  /** Counted in Redis (an rpm limit far above the load): its admissions need the quota store. */
  limited: 'sk-faults-limited-0123456789abcdefghijklm',
} as const;

/** The limited key's requests per minute: far above any load here, so it never refuses for the count. */
export const FAULT_RPM = 1_000_000;

export type ServiceName = 'auth' | 'router' | 'adapter' | 'billing';
export type ReplicaName = `${ServiceName}-${1 | 2}`;

/** Each adapter replica calls the upstream with a key of its own: the simulator tells them apart by it. */
export function upstreamKeyOf(replica: 'adapter-1' | 'adapter-2'): string {
  return `sk-upstream-faults-${replica}`;
}

interface Replica {
  readonly name: ReplicaName;
  readonly service: ServiceName;
  readonly port: number;
  readonly env: Record<string, string>;
  app: RunningApp;
}

export interface KillMark {
  /** performance.now() just before the signal. */
  readonly signalledAt: number;
  /** performance.now() once the exit was seen. */
  readonly exitedAt: number;
}

export class FaultCluster {
  private readonly replicas = new Map<ReplicaName, Replica>();
  private ingress: RunningApp | undefined;
  baseUrl = '';

  private constructor(
    readonly sim: ProviderSimulator,
    readonly pg: PrivatePostgres,
    readonly redis: PrivateRedis,
    private readonly dir: string,
    /** The environment every process of the cluster shares (configuration file, keys, database, Redis). */
    readonly common: Readonly<Record<string, string>>,
  ) {}

  /** `extraEnv` may depend on the cluster's Postgres (e.g. a DATABASE_READ_URL onto it). */
  static async start(extraEnv: Record<string, string> | ((pg: PrivatePostgres) => Record<string, string>) = {}): Promise<FaultCluster> {
    const [sim, pg, redis] = await Promise.all([ProviderSimulator.start({ maxRecords: 100_000 }), startPrivatePostgres(), startPrivateRedis()]);
    const dir = mkdtempSync(join(tmpdir(), 'sy-faults-'));
    const config = join(dir, 'switchyard.yaml');
    writeFileSync(config, gatewayYaml(sim.url));
    const common = {
      FAULTS_OPEN_KEY: FAULT_KEYS.open,
      FAULTS_LIMITED_KEY: FAULT_KEYS.limited,
      SWITCHYARD_UPSTREAM_SIM_KEY: 'sk-upstream-faults-apply',
      // The simulator is a plain-HTTP loopback upstream: the outbound policy must allow it.
      ...SIMULATOR_OUTBOUND_ENV,
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      HOST: '127.0.0.1',
      SWITCHYARD_CONFIG: config,
      ...(typeof extraEnv === 'function' ? extraEnv(pg) : extraEnv),
    };
    const cluster = new FaultCluster(sim, pg, redis, dir, common);
    try {
      await runApp('standalone', common, ['apply', '-f', config]);
      await cluster.startReplicas();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  openai(key: string = FAULT_KEYS.open): OpenAI {
    return new OpenAI({ baseURL: `${this.baseUrl}/v1`, apiKey: key, maxRetries: 0, timeout: 30_000 });
  }

  port(name: ReplicaName): number {
    return this.replica(name).port;
  }

  pid(name: ReplicaName): number {
    return this.replica(name).app.proc.pid ?? -1;
  }

  /** Every process and its pid, for "nothing else restarted". */
  pids(): Record<string, number> {
    const all: Record<string, number> = { ingress: this.ingress?.proc.pid ?? -1 };
    for (const [name, r] of this.replicas) all[name] = r.app.proc.pid ?? -1;
    return all;
  }

  /** Names of the processes that are not running. */
  dead(): string[] {
    const apps: [string, RunningApp | undefined][] = [['ingress', this.ingress], ...[...this.replicas].map(([n, r]) => [n, r.app] as [string, RunningApp])];
    return apps.filter(([, app]) => !app || app.proc.exitCode !== null || app.proc.signalCode !== null).map(([n]) => n);
  }

  /** SIGKILL, as the OOM killer or a lost node does: no drain, no goodbye. */
  async kill(name: ReplicaName): Promise<KillMark> {
    const { app } = this.replica(name);
    const exited = new Promise<void>((resolve) => app.proc.once('exit', () => resolve()));
    const signalledAt = performance.now();
    app.proc.kill('SIGKILL');
    await exited;
    return { signalledAt, exitedAt: performance.now() };
  }

  /** Starts the replica again with the same command, port and environment; resolves once it accepts connections. */
  async restart(name: ReplicaName): Promise<void> {
    const r = this.replica(name);
    if (r.app.proc.exitCode === null && r.app.proc.signalCode === null) throw new Error(`${name} is still running`);
    r.app = launch(r.service, r.env);
    await listening(r.port, r.app, 60_000);
  }

  /** A rolling restart of both replicas of `service` (SIGTERM, start, wait) with `env` added: a configuration change. */
  async reconfigure(service: ServiceName, env: Record<string, string>): Promise<void> {
    for (const i of [1, 2] as const) {
      const r = this.replica(`${service}-${i}`);
      const code = await r.app.stop('SIGTERM');
      if (code !== 0) throw new Error(`${r.name} exited ${code} on SIGTERM:\n${r.app.output()}`);
      Object.assign(r.env, env);
      r.app = launch(r.service, r.env);
      await listening(r.port, r.app, 60_000);
    }
  }

  output(name: ReplicaName | 'ingress'): string {
    return name === 'ingress' ? (this.ingress?.output() ?? '') : this.replica(name).app.output();
  }

  async stop(): Promise<void> {
    const apps = [this.ingress, ...[...this.replicas.values()].map((r) => r.app)].filter((a): a is RunningApp => a !== undefined);
    await Promise.all(apps.map((a) => a.stop('SIGKILL')));
    await this.sim.close();
    await this.redis.stop();
    await this.pg.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private replica(name: ReplicaName): Replica {
    const r = this.replicas.get(name);
    if (!r) throw new Error(`no replica ${name}`);
    return r;
  }

  private async startReplicas(): Promise<void> {
    const ports = new Map<ReplicaName, number>();
    for (const service of ['auth', 'router', 'adapter', 'billing'] as const) for (const i of [1, 2] as const) ports.set(`${service}-${i}`, await freePort());
    const target = (service: ServiceName) => `ipv4:127.0.0.1:${ports.get(`${service}-1`)},127.0.0.1:${ports.get(`${service}-2`)}`;
    const envOf = (name: ReplicaName, service: ServiceName): Record<string, string> => {
      const env: Record<string, string> = { ...this.common, GRPC_PORT: String(ports.get(name)) };
      if (service === 'adapter') Object.assign(env, { ADAPTER_PROVIDER: 'openai', SWITCHYARD_UPSTREAM_SIM_KEY: upstreamKeyOf(name as 'adapter-1' | 'adapter-2') });
      if (service === 'router') env['ADAPTER_GRPC_URLS'] = `openai=${target('adapter')}`;
      return env;
    };
    const replicasOf = (service: ServiceName) =>
      ([1, 2] as const).map((i) => {
        const name: ReplicaName = `${service}-${i}`;
        const r: Replica = { name, service, port: ports.get(name) as number, env: envOf(name, service), app: launch(service, envOf(name, service)) };
        this.replicas.set(name, r);
        return listening(r.port, r.app, 60_000);
      });
    // Routers wait for their adapters; the rest start together.
    await Promise.all([...replicasOf('auth'), ...replicasOf('adapter'), ...replicasOf('billing')]);
    await Promise.all(replicasOf('router'));
    const http = await freePort();
    this.ingress = launch('ingress', { ...this.common, PORT: String(http), AUTH_GRPC_URL: target('auth'), ROUTER_GRPC_URL: target('router') });
    this.baseUrl = `http://127.0.0.1:${http}`;
    await waitForReady(this.baseUrl, this.ingress, 60_000);
  }
}


function gatewayYaml(simulatorUrl: string): string {
  return `server: { port: 8080 }
routing: { retries: 1, timeouts: { connectMs: 2000, firstTokenMs: 10000, totalMs: 30000 } }
providers:
  - id: sim
    type: openai
    baseUrl: ${simulatorUrl}/v1
    apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY]
models:
  - name: ${FAULT_MODEL}
    deployments:
      - { provider: sim, model: ${UPSTREAM_MODEL}, weight: 1 }
    price: { inputPerMTok: 1.5, outputPerMTok: 6 }
tenants:
  - id: faults
    keys:
      - { key: env:FAULTS_OPEN_KEY, name: open }
      - { key: env:FAULTS_LIMITED_KEY, name: limited, rpm: ${FAULT_RPM} }
`;
}
