import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { Redis } from 'ioredis';
import { ProviderSimulator } from '@switchyard/testing';
import { RunningApp, SIMULATOR_OUTBOUND_ENV, eventually, freePort, runApp, startApp, waitForReady } from './support/process-harness';
import { createTestDatabase } from './support/postgres-harness';

// Issue 13: every cluster process serves its series on SWITCHYARD_METRICS_PORT; after a few
// openai SDK requests (a stream, one refused by a limit, one cache hit, one retry) each scrape
// has the series and label values that must be there.
const REDIS_URL = process.env['TEST_REDIS_URL_METRICS'] ?? 'redis://127.0.0.1:6379/15';
const KEY = 'sk-test-metrics-0123456789abcdef0123456789';
const RPM1_KEY = 'sk-test-metrics-rpm1-0123456789abcdef0123';

function config(simUrl: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sy-metrics-')), 'switchyard.yaml');
  writeFileSync(
    path,
    `server: { port: 8080 }
routing: { retries: 1, timeouts: { connectMs: 2000, firstTokenMs: 5000, totalMs: 20000 } }
providers:
  - { id: sim, type: openai, baseUrl: '${simUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
  - { id: sim2, type: openai, baseUrl: '${simUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
models:
  - name: m-plain
    deployments: [{ provider: sim, model: up-plain }]
    price: { inputPerMTok: 1, outputPerMTok: 2 }
  - name: m-cached
    deployments: [{ provider: sim, model: up-cached }]
    cache: { ttlSeconds: 60 }
  - name: m-retry
    deployments: [{ provider: sim, model: up-retry }, { provider: sim2, model: up-retry }]
tenants:
  - id: acme
    budget: { dailyUsd: 100 }
    keys:
      - { key: ${KEY} }
  - id: slow
    keys:
      - { key: ${RPM1_KEY}, rpm: 1 }
`,
  );
  return path;
}

describe('metrics from every cluster process', () => {
  let sim: ProviderSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const apps: RunningApp[] = [];
  const metricsPorts: Record<string, number> = {};

  async function scrape(name: string): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${metricsPorts[name]}/metrics`);
    expect(res.status).toBe(200);
    return res.text();
  }

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_metrics');
    const redis = new Redis(REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    const file = config(sim.url);
    const common = { ...SIMULATOR_OUTBOUND_ENV, SWITCHYARD_UPSTREAM_SIM_KEY: 'sk-up', DATABASE_URL: db.url, REDIS_URL, HOST: '127.0.0.1', SWITCHYARD_CONFIG: file };
    await runApp('standalone', common, ['apply', '-f', file]);
    const [auth, router, adapter, billing, http] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    for (const name of ['auth', 'router', 'adapter', 'billing', 'ingress']) metricsPorts[name] = await freePort();
    const m = (name: string) => ({ SWITCHYARD_METRICS_PORT: String(metricsPorts[name]) });
    apps.push(startApp('auth', { ...common, ...m('auth'), GRPC_PORT: String(auth) }));
    apps.push(startApp('adapter', { ...common, ...m('adapter'), GRPC_PORT: String(adapter), ADAPTER_PROVIDER: 'openai' }));
    apps.push(startApp('router', { ...common, ...m('router'), GRPC_PORT: String(router), ADAPTER_GRPC_URLS: `openai=127.0.0.1:${adapter}` }));
    apps.push(startApp('billing', { ...common, ...m('billing'), GRPC_PORT: String(billing) }));
    const ingress = startApp('ingress', { ...common, ...m('ingress'), PORT: String(http), AUTH_GRPC_URL: `127.0.0.1:${auth}`, ROUTER_GRPC_URL: `127.0.0.1:${router}` });
    apps.push(ingress);
    await waitForReady(`http://127.0.0.1:${http}`, ingress);

    const client = new OpenAI({ baseURL: `http://127.0.0.1:${http}/v1`, apiKey: KEY, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'm-plain', stream: true, messages: [{ role: 'user', content: 'stream me' }] });
    for await (const _ of stream) void _;
    for (let i = 0; i < 2; i++) await client.chat.completions.create({ model: 'm-cached', messages: [{ role: 'user', content: 'same question' }] });
    sim.script({ match: { model: 'up-retry' }, error: { status: 503 } });
    await client.chat.completions.create({ model: 'm-retry', messages: [{ role: 'user', content: 'retry me' }] });
    const limited = new OpenAI({ baseURL: `http://127.0.0.1:${http}/v1`, apiKey: RPM1_KEY, maxRetries: 0 });
    await limited.chat.completions.create({ model: 'm-plain', messages: [{ role: 'user', content: 'one' }] });
    await expect(limited.chat.completions.create({ model: 'm-plain', messages: [{ role: 'user', content: 'two' }] })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  afterAll(async () => {
    const codes = await Promise.all(apps.map(async (a) => [a.name, await a.stop()] as const));
    await sim?.close();
    await db?.drop();
    expect(codes.filter(([, code]) => code !== 0)).toEqual([]);
  });

  it('ingress: request duration, overhead and TTFT by configured labels, gRPC client calls, router health, process metrics', async () => {
    const text = await scrape('ingress');
    expect(text).toMatch(/switchyard_request_duration_seconds_count\{dialect="openai",operation="chat",model="m-plain",provider="sim",status_class="2xx"\} 2/);
    expect(text).toMatch(/switchyard_request_duration_seconds_count\{dialect="openai",operation="chat",model="none",provider="none",status_class="4xx"\} 1/);
    expect(text).toMatch(/switchyard_gateway_overhead_seconds_count\{dialect="openai",operation="chat",model="m-retry",provider="sim2?",status_class="2xx"\} 1/);
    expect(text).toMatch(/switchyard_time_to_first_token_seconds_count\{dialect="openai",model="m-plain",provider="sim"\} 1/);
    expect(text).toMatch(/switchyard_grpc_client_duration_seconds_count\{service="switchyard.auth.v1.AuthService",method="Admit",code="OK"\} \d+/);
    expect(text).toContain('switchyard_deployment_circuit_state{');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('auth: the refusal by tenant and reason, the tenant budget, gRPC server calls', async () => {
    const text = await scrape('auth');
    expect(text).toContain('switchyard_limit_refusals_total{tenant="slow",reason="rpm"} 1');
    expect(text).toContain('switchyard_budget_limit_usd{tenant="acme",period="daily"} 100');
    expect(text).toMatch(/switchyard_budget_used_usd\{tenant="acme",period="daily"\} [\d.e-]+/);
    expect(text).toMatch(/switchyard_grpc_server_duration_seconds_count\{service="switchyard.auth.v1.AuthService",method="Admit",code="OK"\} \d+/);
  });

  it('router: the cache hit and miss, the retry after a failed first try', async () => {
    const text = await scrape('router');
    expect(text).toContain('switchyard_cache_lookups_total{model="m-cached",result="hit"} 1');
    expect(text).toContain('switchyard_cache_lookups_total{model="m-cached",result="miss"} 1');
    expect(text).toMatch(/switchyard_upstream_attempts_total\{provider="sim2?",deployment="[^"]+",kind="first",outcome="overloaded"\} 1/);
    expect(text).toMatch(/switchyard_upstream_attempts_total\{provider="sim2?",deployment="[^"]+",kind="retry",outcome="ok"\} 1/);
    expect(text).toMatch(/switchyard_grpc_server_duration_seconds_count\{service="switchyard.router.v1.RouterService",method="Route",code="OK"\} \d+/);
  });

  it('adapter: upstream call durations by provider and deployment', async () => {
    expect(await scrape('adapter')).toMatch(/switchyard_upstream_duration_seconds_count\{provider="sim",deployment="[^"]+"\} \d+/);
  });

  it('billing: records, tokens and cost by tenant and model, the queue gauges', async () => {
    const text = await eventually(async () => {
      const t = await scrape('billing');
      if (!/switchyard_usage_records_total\{result="recorded"\} ([5-9]|\d\d)/.test(t)) throw new Error('not all recorded yet');
      return t;
    });
    expect(text).toMatch(/switchyard_tokens_total\{tenant="acme",model="m-plain",direction="input"\} [1-9]/);
    expect(text).toMatch(/switchyard_cost_usd_total\{tenant="acme",model="m-plain"\} [\d.e-]+/);
    expect(text).toMatch(/switchyard_usage_queue_depth \d+/);
    expect(text).toMatch(/switchyard_usage_queue_oldest_age_seconds [\d.e-]+/);
  });
});
