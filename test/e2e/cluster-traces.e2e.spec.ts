import OpenAI from 'openai';
import { GrpcBillingClient, GrpcHealthClient } from '@switchyard/grpc';
import { ProviderSimulator } from '@switchyard/testing';
import { GATEWAY_SECRETS, PUBLIC_MODEL, TEST_KEY, UPSTREAM_MODEL, writeGatewayConfig } from './support/gateway-config';
import { OtlpReceiver } from './support/otlp-receiver';
import { ServiceCluster } from './support/service-cluster';
import { KIND, collectTrace } from './support/trace-tree';

// One trace per request across the five cluster processes (docs/architecture.md §9, Traces):
// the ingress's request span, admission over gRPC to auth, the route over gRPC to the router
// with a span per try, each try's Generate call to the adapter and its upstream call, and the
// usage event through BullMQ to billing's record. Every process exports over OTLP/HTTP JSON to a
// receiver in the test.
const REDIS_URL = process.env['TEST_REDIS_URL_TRACES'] ?? 'redis://127.0.0.1:6379/13';
const PROMPT = 'a prompt that must never reach a span';

describe('cluster traces', () => {
  let sim: ProviderSimulator;
  let receiver: OtlpReceiver;
  let cluster: ServiceCluster;
  let baseUrl = '';
  let authAddress = '';
  let billingAddress = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    receiver = await OtlpReceiver.start();
    cluster = await ServiceCluster.start({
      database: 'sy_cluster_traces',
      redisUrl: REDIS_URL,
      config: writeGatewayConfig(sim.url),
      env: GATEWAY_SECRETS,
      // The services export their spans; the catalogue's apply before them does not.
      serviceEnv: receiver.env(),
      // This trace follows admission over gRPC to auth: the ingress's own admission of keys without
      // limits (docs/architecture.md, "Cluster: admission at the ingress") would leave auth out of it.
      extra: { ingress: () => ({ SWITCHYARD_INGRESS_ADMITS_UNLIMITED: 'false' }) },
    });
    ({ baseUrl } = cluster);
    ({ auth: authAddress, billing: billingAddress } = cluster.addresses);
  }, 150_000);

  afterAll(async () => {
    const codes = (await cluster?.stop()) ?? [];
    await sim?.close();
    await receiver?.close();
    expect(codes.filter(([, code]) => code !== 0)).toEqual([]);
  });

  it('follows a retried openai request through all five processes in one trace', async () => {
    sim.script({ error: { status: 500 } });
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: PROMPT }], max_tokens: 40, temperature: 0.2 }).withResponse();
    const traceId = response.headers.get('x-switchyard-trace-id') ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const tree = await collectTrace(receiver, traceId, (t) => {
      t.one('usage record');
      t.one('POST /v1/chat/completions');
      if (t.all(`chat ${UPSTREAM_MODEL}`).length < 2) throw new Error('upstream spans missing');
      if (!t.all('switchyard.auth.v1.AuthService/Admit').some((s) => s.parentSpanId === t.one('admit').spanId)) throw new Error('Admit span missing');
      t.one('switchyard.router.v1.RouterService/Route');
    });
    expect(new Set(tree.spans.map((s) => s.service))).toEqual(new Set(['switchyard-ingress', 'switchyard-auth', 'switchyard-router', 'switchyard-adapter-openai', 'switchyard-billing']));

    // ingress: the request, its admission and the route call.
    const request = tree.one('POST /v1/chat/completions');
    expect(request).toMatchObject({ service: 'switchyard-ingress', kind: KIND.server, parentSpanId: '' });
    expect(request.attributes).toMatchObject({ 'switchyard.tenant.id': 'acme', 'gen_ai.request.model': PUBLIC_MODEL, 'switchyard.attempts': 2, 'http.response.status_code': 200 });
    const admit = tree.one('admit');
    expect(admit).toMatchObject({ service: 'switchyard-ingress', parentSpanId: request.spanId });

    // auth: the Admit call under the admission span; the key gate's check of a key it had not
    // seen yet (before the body is read) is an Admit call of its own, under the request.
    const authCalls = tree.all('switchyard.auth.v1.AuthService/Admit');
    const authCall = authCalls.find((s) => s.parentSpanId === admit.spanId);
    expect(authCall).toMatchObject({ service: 'switchyard-auth', kind: KIND.server });
    expect(authCall?.attributes).toMatchObject({ 'rpc.system': 'grpc' });
    for (const call of authCalls) expect([admit.spanId, request.spanId]).toContain(call.parentSpanId);

    // router: the Route call under the request, the route span, a span per try.
    const routeCall = tree.one('switchyard.router.v1.RouterService/Route');
    expect(routeCall).toMatchObject({ service: 'switchyard-router', kind: KIND.server, parentSpanId: request.spanId });
    const route = tree.one(`route ${PUBLIC_MODEL}`);
    expect(route).toMatchObject({ service: 'switchyard-router', parentSpanId: routeCall.spanId });
    expect(route.attributes).toMatchObject({ 'switchyard.cache.hit': false, 'gen_ai.operation.name': 'chat' });
    const [first, second] = [tree.one('attempt 1'), tree.one('attempt 2')];
    for (const attempt of [first, second]) expect(attempt).toMatchObject({ service: 'switchyard-router', parentSpanId: route.spanId });
    expect(first.attributes).toMatchObject({ 'switchyard.attempt.number': 1, 'http.response.status_code': 500 });
    expect(first.status).toBe(2);
    expect(second.attributes).toMatchObject({ 'switchyard.attempt.number': 2, 'switchyard.attempt.outcome': 'ok' });

    // adapter: one Generate call per try, each with its upstream call.
    const generates = tree.all('switchyard.adapter.v1.AdapterService/Generate');
    expect(generates.map((g) => g.parentSpanId).sort()).toEqual([first.spanId, second.spanId].sort());
    for (const g of generates) expect(g.service).toBe('switchyard-adapter-openai');
    const upstream = tree.all(`chat ${UPSTREAM_MODEL}`);
    expect(upstream.map((u) => u.parentSpanId).sort()).toEqual(generates.map((g) => g.spanId).sort());
    const servedCall = generates.find((g) => g.parentSpanId === second.spanId);
    const served = upstream.find((u) => u.parentSpanId === servedCall?.spanId);
    expect(served).toMatchObject({ service: 'switchyard-adapter-openai', kind: KIND.client });
    expect(served?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': UPSTREAM_MODEL,
      'gen_ai.request.max_tokens': 40,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.response.id': expect.stringMatching(/^chatcmpl-/),
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': data.usage?.prompt_tokens,
      'gen_ai.usage.output_tokens': data.usage?.completion_tokens,
    });
    const failedCall = upstream.find((u) => u !== served);
    expect(failedCall?.attributes).toMatchObject({ 'http.response.status_code': 500 });
    expect(failedCall?.status).toBe(2);

    // billing: the usage record, through BullMQ, under the request.
    const record = tree.one('usage record');
    expect(record).toMatchObject({ service: 'switchyard-billing', kind: KIND.consumer, parentSpanId: request.spanId });
    expect(record.attributes).toMatchObject({ 'switchyard.request.id': response.headers.get('x-request-id'), 'switchyard.tenant.id': 'acme' });
    expect(record.attributes['switchyard.cost.usd']).toBeGreaterThan(0);

    const everything = JSON.stringify(tree.spans);
    for (const secret of [PROMPT, data.choices[0]?.message.content ?? '', TEST_KEY, GATEWAY_SECRETS.SWITCHYARD_UPSTREAM_SIM_KEY]) expect(everything).not.toContain(secret);
  });

  it('starts no trace in a service for calls that carry none (health probes, tools)', async () => {
    const health = new GrpcHealthClient(authAddress);
    const billing = new GrpcBillingClient(billingAddress);
    try {
      await health.check();
      await billing.getUsage({ tenantId: 'acme', keyId: '', model: '', fromDay: '', toDay: '', clientRequestId: '' });
    } finally {
      health.close();
      billing.close();
    }
    // Long enough for spans, had there been any, to be exported (every 100 ms).
    await new Promise((r) => setTimeout(r, 1000));
    const services = receiver.spans.filter((s) => s.service !== 'switchyard-ingress');
    expect(services.filter((s) => s.parentSpanId === '')).toEqual([]);
    expect(services.filter((s) => /Health|GetUsage/.test(s.name))).toEqual([]);
  });
});
