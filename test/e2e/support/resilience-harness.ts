import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderSimulator, RecordedRequest } from '@switchyard/testing';
import { RunningApp, SIMULATOR_OUTBOUND_ENV, freePort, startApp, waitForReady } from './process-harness';

// A standalone gateway per describe block of the fault-injection tests (issue 5), with the
// tenants, keys and admin token they share, and the readers of what the gateway and the
// simulator say about each request: the x-switchyard-attempts header, the admin health view,
// the upstream calls the simulator recorded.

/** Client and upstream keys; the gateway reads them through `env:` references. */
export const RESILIENCE_KEYS = {
  acme: 'sk-test-acme-resilience-01-0123456789abcdef',
  other: 'sk-test-other-resilience-02-0123456789abcdef',
  eu: 'sk-test-eu-resilience-03-0123456789abcdef',
  admin: 'admin-token-resilience-0123456789abcdef',
  upstreamA: 'sk-upstream-a',
  upstreamB: 'sk-upstream-b',
} as const;

const ENV = {
  ...SIMULATOR_OUTBOUND_ENV,
  ACME_KEY: RESILIENCE_KEYS.acme,
  OTHER_KEY: RESILIENCE_KEYS.other,
  EU_KEY: RESILIENCE_KEYS.eu,
  ADMIN_TOKEN: RESILIENCE_KEYS.admin,
  SWITCHYARD_UPSTREAM_KEY_A: RESILIENCE_KEYS.upstreamA,
  SWITCHYARD_UPSTREAM_KEY_B: RESILIENCE_KEYS.upstreamB,
};

// Three tenants: two to show the response cache never crosses tenants, one held to the eu region.
const SERVER_YAML = 'server: { port: 8080, adminToken: env:ADMIN_TOKEN }\n';
const TENANTS_YAML = `tenants:
  - id: acme
    keys: [{ key: env:ACME_KEY }]
  - id: other
    keys: [{ key: env:OTHER_KEY }]
  - id: eu-corp
    regions: [eu]
    keys: [{ key: env:EU_KEY }]
`;

export type CircuitState = 'closed' | 'open' | 'half-open';

/** One deployment in GET /admin/v1/routing/health. */
export interface DeploymentHealthView {
  deploymentId: string;
  model: string;
  providerId: string;
  circuit: CircuitState;
  cooldownUntil: number;
  ejectedUntil: number;
}

export interface RoutingHealthView {
  deployments: DeploymentHealthView[];
  retryBudgetAvailable: number;
  retriesRefused: number;
}

export interface ResilienceGateway {
  readonly baseUrl: string;
  readonly app: RunningApp;
  openai(key?: string): OpenAI;
  anthropic(key?: string): Anthropic;
  /** GET /admin/v1/routing/health with the admin token; throws on a non-200 answer. */
  health(): Promise<RoutingHealthView>;
  /** The health of the deployment of `model` on `providerId`; throws when there is none. */
  deployment(model: string, providerId: string): Promise<DeploymentHealthView>;
  /** GET /metrics (Prometheus text); throws on a non-200 answer. */
  metrics(): Promise<string>;
  stop(): Promise<number | null>;
}

/**
 * Starts dist/apps/standalone/main.js on embedded PGlite (its own copy of a migrated data folder,
 * so no Postgres is needed) with `routing`, `providers` and `models` from `body`; server and
 * tenants are added.
 */
export async function startResilienceGateway(body: string): Promise<ResilienceGateway> {
  const template = await migratedDataDir();
  const dir = mkdtempSync(join(tmpdir(), 'sy-resilience-'));
  const dataDir = join(dir, 'data');
  cpSync(template, dataDir, { recursive: true });
  const { app, baseUrl } = await startStandalone(dir, SERVER_YAML + body + TENANTS_YAML, dataDir);

  const admin = async (path: string): Promise<Response> => {
    const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${RESILIENCE_KEYS.admin}` } });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
    return res;
  };
  const health = async () => (await (await admin('/admin/v1/routing/health')).json()) as RoutingHealthView;
  return {
    baseUrl,
    app,
    openai: (key = RESILIENCE_KEYS.acme) => new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: key, maxRetries: 0 }),
    anthropic: (key = RESILIENCE_KEYS.acme) => new Anthropic({ baseURL: baseUrl, apiKey: key, maxRetries: 0 }),
    health,
    async deployment(model, providerId) {
      const state = await health();
      const found = state.deployments.find((d) => d.model === model && d.providerId === providerId);
      if (!found) throw new Error(`no deployment of ${model} on ${providerId} in ${JSON.stringify(state.deployments)}`);
      return found;
    },
    metrics: async () => (await admin('/metrics')).text(),
    async stop() {
      const code = await app.stop();
      // Each data folder is ~40 MB of PGlite.
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

// A shared machine under load can take longer than the default 30 s to migrate a fresh PGlite
// folder; SWITCHYARD_E2E_READY_MS raises the wait without changing what is tested.
const READY_MS = Number(process.env['SWITCHYARD_E2E_READY_MS'] ?? 30_000);

async function startStandalone(dir: string, yaml: string, dataDir: string): Promise<{ app: RunningApp; baseUrl: string }> {
  const config = join(dir, 'switchyard.yaml');
  writeFileSync(config, yaml);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const app = startApp('standalone', { ...ENV, SWITCHYARD_CONFIG: config, SWITCHYARD_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' });
  try {
    await waitForReady(baseUrl, app, READY_MS);
  } catch (err) {
    await app.stop();
    throw err;
  }
  return { app, baseUrl };
}

// Migrating a fresh PGlite folder takes most of a standalone start (~10 s of ~15 s here), so
// the first gateway of the run migrates one folder, with no providers or models, and every
// gateway starts from a copy of it — as a restarted server does (migrations: 0 applied).
let template: Promise<string> | undefined;
let templateDir: string | undefined;

/** Removes the migrated template folder; call once after all gateways of the file stopped. */
export function removeGatewayTemplate(): void {
  if (templateDir) rmSync(templateDir, { recursive: true, force: true });
  template = undefined;
  templateDir = undefined;
}

function migratedDataDir(): Promise<string> {
  template ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-resilience-template-'));
    templateDir = dir;
    const dataDir = join(dir, 'data');
    const { app } = await startStandalone(dir, SERVER_YAML + TENANTS_YAML, dataDir);
    const code = await app.stop();
    if (code !== 0) throw new Error(`the template gateway exited ${code}:\n${app.output()}`);
    return dataDir;
  })();
  return template;
}

/**
 * The x-switchyard-attempts header as short strings, one per try in order:
 * `provider/model outcome[ status][ hedge]` (durations left out: they are timings).
 */
export function triesOf(headers: Headers | null | undefined): string[] {
  const value = headers?.get('x-switchyard-attempts');
  if (!value) return [];
  return value.split(', ').map((entry) => {
    const fields = new Map<string, string>();
    let hedge = false;
    for (const part of entry.split(';')) {
      const eq = part.indexOf('=');
      if (eq === -1) hedge ||= part === 'hedge';
      else fields.set(part.slice(0, eq), part.slice(eq + 1));
    }
    const status = fields.get('status');
    return `${fields.get('provider') ?? '?'}/${fields.get('model') ?? '?'} ${fields.get('outcome') ?? '?'}${status ? ` ${status}` : ''}${hedge ? ' hedge' : ''}`;
  });
}

/** The router's active probes send one short `ping`; the tests never do. */
export function isProbe(r: RecordedRequest): boolean {
  return r.rawBody.includes('"ping"');
}

/** Chat requests the simulator received for `upstreamModel` (probes excluded). */
export function callsTo(sim: ProviderSimulator, upstreamModel: string): RecordedRequest[] {
  return sim.requests.filter((r) => modelOf(r) === upstreamModel && !isProbe(r));
}

/** Probe requests the simulator received for `upstreamModel`. */
export function probesTo(sim: ProviderSimulator, upstreamModel: string): RecordedRequest[] {
  return sim.requests.filter((r) => modelOf(r) === upstreamModel && isProbe(r));
}

function modelOf(r: RecordedRequest): unknown {
  return typeof r.body === 'object' && r.body !== null ? (r.body as Record<string, unknown>)['model'] : undefined;
}

/** An error as an SDK threw it: HTTP status, dialect error type / code, response headers. */
export interface SdkFailure {
  status: number | undefined;
  type: string | null | undefined;
  code: string | null | undefined;
  headers: Headers | undefined;
  message: string;
}

/** Awaits a call that must fail with the SDK's APIError and returns what the client saw. */
export async function sdkFailure(call: Promise<unknown> | (() => Promise<unknown>)): Promise<SdkFailure> {
  try {
    await (typeof call === 'function' ? call() : call);
  } catch (err) {
    if (err instanceof OpenAI.APIError) return { status: err.status, type: err.type, code: err.code, headers: err.headers, message: err.message };
    if (err instanceof Anthropic.APIError) return { status: err.status, type: err.type, code: undefined, headers: err.headers, message: err.message };
    throw err;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** The base URL of a port nothing listens on: connecting is refused. */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

/**
 * An upstream that accepts the connection and resets it (TCP RST) as soon as the request
 * arrives: a connection lost before the first byte of the answer.
 */
export async function startResettingUpstream(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', () => socket.resetAndDestroy());
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
