import { loadSwitchyardEnv } from '@switchyard/config';
import { createGrpcMicroservice, type GrpcMicroservice, GrpcAdapterClient, GrpcHealthClient, GrpcHealthService } from '@switchyard/grpc';
import { AdapterServiceDefinition, HealthCheckResponse_ServingStatus as ServingStatus, type ResponseEvent } from '@switchyard/ir';
import { ProviderSimulator } from '@switchyard/testing';
import { AdapterAppModule } from '../src/adapter-app.module';

// One adapter worker as a Nest app, calling the provider simulator.
describe(AdapterAppModule.name, () => {
  let sim: ProviderSimulator;
  let service: GrpcMicroservice;
  let health: GrpcHealthService;

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    // The simulator is plain http on loopback: the outbound policy (read from the process's
    // environment at each connection) must allow both, as a real adapter's environment would.
    Object.assign(process.env, { SWITCHYARD_UPSTREAM_SIM_KEY: 'sk-sim', SWITCHYARD_OUTBOUND_ALLOW_HTTP: 'true', SWITCHYARD_OUTBOUND_ALLOW_PRIVATE: 'true' });
    health = new GrpcHealthService([AdapterServiceDefinition.fullName]);
    const env = loadSwitchyardEnv({});
    service = await createGrpcMicroservice(AdapterAppModule.forRoot(env, health), { name: 'adapter', host: '127.0.0.1', port: 0, services: [AdapterServiceDefinition], health });
  });

  afterAll(async () => {
    await service?.app.close();
    await sim?.close();
    for (const name of ['SWITCHYARD_UPSTREAM_SIM_KEY', 'SWITCHYARD_OUTBOUND_ALLOW_HTTP', 'SWITCHYARD_OUTBOUND_ALLOW_PRIVATE']) delete process.env[name];
  });

  it('streams Generate from the upstream through the controller', async () => {
    const client = new GrpcAdapterClient(`127.0.0.1:${service.port}`);
    try {
      const events: ResponseEvent[] = [];
      const target = { deploymentId: 'd1', providerId: 'sim', providerType: 'openai', baseUrl: `${sim.url}/v1`, apiKeyRef: 'env:SWITCHYARD_UPSTREAM_SIM_KEY', upstreamModel: 'sim-model' };
      for await (const event of client.generate({ target, request: { model: 'm', messages: [{ role: 1, content: [{ part: { $case: 'text', value: { text: 'hi' } } }] }] } }, new AbortController().signal)) {
        events.push(event);
      }
      const cases = events.map((e) => e.event?.$case);
      expect(cases).toContain('textDelta');
      expect(cases).not.toContain('error');
    } finally {
      client.close();
    }
  });

  it('is SERVING while it runs, and NOT_SERVING once it drains', async () => {
    const client = new GrpcHealthClient(`127.0.0.1:${service.port}`);
    try {
      await expect(client.check(AdapterServiceDefinition.fullName)).resolves.toBe(ServingStatus.SERVING);
    } finally {
      client.close();
    }
    await service.app.close();
    expect(health.status('')).toBe(ServingStatus.NOT_SERVING);
  });
});
