import OpenAI from 'openai';
import { ProviderSimulator } from '@switchyard/testing';
import { GATEWAY_SECRETS, PUBLIC_MODEL, TEST_KEY, writeGatewayConfig } from './support/gateway-config';
import { RunningApp, eventually, freePort, startApp, waitForReady } from './support/process-harness';
import { createTestDatabase } from './support/postgres-harness';

// Issue 13: standalone runs every service in one process and exposes every series from one /metrics.
describe('metrics from standalone', () => {
  let sim: ProviderSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: RunningApp;
  let metricsUrl = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_metrics_sa');
    const [port, metrics] = await Promise.all([freePort(), freePort()]);
    app = startApp('standalone', { ...GATEWAY_SECRETS, SWITCHYARD_CONFIG: writeGatewayConfig(sim.url), DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', SWITCHYARD_METRICS_PORT: String(metrics) });
    metricsUrl = `http://127.0.0.1:${metrics}/metrics`;
    await waitForReady(`http://127.0.0.1:${port}`, app);
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    await client.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hello' }] });
  });

  afterAll(async () => {
    expect(await app?.stop()).toBe(0);
    await sim?.close();
    await db?.drop();
  });

  it('serves the ingress, router, adapter and billing series and the process metrics from one port', async () => {
    const text = await eventually(async () => {
      const t = await (await fetch(metricsUrl)).text();
      if (!t.includes('switchyard_usage_records_total{result="recorded"} 1')) throw new Error('not recorded yet');
      return t;
    });
    expect(text).toMatch(new RegExp(`switchyard_request_duration_seconds_count\\{dialect="openai",operation="chat",model="${PUBLIC_MODEL}",provider="sim",status_class="2xx"\\} 1`));
    expect(text).toMatch(new RegExp(`switchyard_gateway_overhead_seconds_count\\{dialect="openai",operation="chat",model="${PUBLIC_MODEL}",provider="sim",status_class="2xx"\\} 1`));
    expect(text).toMatch(/switchyard_upstream_attempts_total\{provider="sim",deployment="[^"]+",kind="first",outcome="ok"\} 1/);
    expect(text).toMatch(/switchyard_upstream_duration_seconds_count\{provider="sim",deployment="[^"]+"\} 1/);
    expect(text).toMatch(new RegExp(`switchyard_tokens_total\\{tenant="acme",model="${PUBLIC_MODEL}",direction="output"\\} [1-9]`));
    expect(text).toContain('switchyard_deployment_circuit_state{');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    // In one process nothing goes over gRPC.
    expect(text).not.toContain('switchyard_grpc_server_duration_seconds_count{');
  });
});
