// The three things measured in one run: the provider simulator called directly (the floor),
// Switchyard standalone (one process) and the Switchyard cluster (five processes over gRPC),
// the latter two routing one model to that same simulator.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, poll, tcpOpen } from './children.mjs';
import { hasContent, streamEnded } from './stream-load.mjs';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const dist = (path) => join(ROOT, 'dist', path);

export const CLIENT_KEY = 'sk-bench-key-0123456789abcdef0123456789';
/** A key with every limit and a budget, set high enough never to refuse: admission counts, in memory or Redis. */
export const LIMITED_KEY = 'sk-bench-limited-0123456789abcdef0123456789';
export const CHAT_PATH = '/v1/chat/completions';
const PROMPT = [{ role: 'user', content: 'Say hello in five words.' }];
const GATEWAY_HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` };
const LIMITED_HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${LIMITED_KEY}` };
// The simulator ignores the key, but a real client sends one and the bytes should match.
const DIRECT_HEADERS = { 'content-type': 'application/json', authorization: 'Bearer sim-key' };
const START_TIMEOUT_MS = 60_000;
// The simulator is plain http on loopback, which the outbound policy refuses unless allowed.
// Standalone is measured as `npm start` and the image launch it (node flags, malloc arenas).
const STANDALONE_LAUNCH = JSON.parse(readFileSync(new URL('../../tools/standalone-launch.json', import.meta.url), 'utf8'));
const SIMULATOR_OUTBOUND_ENV = { SWITCHYARD_OUTBOUND_ALLOW_HTTP: 'true', SWITCHYARD_OUTBOUND_ALLOW_PRIVATE: 'true' };

// Anthropic's own wire, for the direct baseline of the translation scenarios.
const ANTHROPIC_HEADERS = { 'content-type': 'application/json', 'x-api-key': 'sim-key', 'anthropic-version': '2023-06-01' };

/**
 * The requests of one target per upstream wire, JSON and streaming, serialised once. Gateway
 * targets are always called as OpenAI (the translation scenarios pick a model served by an
 * Anthropic upstream); the direct target speaks each upstream's own wire.
 */
function openAiRequests(headers, model) {
  return {
    path: CHAT_PATH,
    headers,
    wire: 'openai',
    json: JSON.stringify({ model, messages: PROMPT }),
    stream: JSON.stringify({ model, messages: PROMPT, stream: true }),
  };
}

function anthropicRequests(model) {
  return {
    path: '/v1/messages',
    headers: ANTHROPIC_HEADERS,
    wire: 'anthropic',
    json: JSON.stringify({ model, max_tokens: 256, messages: PROMPT }),
    stream: JSON.stringify({ model, max_tokens: 256, messages: PROMPT, stream: true }),
  };
}

/** The configuration both gateway targets run with (the shape switchyard.yaml documents). */
export function writeGatewayConfig(dir, simulatorPort) {
  const path = join(dir, 'switchyard.bench.yaml');
  writeFileSync(
    path,
    `server: { port: 8080 }
routing: { retries: 0, timeouts: { connectMs: 5000, firstTokenMs: 30000, totalMs: 600000 } }
providers:
  - { id: sim, type: openai, baseUrl: http://127.0.0.1:${simulatorPort}/v1, apiKeys: [sim-key] }
  - { id: sim-anthropic, type: anthropic, baseUrl: http://127.0.0.1:${simulatorPort}, apiKeys: [sim-key] }
  - { id: sim-2, type: openai, baseUrl: http://127.0.0.1:${simulatorPort}/v1, apiKeys: [sim-key-2] }
  - { id: sim-3, type: openai, baseUrl: http://127.0.0.1:${simulatorPort}/v1, apiKeys: [sim-key-3] }
models:
  - name: bench-model
    deployments: [{ provider: sim, model: sim-model, weight: 1 }]
    price: { inputPerMTok: 1, outputPerMTok: 2 }
  # Three deployments, least-inflight: the routing decision is measured against one deployment.
  - name: bench-model-3
    strategy: least-inflight
    deployments:
      - { provider: sim, model: sim-model, weight: 1 }
      - { provider: sim-2, model: sim-model, weight: 1 }
      - { provider: sim-3, model: sim-model, weight: 1 }
    price: { inputPerMTok: 1, outputPerMTok: 2 }
  - name: bench-model-anthropic
    deployments: [{ provider: sim-anthropic, model: sim-model, weight: 1 }]
    price: { inputPerMTok: 1, outputPerMTok: 2 }
tenants:
  - id: bench
    keys: [{ key: ${CLIENT_KEY} }]
  # Counted on every request (key and tenant scopes: rpm, tpm, concurrency, daily budget), never refused.
  - id: bench-limited
    rpm: 1000000000
    budget: { dailyUsd: 1000000 }
    keys: [{ key: ${LIMITED_KEY}, rpm: 1000000000, tpm: 2000000000, concurrency: 100000, budget: { dailyUsd: 1000000 } }]
`,
  );
  return path;
}

export async function startSimulator(children) {
  const sim = children.start('simulator', [dist('tools/simulator.js'), '--port', '0', '--host', '127.0.0.1'], {});
  const match = await sim.waitForOutput(/listening on (http:\/\/127\.0\.0\.1:(\d+))/, START_TIMEOUT_MS);
  sim.markReady();
  return {
    id: 'direct',
    label: 'simulator direct',
    origin: match[1],
    port: Number(match[2]),
    requests: {
      openai: openAiRequests(DIRECT_HEADERS, 'sim-model'),
      'openai-3': openAiRequests(DIRECT_HEADERS, 'sim-model'),
      'openai-limited': openAiRequests(DIRECT_HEADERS, 'sim-model'),
      anthropic: anthropicRequests('sim-model'),
    },
    gateway: [],
    simulator: sim,
  };
}

/**
 * The standalone process, launched as tools/standalone-launch.json says unless `launch` names other
 * node flags and environment (bench/launch-ab.mjs), or another build's entry point in `launch.main`.
 */
export async function startStandalone(children, { configPath, dataDir, simulator, id = 'standalone', env = {}, launch = {} }) {
  const port = await freePort();
  const app = children.start(id, [...(launch.flags ?? STANDALONE_LAUNCH.nodeFlags), launch.main ?? dist('apps/standalone/main.js')], {
    ...(launch.env ?? STANDALONE_LAUNCH.env),
    ...SIMULATOR_OUTBOUND_ENV,
    SWITCHYARD_CONFIG: configPath,
    SWITCHYARD_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitReady(origin, app);
  app.markReady();
  return gatewayTarget(id, id, origin, [app], simulator);
}

/** apply -f into a fresh database, then the five services wired as tools/cluster.mjs does. */
export async function startCluster(children, { configPath, dataDir, databaseUrl, redisUrl, simulator }) {
  const common = { ...SIMULATOR_OUTBOUND_ENV, SWITCHYARD_CONFIG: configPath, SWITCHYARD_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  const applied = spawnSync(process.execPath, [dist('apps/standalone/main.js'), 'apply', '-f', configPath], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...common },
    encoding: 'utf8',
    timeout: START_TIMEOUT_MS,
  });
  if (applied.status !== 0) throw new Error(`apply -f failed (${applied.status ?? applied.signal}):\n${applied.stdout}${applied.stderr}`);

  const [auth, adapter, anthropicAdapter, router, billing, http] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  const grpc = [
    ['auth', 'auth', auth, {}],
    ['adapter', 'adapter', adapter, { ADAPTER_PROVIDER: 'openai' }],
    ['adapter-anthropic', 'adapter', anthropicAdapter, { ADAPTER_PROVIDER: 'anthropic' }],
    ['router', 'router', router, { ADAPTER_GRPC_URLS: `openai=127.0.0.1:${adapter},anthropic=127.0.0.1:${anthropicAdapter}` }],
    ['billing', 'billing', billing, {}],
  ].map(([name, app, port, extra]) => ({ port, app: children.start(`cluster-${name}`, [dist(`apps/${app}/main.js`)], { ...common, ...extra, GRPC_PORT: String(port) }) }));
  await Promise.all(grpc.map(({ port, app }) => poll(`${app.name} gRPC port ${port}`, START_TIMEOUT_MS, app, () => tcpOpen(port))));
  const ingress = children.start('cluster-ingress', [dist('apps/ingress/main.js')], {
    ...common,
    PORT: String(http),
    AUTH_GRPC_URL: `127.0.0.1:${auth}`,
    ROUTER_GRPC_URL: `127.0.0.1:${router}`,
  });
  const origin = `http://127.0.0.1:${http}`;
  await waitReady(origin, ingress);
  const apps = [ingress, ...grpc.map((g) => g.app)];
  for (const a of apps) a.markReady();
  return { ...gatewayTarget('cluster', 'cluster', origin, apps, simulator), grpcPorts: { auth, adapter, router, billing } };
}

function gatewayTarget(id, label, origin, apps, simulator) {
  return {
    id,
    label,
    origin,
    requests: {
      openai: openAiRequests(GATEWAY_HEADERS, 'bench-model'),
      'openai-3': openAiRequests(GATEWAY_HEADERS, 'bench-model-3'),
      'openai-limited': openAiRequests(LIMITED_HEADERS, 'bench-model'),
      anthropic: openAiRequests(GATEWAY_HEADERS, 'bench-model-anthropic'),
    },
    gateway: apps,
    simulator,
  };
}

async function waitReady(origin, app) {
  await poll(`${app.name} GET /readyz = 200`, START_TIMEOUT_MS, app, async () => (await fetch(`${origin}/readyz`)).status === 200);
}

/**
 * One JSON and one streaming request that must come back well-formed before any load is sent:
 * a benchmark of error responses would be fast and meaningless.
 */
export async function preflight(target) {
  for (const [upstream, r] of Object.entries(target.requests)) {
    const label = `${target.label} (${upstream} upstream)`;
    const url = `${target.origin}${r.path}`;
    const json = await fetch(url, { method: 'POST', headers: r.headers, body: r.json });
    const jsonText = await json.text();
    const body = json.ok ? safeParse(jsonText) : undefined;
    const content = r.wire === 'anthropic' ? body?.content?.[0]?.text : body?.choices?.[0]?.message?.content;
    if (typeof content !== 'string' || content === '') throw new Error(`${label}: JSON request answered ${json.status}: ${jsonText.slice(0, 500)}`);
    const stream = await fetch(url, { method: 'POST', headers: r.headers, body: r.stream });
    const streamText = await stream.text();
    const events = streamText.split('\n').filter((line) => line.startsWith('data:'));
    if (!stream.ok || !events.some((line) => hasContent(line.slice(5), r.wire)) || !streamEnded(streamText, r.wire)) {
      throw new Error(`${label}: streaming request answered ${stream.status}: ${streamText.slice(0, 500)}`);
    }
  }
}

function safeParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
