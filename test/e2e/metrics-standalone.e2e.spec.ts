import OpenAI from 'openai';
import { ProviderSimulator } from '@switchyard/testing';
import { GATEWAY_SECRETS, PUBLIC_MODEL, TEST_KEY, writeGatewayConfig } from './support/gateway-config';
import { RunningApp, eventually, freePort, startApp, waitForReady } from './support/process-harness';
import { createTestDatabase } from './support/postgres-harness';

// Issue 13: standalone runs every service in one process and exposes every series from one /metrics.
const MAX_BODY = 64 * 1024;

/** The value of one series line (0 when absent). */
function valueOf(text: string, line: string): number {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found ? Number(found.slice(line.length + 1)) : 0;
}
const requests = (labels: string) => `switchyard_request_duration_seconds_count{${labels}}`;
const overhead = (labels: string) => `switchyard_gateway_overhead_seconds_count{${labels}}`;
describe('metrics from standalone', () => {
  let sim: ProviderSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: RunningApp;
  let metricsUrl = '';
  let baseUrl = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_metrics_sa');
    const [port, metrics] = await Promise.all([freePort(), freePort()]);
    app = startApp('standalone', {
      ...GATEWAY_SECRETS,
      SWITCHYARD_CONFIG: writeGatewayConfig(sim.url),
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      SWITCHYARD_METRICS_PORT: String(metrics),
      MAX_BODY_BYTES: String(MAX_BODY),
    });
    metricsUrl = `http://127.0.0.1:${metrics}/metrics`;
    baseUrl = `http://127.0.0.1:${port}`;
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

  it('counts requests refused before the pipeline, each with its status class and fixed labels', async () => {
    const post = (path: string, body: string, key = TEST_KEY) =>
      fetch(`${baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
    const unrouted = (dialect: string, operation: string, status: string) => `dialect="${dialect}",operation="${operation}",model="none",provider="none",status_class="${status}"`;
    const cases = [
      // 401: a key the gate does not know (refused before the body is read).
      { send: () => post('/v1/chat/completions', '{}', 'sk-test-unknown-0123456789abcdef0123456789'), status: 401, labels: unrouted('openai', 'chat', '4xx') },
      // 413: a body over MAX_BODY_BYTES.
      { send: () => post('/v1/messages', JSON.stringify({ pad: 'x'.repeat(MAX_BODY) })), status: 413, labels: unrouted('anthropic', 'chat', '4xx') },
      // 400: malformed JSON.
      { send: () => post('/v1/embeddings', '{"model": '), status: 400, labels: unrouted('openai', 'embeddings', '4xx') },
      // 404: a model nobody serves (its name stays out of the labels).
      { send: () => post('/v1/chat/completions', JSON.stringify({ model: 'gpt-no-such-model-e2e', messages: [{ role: 'user', content: 'x' }] })), status: 404, labels: unrouted('openai', 'chat', '4xx') },
      // 404: an API URL that is no route (answered by Nest, counted by the edge).
      { send: () => post('/v1beta/models/g:noSuchMethod', '{}'), status: 404, labels: unrouted('gemini', 'reject', '4xx') },
      // 400: a URL understood but not servable as asked (a Gemini stream without alt=sse).
      { send: () => post('/v1beta/models/g:streamGenerateContent', '{}'), status: 400, labels: unrouted('gemini', 'reject', '4xx') },
    ];
    for (const c of cases) {
      const before = await (await fetch(metricsUrl)).text();
      const res = await c.send();
      await res.text();
      expect(res.status).toBe(c.status);
      const after = await eventually(async () => {
        const t = await (await fetch(metricsUrl)).text();
        if (valueOf(t, requests(c.labels)) !== valueOf(before, requests(c.labels)) + 1) throw new Error(`${c.status} not counted: ${requests(c.labels)}`);
        return t;
      });
      expect(valueOf(after, overhead(c.labels))).toBe(valueOf(before, overhead(c.labels)) + 1);
    }
    const text = await (await fetch(metricsUrl)).text();
    expect(text).not.toContain('gpt-no-such-model-e2e');
    expect(text).not.toContain('noSuchMethod');
  });

  it('gives embeddings and token counts an overhead sample, as chat', async () => {
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    await client.embeddings.create({ model: PUBLIC_MODEL, input: 'hello' });
    // The simulator's provider type (openai) has no counting endpoint: counted in the adapter, upstream time 0.
    const counted = await fetch(`${baseUrl}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(counted.status).toBe(200);

    const text = await eventually(async () => {
      const t = await (await fetch(metricsUrl)).text();
      if (!valueOf(t, requests(`dialect="anthropic",operation="count_tokens",model="${PUBLIC_MODEL}",provider="sim",status_class="2xx"`))) throw new Error('count not recorded yet');
      return t;
    });
    for (const labels of [`dialect="openai",operation="embeddings",model="${PUBLIC_MODEL}",provider="sim",status_class="2xx"`, `dialect="anthropic",operation="count_tokens",model="${PUBLIC_MODEL}",provider="sim",status_class="2xx"`]) {
      expect(valueOf(text, requests(labels))).toBe(1);
      expect(valueOf(text, overhead(labels))).toBe(1);
    }
  });
});
