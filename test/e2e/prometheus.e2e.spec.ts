import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { Redis } from 'ioredis';
import { ProviderSimulator } from '@switchyard/testing';
import { keyQueries } from '../../deploy/grafana/src/dashboards';
import { resolveVariables } from '../../deploy/grafana/src/promql';
import { GATEWAY_SECRETS, PUBLIC_MODEL, TEST_KEY, writeGatewayConfig } from './support/gateway-config';
import { createTestDatabase } from './support/postgres-harness';
import { ROOT, RunningApp, eventually, freePort, runApp, startApp, waitForReady } from './support/process-harness';
import { PrometheusServer } from './support/prometheus-server';

// The dashboards against a real scrape: the five cluster processes, each serving GET /metrics
// on SWITCHYARD_METRICS_PORT, a real Prometheus (Debian's package) scraping them every second,
// a few requests through the official openai SDK, then every key query of the dashboards
// asked of Prometheus' HTTP API must return data.
const REDIS_URL = process.env['TEST_PROMETHEUS_REDIS_URL'] ?? 'redis://127.0.0.1:6379/5';
const PROCESSES = ['ingress', 'auth', 'router', 'adapter', 'billing'] as const;
// Wide enough for the two rounds of requests at a 1 s scrape interval.
const WINDOW = '1m';
const RULES = join(ROOT, 'deploy/prometheus/switchyard.rules.yaml');

describe('Prometheus scrapes the cluster; the dashboards\' key queries return data', () => {
  let sim: ProviderSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let prometheus: PrometheusServer | undefined;
  const apps: RunningApp[] = [];
  let client: OpenAI;

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_prometheus');
    const redis = new Redis(REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    const config = writeGatewayConfig(sim.url);
    // A monthly budget for the tenant, so the budget gauges (used and limit) exist.
    const yaml = readFileSync(config, 'utf8');
    const withBudget = yaml.replace('  - id: acme\n', '  - id: acme\n    budget: { monthlyUsd: 50 }\n');
    if (withBudget === yaml) throw new Error(`no tenant acme in the test config:\n${yaml}`);
    writeFileSync(config, withBudget);
    const common = { ...GATEWAY_SECRETS, DATABASE_URL: db.url, REDIS_URL, HOST: '127.0.0.1', SWITCHYARD_CONFIG: config };
    await runApp('standalone', common, ['apply', '-f', config]);

    const grpc = Object.fromEntries(await Promise.all(PROCESSES.map(async (p) => [p, await freePort()] as const)));
    const metrics = Object.fromEntries(await Promise.all(PROCESSES.map(async (p) => [p, await freePort()] as const)));
    const own = (p: (typeof PROCESSES)[number]) => ({ ...common, SWITCHYARD_METRICS_PORT: String(metrics[p]) });
    apps.push(startApp('auth', { ...own('auth'), GRPC_PORT: String(grpc['auth']) }));
    apps.push(startApp('adapter', { ...own('adapter'), GRPC_PORT: String(grpc['adapter']), ADAPTER_PROVIDER: 'openai' }));
    apps.push(startApp('router', { ...own('router'), GRPC_PORT: String(grpc['router']), ADAPTER_GRPC_URLS: `openai=127.0.0.1:${grpc['adapter']}` }));
    apps.push(startApp('billing', { ...own('billing'), GRPC_PORT: String(grpc['billing']) }));
    const ingress = startApp('ingress', { ...own('ingress'), PORT: String(grpc['ingress']), AUTH_GRPC_URL: `127.0.0.1:${grpc['auth']}`, ROUTER_GRPC_URL: `127.0.0.1:${grpc['router']}` });
    apps.push(ingress);
    const baseUrl = `http://127.0.0.1:${grpc['ingress']}`;
    // Five processes start at once on a shared machine: more than the harness' default 30 s.
    await waitForReady(baseUrl, ingress, 90_000);
    client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0 });

    // Job names as deploy/prometheus/README.md asks for them (the alert rules match switchyard-.*).
    prometheus = await PrometheusServer.start(Object.fromEntries(PROCESSES.map((p) => [`switchyard-${p}`, `127.0.0.1:${metrics[p]}`])), [RULES]);
  }, 180_000);

  afterAll(async () => {
    await prometheus?.stop();
    const codes = await Promise.all(apps.map(async (a) => [a.name, await a.stop()] as const));
    await sim?.close();
    await db?.drop();
    expect(codes.filter(([, code]) => code !== 0)).toEqual([]);
  });

  /** One plain and one streamed chat completion; resolves once billing has recorded both. */
  async function requests(round: number): Promise<void> {
    const before = (await db.query<{ n: string }>('SELECT count(*) AS n FROM usage_records'))[0]?.n ?? '0';
    await client.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: `round ${round}` }] });
    const stream = await client.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: `round ${round}, streamed` }], stream: true });
    for await (const chunk of stream) void chunk;
    await eventually(async () => {
      const [row] = await db.query<{ n: string }>('SELECT count(*) AS n FROM usage_records');
      if (Number(row?.n) < Number(before) + 2) throw new Error('usage not recorded yet');
    }, 15_000, 'usage recorded');
  }

  it('scrapes /metrics of every process (up == 1 for each job)', async () => {
    const server = prometheus as PrometheusServer;
    const targets = await server.scrapedSince(Date.now());
    const down = targets.filter((t) => t.health !== 'up').map((t) => `${t.labels['job']}: ${t.lastError}`);
    expect(down).toEqual([]);
    const up = await server.query('up == 1');
    expect(up.map((s) => s.metric['job']).sort()).toEqual(PROCESSES.map((p) => `switchyard-${p}`).sort());
  }, 60_000);

  it('evaluates every alert rule of deploy/prometheus on the real series without an error', async () => {
    const server = prometheus as PrometheusServer;
    const started = Date.now();
    const rules = await eventually(async () => {
      const all = await server.rules();
      if (all.length === 0 || all.some((r) => Date.parse(r.lastEvaluation) <= started)) throw new Error('rules not evaluated yet');
      return all;
    }, 20_000, 'an evaluation of every rule');
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError ?? r.health}`)).toEqual([]);
    expect(rules.map((r) => r.name)).toContain('SwitchyardServiceDown');
  }, 60_000);

  it('answers every key query of the dashboards with data after a few openai SDK requests', async () => {
    const server = prometheus as PrometheusServer;
    // Two rounds with a scrape between: the counters and histograms exist before the second
    // round, so their rates over the window are above zero.
    await requests(1);
    await server.scrapedSince(Date.now());
    await requests(2);
    const queries = keyQueries().map((q) => ({ ...q, expr: resolveVariables(q.expr, WINDOW) }));
    expect(queries.length).toBeGreaterThanOrEqual(12);
    const empty = await eventually(async () => {
      const missing: string[] = [];
      for (const q of queries) if ((await server.query(q.expr)).length === 0) missing.push(`${q.dashboard} / ${q.panel}: ${q.expr}`);
      if (missing.length) throw new Error(`no data yet for:\n${missing.join('\n')}`);
      return missing;
    }, 20_000, 'every key query answered').catch((err: unknown) => [String(err)]);
    expect(empty).toEqual([]);
  }, 120_000);
});
