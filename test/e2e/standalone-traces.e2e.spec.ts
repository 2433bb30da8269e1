import OpenAI from 'openai';
import { ProviderSimulator } from '@switchyard/testing';
import { AdminClient } from './support/admin-client';
import { GATEWAY_SECRETS, PUBLIC_MODEL, TEST_KEY, UPSTREAM_MODEL, writeGatewayConfig } from './support/gateway-config';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { RunningApp, eventually, freePort, startApp, waitForReady } from './support/process-harness';
import { createTestDatabase } from './support/postgres-harness';
import { KIND, collectTrace } from './support/trace-tree';

// Traces in standalone (docs/architecture.md §9, Traces): the same tree as the cluster's in one
// process — request, admission, route, one span per try, the upstream call, billing's record,
// which gets its context through the in-memory queue — exported over OTLP/HTTP JSON to a
// receiver in the test.
const PROMPT = 'a prompt that must never reach a span';
// A tenant that opted in to content capture (docs/architecture.md §9, Traces).
const SCRIBE_KEY = 'sk-test-scribe-0123456789abcdef0123456789';
const SCRIBE = `  - id: scribe
    observability: { captureContent: true }
    keys:
      - { key: ${SCRIBE_KEY} }
`;
const ADMIN_TOKEN = 'traces-admin-token-0123456789abcdef';
const CONTENT_EVENT = 'gen_ai.client.inference.operation.details';
const contentEvents = (span: ReceivedSpan) => span.events.filter((e) => e.name === CONTENT_EVENT);
const parsed = (value: unknown) => JSON.parse(String(value)) as unknown;

describe('standalone traces', () => {
  let sim: ProviderSimulator;
  let receiver: OtlpReceiver;
  let app: RunningApp;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let baseUrl = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    receiver = await OtlpReceiver.start();
    db = await createTestDatabase('sy_traces_standalone');
    const port = await freePort();
    app = startApp('standalone', {
      ...GATEWAY_SECRETS,
      ...receiver.env(),
      OTEL_SERVICE_NAME: 'sy-standalone-test',
      SWITCHYARD_CONFIG: writeGatewayConfig(sim.url, 8080, SCRIBE, 'seed'), // seed: a test turns scribe's capture off through the admin API
      SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN,
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    baseUrl = `http://127.0.0.1:${port}`;
    // Loading the OpenTelemetry SDK adds to the start: slow on a shared machine.
    await waitForReady(baseUrl, app, 60_000);
  }, 90_000);

  afterAll(async () => {
    expect(await app?.stop()).toBe(0);
    await sim?.close();
    await receiver?.close();
    await db?.drop();
  });

  it('records one trace per request: request, admission, route, each try, the upstream call and the usage record', async () => {
    sim.script({ error: { status: 500 } });
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: PROMPT }], max_tokens: 50, temperature: 0.5 }).withResponse();
    const traceId = response.headers.get('x-switchyard-trace-id') ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(response.headers.get('traceresponse')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    const tree = await collectTrace(receiver, traceId, (t) => {
      t.one('usage record');
      t.one('POST /v1/chat/completions');
    });
    expect(new Set(tree.spans.map((s) => s.service))).toEqual(new Set(['sy-standalone-test']));
    const request = tree.one('POST /v1/chat/completions');
    expect(request).toMatchObject({ kind: KIND.server, parentSpanId: '' });
    expect(request.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/chat/completions',
      'http.response.status_code': 200,
      'switchyard.request.id': response.headers.get('x-request-id'),
      'switchyard.tenant.id': 'acme',
      'gen_ai.request.model': PUBLIC_MODEL,
      'gen_ai.usage.input_tokens': data.usage?.prompt_tokens,
      'gen_ai.usage.output_tokens': data.usage?.completion_tokens,
      'switchyard.attempts': 2,
    });
    expect(typeof request.attributes['switchyard.key.id']).toBe('string');
    // acme did not opt in to content capture.
    expect(contentEvents(request)).toEqual([]);

    const admit = tree.one('admit');
    expect(admit.parentSpanId).toBe(request.spanId);
    const route = tree.one(`route ${PUBLIC_MODEL}`);
    expect(route.parentSpanId).toBe(request.spanId);
    expect(route.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'switchyard.cache.hit': false, 'switchyard.tenant.id': 'acme' });

    const [first, second] = [tree.one('attempt 1'), tree.one('attempt 2')];
    for (const attempt of [first, second]) {
      expect(attempt.parentSpanId).toBe(route.spanId);
      expect(attempt.attributes).toMatchObject({ 'switchyard.deployment.id': expect.any(String), 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': UPSTREAM_MODEL });
    }
    expect(first.attributes).toMatchObject({ 'switchyard.attempt.number': 1, 'http.response.status_code': 500 });
    expect(first.attributes['switchyard.attempt.outcome']).not.toBe('ok');
    expect(first.status).toBe(2);
    expect(second.attributes).toMatchObject({ 'switchyard.attempt.number': 2, 'switchyard.attempt.outcome': 'ok' });

    const upstream = tree.all(`chat ${UPSTREAM_MODEL}`);
    expect(upstream.map((u) => u.parentSpanId).sort()).toEqual([first.spanId, second.spanId].sort());
    const served = upstream.find((u) => u.parentSpanId === second.spanId);
    expect(served).toMatchObject({ kind: KIND.client });
    expect(served?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': UPSTREAM_MODEL,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0.5,
      // The upstream's own id (the client gets the gateway's).
      'gen_ai.response.id': expect.stringMatching(/^chatcmpl-/),
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': data.usage?.prompt_tokens,
      'gen_ai.usage.output_tokens': data.usage?.completion_tokens,
      'server.address': '127.0.0.1',
    });
    expect(typeof served?.attributes['gen_ai.response.model']).toBe('string');

    const record = tree.one('usage record');
    expect(record).toMatchObject({ kind: KIND.consumer, parentSpanId: request.spanId });
    expect(record.attributes['switchyard.cost.usd']).toBeGreaterThan(0);

    // No prompt, no completion, no key, no upstream secret anywhere in the trace.
    const everything = JSON.stringify(tree.spans);
    for (const secret of [PROMPT, data.choices[0]?.message.content ?? '', TEST_KEY, GATEWAY_SECRETS.SWITCHYARD_UPSTREAM_SIM_KEY]) expect(everything).not.toContain(secret);
  });

  it('traces an embeddings call: a try under the request, the upstream call under the try', async () => {
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    const { data, response } = await client.embeddings.create({ model: PUBLIC_MODEL, input: PROMPT }).withResponse();
    const traceId = response.headers.get('x-switchyard-trace-id') ?? '';
    const tree = await collectTrace(receiver, traceId, (t) => {
      t.one('usage record');
      t.one(`embeddings ${UPSTREAM_MODEL}`);
    });
    const request = tree.one('POST /v1/embeddings');
    const attempt = tree.one('attempt 1');
    expect(attempt.parentSpanId).toBe(request.spanId);
    const upstream = tree.one(`embeddings ${UPSTREAM_MODEL}`);
    expect(upstream).toMatchObject({ kind: KIND.client, parentSpanId: attempt.spanId });
    expect(upstream.attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': UPSTREAM_MODEL, 'gen_ai.usage.input_tokens': data.usage.prompt_tokens });
    expect(JSON.stringify(tree.spans)).not.toContain(PROMPT);
  });

  it("continues a caller's W3C traceparent", async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpan = '00f067aa0ba902b7';
    const res = await fetch(`${baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', traceparent: `00-${callerTrace}-${callerSpan}-01` },
      body: JSON.stringify({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-trace-id')).toBe(callerTrace);
    const tree = await collectTrace(receiver, callerTrace, (t) => t.one('usage record'));
    expect(tree.one('POST /v1/chat/completions').parentSpanId).toBe(callerSpan);
  });

  describe('content capture, for a tenant that opted in', () => {
    const SYSTEM = 'You answer in one word.';
    const ASK = 'a prompt the scribe tenant wants in its traces';
    const messages = [
      { role: 'system' as const, content: SYSTEM },
      { role: 'user' as const, content: ASK },
    ];
    const scribe = () => new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: SCRIBE_KEY, maxRetries: 0 });

    async function requestSpan(traceId: string): Promise<{ request: ReceivedSpan; spans: ReceivedSpan[] }> {
      const tree = await collectTrace(receiver, traceId, (t) => {
        t.one('usage record');
        t.one('POST /v1/chat/completions');
      });
      return { request: tree.one('POST /v1/chat/completions'), spans: tree.spans };
    }

    it('puts the prompt, system instructions and completion on the request span as the conventions’ event, never a key', async () => {
      const { data, response } = await scribe().chat.completions.create({ model: PUBLIC_MODEL, messages }).withResponse();
      const { request, spans } = await requestSpan(response.headers.get('x-switchyard-trace-id') ?? '');

      expect(request.attributes['switchyard.tenant.id']).toBe('scribe');
      const [event, ...more] = contentEvents(request);
      expect(more).toEqual([]);
      expect(event?.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': PUBLIC_MODEL, 'gen_ai.response.model': UPSTREAM_MODEL });
      expect(parsed(event?.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: SYSTEM }]);
      expect(parsed(event?.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: ASK }] }]);
      expect(parsed(event?.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: data.choices[0]?.message.content }], finish_reason: 'stop' }]);
      // The content is on the request's span only, and no key or header is anywhere.
      expect(spans.filter((s) => s !== request && JSON.stringify(s).includes(ASK))).toEqual([]);
      const everything = JSON.stringify(spans);
      for (const secret of [SCRIBE_KEY, GATEWAY_SECRETS.SWITCHYARD_UPSTREAM_SIM_KEY, 'authorization']) expect(everything).not.toContain(secret);
    });

    it('captures the assembled output of a stream', async () => {
      const { data: stream, response } = await scribe().chat.completions.create({ model: PUBLIC_MODEL, messages, stream: true }).withResponse();
      let streamed = '';
      for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
      expect(streamed.length).toBeGreaterThan(0);

      const { request } = await requestSpan(response.headers.get('x-switchyard-trace-id') ?? '');

      const [event] = contentEvents(request);
      expect(parsed(event?.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: streamed }], finish_reason: 'stop' }]);
    });

    it('stops once the admin API turns the setting off', async () => {
      const admin = new AdminClient(baseUrl, ADMIN_TOKEN);
      const patched = await admin.call('PATCH', '/tenants/scribe', { observability: { captureContent: false } });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ id: 'scribe', observability: { captureContent: false } });
      expect((await admin.call('PATCH', '/tenants/scribe', { observability: { captureContent: 'yes' } })).status).toBe(400);

      // The replica reloads its keys on the change; until then a request may still be captured.
      await eventually(async () => {
        const { response } = await scribe().chat.completions.create({ model: PUBLIC_MODEL, messages }).withResponse();
        const { request, spans } = await requestSpan(response.headers.get('x-switchyard-trace-id') ?? '');
        expect(contentEvents(request)).toEqual([]);
        expect(JSON.stringify(spans)).not.toContain(ASK);
      }, 15_000, 'capture off');
    });
  });
});
