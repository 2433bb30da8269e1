import { providerKeyContext, loadSwitchyardEnv, SecretBox } from '@switchyard/config';
import { createGrpcMicroservice, type GrpcMicroservice, GrpcAdapterClient, GrpcHealthClient, GrpcHealthService } from '@switchyard/grpc';
import { AdapterServiceDefinition, ErrorKind, HealthCheckResponse_ServingStatus as ServingStatus, type GenerateRequest, type ResponseEvent } from '@switchyard/ir';
import { ProviderSimulator } from '@switchyard/testing';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { AdapterAppModule } from '../src/adapter-app.module';

const SECRET_KEYS = `k1:${Buffer.alloc(32, 5).toString('base64')}`;
const CHAT: GenerateRequest['request'] = { model: 'm', messages: [{ role: 1, content: [{ part: { $case: 'text', value: { text: 'hi', signature: '' } }, cacheControlJson: '' }], name: '' }], system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] };

// One adapter worker as a Nest app, calling the provider simulator over real gRPC.
describe(AdapterAppModule.name, () => {
  let sim: ProviderSimulator;
  let service: GrpcMicroservice;
  let health: GrpcHealthService;
  let client: GrpcAdapterClient;
  // Takes TCP connections and never answers a TLS handshake: an https upstream there never connects.
  const silentSockets = new Set<Socket>();
  const silent = createServer((socket) => silentSockets.add(socket));

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    // Upstream keys named `env:` are read at call time; the settings are the validated ones the
    // app is booted with. The simulator is plain http on loopback, which the policy must allow.
    process.env['SWITCHYARD_UPSTREAM_SIM_KEY'] = 'sk-sim';
    health = new GrpcHealthService([AdapterServiceDefinition.fullName]);
    const env = loadSwitchyardEnv({ SWITCHYARD_OUTBOUND_ALLOW_HTTP: 'true', SWITCHYARD_OUTBOUND_ALLOW_PRIVATE: 'true', SWITCHYARD_SECRET_KEYS: SECRET_KEYS });
    service = await createGrpcMicroservice(AdapterAppModule.forRoot(env, health), { name: 'adapter', host: '127.0.0.1', port: 0, services: [AdapterServiceDefinition], health });
    client = new GrpcAdapterClient(`127.0.0.1:${service.port}`);
  });

  afterAll(async () => {
    client?.close();
    await service?.app.close();
    await sim?.close();
    for (const socket of silentSockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    delete process.env['SWITCHYARD_UPSTREAM_SIM_KEY'];
  });

  async function generate(request: GenerateRequest): Promise<ResponseEvent[]> {
    const events: ResponseEvent[] = [];
    for await (const event of client.generate(request, new AbortController().signal)) events.push(event);
    return events;
  }

  const simTarget = (apiKeyRef: string) => ({ deploymentId: 'd1', providerId: 'sim', providerType: 'openai', baseUrl: `${sim.url}/v1`, apiKeyRef, upstreamModel: 'sim-model', optionsJson: '', passthroughJson: '' });

  it('streams Generate from the upstream through the controller', async () => {
    const cases = (await generate({ target: simTarget('env:SWITCHYARD_UPSTREAM_SIM_KEY'), request: CHAT })).map((e) => e.event?.$case);

    expect(cases).toContain('textDelta');
    expect(cases).not.toContain('error');
  });

  it('opens a sealed upstream key with the SWITCHYARD_SECRET_KEYS it was booted with', async () => {
    const sealed = (SecretBox.fromEnv(SECRET_KEYS) as SecretBox).seal('sk-sealed-for-sim', providerKeyContext('sim'));

    const cases = (await generate({ target: simTarget(sealed), request: CHAT })).map((e) => e.event?.$case);

    expect(cases).not.toContain('error');
    expect(sim.requests.at(-1)?.headers.authorization).toBe('Bearer sk-sealed-for-sim');
  });

  it("honours the router's connectMs sent with the call, not a default of its own", async () => {
    // The router sends routing.timeouts (or the model's) with every call. With the adapter's own
    // 5 s default the 3 s total would end this call first: not retryable, so no failover.
    const baseUrl = `https://127.0.0.1:${(silent.address() as AddressInfo).port}/v1`;
    const events = await generate({ target: { ...simTarget('env:SWITCHYARD_UPSTREAM_SIM_KEY'), baseUrl, optionsJson: '', passthroughJson: '' }, request: CHAT, timeouts: { connectMs: 200, firstTokenMs: 2000, totalMs: 3000, idleMs: 0 } });

    expect(events.map((e) => e.event?.$case)).toEqual(['error']);
    expect(events[0]?.event?.$case === 'error' && events[0].event.value).toMatchObject({ kind: ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT, retryable: true });
    expect(silentSockets.size).toBeGreaterThan(0);
  });

  it('is SERVING while it runs, and NOT_SERVING once it drains', async () => {
    const healthClient = new GrpcHealthClient(`127.0.0.1:${service.port}`);
    try {
      await expect(healthClient.check(AdapterServiceDefinition.fullName)).resolves.toBe(ServingStatus.SERVING);
    } finally {
      healthClient.close();
    }
    await service.app.close();
    expect(health.status('')).toBe(ServingStatus.NOT_SERVING);
  });
});
