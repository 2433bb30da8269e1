import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Container, type K8sObject, type PodSpec, ofKind, workloads } from './helm-chart';
import { type RunningApp, ROOT, eventually, freePort, runningApp } from './process-harness';

/**
 * Runs what a rendered chart describes as local processes, the way a kubelet would run its pods:
 * each workload's container command (the image's entrypoint arguments) from the runtime tree,
 * with the container's rendered environment and nothing else. What a cluster provides is mapped
 * onto this machine, and only that:
 * - a Service's DNS name (`dns:///<svc>.<ns>.svc.cluster.local:<port>`) becomes 127.0.0.1 and
 *   the local port of the container port its targetPort names;
 * - a container port, and a port variable that holds it (PORT, GRPC_PORT,
 *   SWITCHYARD_METRICS_PORT), becomes a free local port (every pod has its own IP in a cluster,
 *   here they share one);
 * - a volume (ConfigMap files, emptyDir) becomes a folder, and paths under its mount point in the
 *   environment and arguments point into it;
 * - secretKeyRef values are read from the rendered Secrets.
 */
const execFileAsync = promisify(execFile);

export class RenderedChartRun {
  private readonly dir = mkdtempSync(join(tmpdir(), 'sy-chart-run-'));
  private readonly localPorts = new Map<string, Map<number, number>>();
  private readonly running: RunningApp[] = [];

  constructor(
    private readonly objects: K8sObject[],
    private readonly runtimeTree: string,
  ) {}

  /** A free local port for every container port of every workload. */
  async assignPorts(): Promise<void> {
    for (const { obj, container } of workloads(this.objects)) {
      const map = new Map<number, number>();
      for (const p of container.ports ?? []) map.set(p.containerPort, await freePort());
      this.localPorts.set(obj.metadata.name, map);
    }
  }

  /** The local port a workload's named or numbered container port is reachable on. */
  localPort(workload: string, port: number | string): number {
    const w = workloads(this.objects).find((x) => x.obj.metadata.name === workload);
    const containerPort = typeof port === 'number' ? port : w?.container.ports?.find((p) => p.name === port)?.containerPort;
    const local = containerPort === undefined ? undefined : this.localPorts.get(workload)?.get(containerPort);
    if (local === undefined) throw new Error(`${workload} has no container port ${port}`);
    return local;
  }

  /** `dns:///svc.ns.svc.cluster.local:port` → 127.0.0.1:<local port of the pod behind that Service port>. */
  private mapAddresses(value: string): string {
    return value.replace(/dns:\/\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.[a-z0-9.-]+:(\d+)/g, (_all, name: string, _ns: string, port: string) => {
      const service = ofKind(this.objects, 'Service').find((s) => s.metadata.name === name);
      const servicePort = service?.spec?.ports?.find((p) => p.port === Number(port));
      if (!service || !servicePort) throw new Error(`no Service ${name} with port ${port} in the rendered chart`);
      const selector = service.spec?.selector ?? {};
      const targets = ofKind(this.objects, 'Deployment').filter((d) => Object.entries(selector).every(([k, v]) => d.spec?.template?.metadata?.labels?.[k] === v));
      if (targets.length !== 1) throw new Error(`Service ${name} selects ${targets.length} Deployments`);
      return `127.0.0.1:${this.localPort(targets[0]?.metadata.name ?? '', servicePort.targetPort ?? servicePort.port)}`;
    });
  }

  /** Folders standing in for the pod's volumes, by mount path. */
  private mountFolders(name: string, container: Container, pod: PodSpec): [string, string][] {
    const out: [string, string][] = [];
    for (const mount of container.volumeMounts ?? []) {
      const volume = pod.volumes?.find((v) => v.name === mount.name);
      const folder = join(this.dir, name, mount.name);
      mkdirSync(folder, { recursive: true });
      if (volume?.configMap) {
        const cm = ofKind(this.objects, 'ConfigMap').find((c) => c.metadata.name === volume.configMap?.name);
        if (!cm) throw new Error(`${name}: volume ${mount.name} names ConfigMap ${volume.configMap.name}, which the chart does not render`);
        for (const [file, text] of Object.entries(cm.data ?? {})) writeFileSync(join(folder, file), text);
      } else if (volume?.emptyDir === undefined) {
        throw new Error(`${name}: volume ${mount.name} is neither a ConfigMap nor an emptyDir`);
      }
      out.push([mount.mountPath, folder]);
    }
    // Longest mount path first, so /etc/switchyard/x is not taken for /etc/x.
    return out.sort((a, b) => b[0].length - a[0].length);
  }

  /** The process environment of a workload's container, as the kubelet would set it, mapped as above. */
  environment(workload: string): Record<string, string> {
    const w = workloads(this.objects).find((x) => x.obj.metadata.name === workload);
    if (!w) throw new Error(`no workload ${workload}`);
    const mounts = this.mountFolders(workload, w.container, w.pod);
    const secrets = ofKind(this.objects, 'Secret');
    const ports = this.localPorts.get(workload) ?? new Map<number, number>();
    const env: Record<string, string> = {};
    for (const e of w.container.env ?? []) {
      let value = e.value;
      if (value === undefined && e.valueFrom?.secretKeyRef) {
        const { name, key } = e.valueFrom.secretKeyRef;
        const data = secrets.find((s) => s.metadata.name === name)?.data?.[key];
        if (data === undefined) throw new Error(`${workload}: ${e.name} reads ${name}/${key}, which the chart does not render`);
        value = Buffer.from(data, 'base64').toString('utf8');
      }
      if (value === undefined) throw new Error(`${workload}: ${e.name} has no value this runner can resolve`);
      if (['PORT', 'GRPC_PORT', 'SWITCHYARD_METRICS_PORT'].includes(e.name) && ports.has(Number(value))) value = String(ports.get(Number(value)));
      env[e.name] = this.mapPaths(this.mapAddresses(value), mounts);
    }
    return env;
  }

  private mapPaths(value: string, mounts: [string, string][]): string {
    for (const [mountPath, folder] of mounts) if (value === mountPath || value.startsWith(`${mountPath}/`)) return folder + value.slice(mountPath.length);
    return value;
  }

  /** Starts a workload's container command from the runtime tree; `node` is this Node binary. */
  start(workload: string): RunningApp {
    const w = workloads(this.objects).find((x) => x.obj.metadata.name === workload);
    if (!w) throw new Error(`no workload ${workload}`);
    const mounts = this.mountFolders(workload, w.container, w.pod);
    const [command, ...args] = [...(w.container.command ?? []), ...(w.container.args ?? [])];
    if (command !== 'node') throw new Error(`${workload}: the image runs ${command}, expected node`);
    // The image's own environment (Dockerfile ENV) and PATH, then the container's.
    const env = { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', ...this.environment(workload) };
    const proc = spawn(process.execPath, args.map((a) => this.mapPaths(a, mounts)), { cwd: this.runtimeTree, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const app = runningApp(workload, proc);
    this.running.push(app);
    return app;
  }

  /** Runs a Job's container to completion, as a hook Job before install. */
  async runToCompletion(workload: string, timeoutMs = 60_000): Promise<string> {
    const app = this.start(workload);
    const code = await Promise.race([new Promise<number | null>((r) => app.proc.once('exit', (c) => r(c))), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref())]);
    if (code !== 0) throw new Error(`${workload} ended with ${code}:\n${app.output()}`);
    return app.output();
  }

  /**
   * Waits until the workload's rendered readiness probe passes (HTTP GET, or grpc.health.v1
   * Check), for as long as its rendered startup probe gives it (periodSeconds × failureThreshold)
   * and at least 4 minutes: that budget is for a pod with CPU of its own, and here every process
   * of the release starts at once on a shared machine. Readiness is what is tested, not its speed.
   */
  async waitReady(app: RunningApp): Promise<void> {
    const w = workloads(this.objects).find((x) => x.obj.metadata.name === app.name);
    const probe = w?.container.readinessProbe;
    if (!probe) throw new Error(`${app.name} has no readiness probe`);
    const startup = w?.container.startupProbe as { periodSeconds?: number; failureThreshold?: number } | undefined;
    const timeoutMs = Math.max((startup?.periodSeconds ?? 10) * (startup?.failureThreshold ?? 3) * 1000, 240_000);
    await eventually(
      async () => {
        if (app.proc.exitCode !== null) throw new Error(`exited early with ${app.proc.exitCode}`);
        if (probe.httpGet) {
          const res = await fetch(`http://127.0.0.1:${this.localPort(app.name, probe.httpGet.port)}${probe.httpGet.path}`);
          if (res.status < 200 || res.status >= 400) throw new Error(`${probe.httpGet.path} answered ${res.status}`);
        } else if (probe.grpc) {
          // What the kubelet's gRPC probe asks: grpc.health.v1.Health/Check for the service name.
          await execFileAsync(process.execPath, [resolve(ROOT, 'tools/grpc-health.mjs'), `127.0.0.1:${this.localPort(app.name, probe.grpc.port)}`, probe.grpc.service ?? '']);
        } else {
          throw new Error('unsupported readiness probe');
        }
      },
      timeoutMs,
      `${app.name} ready`,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n--- ${app.name} output ---\n${app.output()}`);
    });
  }

  /** Stops every process it started (SIGTERM, drained) and removes its folders; the exit codes by name. */
  async stopAll(): Promise<[string, number | null][]> {
    const codes = await Promise.all(this.running.map(async (a) => [a.name, await a.stop()] as [string, number | null]));
    rmSync(this.dir, { recursive: true, force: true });
    return codes;
  }
}
