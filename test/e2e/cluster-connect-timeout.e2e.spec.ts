import { GrpcHealthClient, GrpcRouterClient } from '@switchyard/grpc';
import { HealthCheckResponse_ServingStatus as ServingStatus, Role, type ChatRequest, type ResponseEvent } from '@switchyard/ir';
import { ProviderSimulator } from '@switchyard/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GATEWAY_SECRETS } from './support/gateway-config';
import { RunningApp, eventually, freePort, runApp, startApp } from './support/process-harness';
import { createTestDatabase } from './support/postgres-harness';

// routing.timeouts.connectMs in the cluster (issues 11/12): the router process reads the file,
// the adapter process does not, and the timeouts travel with each call over gRPC. The preferred
// deployment takes the TCP connection and never answers the TLS handshake; within connectMs
// that is a connect failure, retryable, so the router fails over to the simulator. With the
// adapter's own 5 s default the 3 s total ended the call first, not retryable: the client got
// a timeout. Nothing here measures a duration.
describe('cluster: the adapter honours the router\'s connectMs', () => {
  let sim: ProviderSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir = '';
  let router: GrpcRouterClient;
  const apps: RunningApp[] = [];
  const silentSockets = new Set<Socket>();
  const silent = createServer((socket) => silentSockets.add(socket));

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    db = await createTestDatabase('sy_connect');
    dir = mkdtempSync(join(tmpdir(), 'sy-connect-'));
    const config = join(dir, 'switchyard.yaml');
    writeFileSync(
      config,
      `routing:
  retries: 1
  timeouts: { connectMs: 300, firstTokenMs: 2000, idleMs: 2000, totalMs: 3000 }
  retryBudget: { ratio: 1, minPerSecond: 100 }
providers:
  - { id: silent, type: openai, baseUrl: 'https://127.0.0.1:${(silent.address() as AddressInfo).port}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
  - { id: sim, type: openai, baseUrl: '${sim.url}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
models:
  - name: connect-test
    deployments:
      - { provider: silent, model: never-connects, priority: 0 }
      - { provider: sim, model: sim-model, priority: 1 }
`,
    );
    const common = { ...GATEWAY_SECRETS, DATABASE_URL: db.url, HOST: '127.0.0.1', SWITCHYARD_CONFIG: config };
    await runApp('standalone', common, ['apply', '-f', config]);
    const [adapterPort, routerPort] = await Promise.all([freePort(), freePort()]);
    apps.push(startApp('adapter', { ...common, GRPC_PORT: String(adapterPort), ADAPTER_PROVIDER: 'openai' }));
    apps.push(startApp('router', { ...common, GRPC_PORT: String(routerPort), ADAPTER_GRPC_URLS: `openai=127.0.0.1:${adapterPort}` }));
    const health = new GrpcHealthClient(`127.0.0.1:${routerPort}`);
    try {
      await eventually(() => health.check().then((s) => (s === ServingStatus.SERVING ? s : Promise.reject(new Error(ServingStatus[s])))), 30_000, 'router SERVING');
    } finally {
      health.close();
    }
    router = new GrpcRouterClient(`127.0.0.1:${routerPort}`);
  });

  afterAll(async () => {
    router?.close();
    const codes = await Promise.all(apps.map(async (a) => [a.name, await a.stop()] as const));
    for (const socket of silentSockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    await sim?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    expect(codes.filter(([, code]) => code !== 0)).toEqual([]);
  });

  it('gives up on an upstream that does not connect within connectMs and fails over to the next deployment', async () => {
    const events: ResponseEvent[] = [];
    const request: ChatRequest = { model: 'connect-test', messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text' as const, value: { text: 'hello', signature: '' } }, cacheControlJson: '' }], name: '' }], system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] };
    for await (const event of router.route(request, new AbortController().signal)) events.push(event);

    const text = events.map((e) => (e.event?.$case === 'textDelta' ? e.event.value.text : '')).join('');
    const start = events.find((e) => e.event?.$case === 'start')?.event;
    const attempts = start?.$case === 'start' ? (start.value.attemptLog ?? []).map((a) => [a.providerId, a.outcome]) : [];
    expect(events.filter((e) => e.event?.$case === 'error')).toEqual([]);
    expect(text).toBe('Hello from the simulator.');
    expect(attempts).toEqual([
      ['silent', 'upstream_timeout'],
      ['sim', 'ok'],
    ]);
    expect(silentSockets.size).toBeGreaterThan(0);
    expect(sim.requests).toHaveLength(1);
  });
});
