import { loadSwitchyardEnv } from '@switchyard/config';
import { createGrpcMicroservice, type GrpcMicroservice, GrpcHealthClient, GrpcHealthService, GrpcRouterClient } from '@switchyard/grpc';
import { AdapterServiceDefinition, ErrorKind, HealthCheckResponse_ServingStatus as ServingStatus, type ResponseEvent, RouterServiceDefinition } from '@switchyard/ir';
import { openTestDatabase, type TestDatabase } from '../../../libs/db/src/test-database.harness';
import { AdapterAppModule } from '../../adapter/src/adapter-app.module';
import { RouterAppModule } from '../src/router-app.module';

// The router with one adapter worker, both as Nest apps on free ports; no Redis (memory cache).
describe(RouterAppModule.name, () => {
  let t: TestDatabase;
  let adapter: GrpcMicroservice;
  let router: GrpcMicroservice;

  beforeAll(async () => {
    t = await openTestDatabase('postgres', 'nest_router');
    const adapterHealth = new GrpcHealthService([AdapterServiceDefinition.fullName]);
    adapter = await createGrpcMicroservice(AdapterAppModule.forRoot(loadSwitchyardEnv({}), adapterHealth), {
      name: 'adapter-openai',
      host: '127.0.0.1',
      port: 0,
      services: [AdapterServiceDefinition],
      health: adapterHealth,
    });
    const env = loadSwitchyardEnv({ DATABASE_URL: t.location, HOST: '127.0.0.1', SWITCHYARD_CONFIG: '/nonexistent/switchyard.yaml', ADAPTER_GRPC_URLS: `openai=127.0.0.1:${adapter.port}` });
    const health = new GrpcHealthService([RouterServiceDefinition.fullName]);
    router = await createGrpcMicroservice(RouterAppModule.forRoot(env, health), { name: 'router', host: '127.0.0.1', port: 0, services: [RouterServiceDefinition], health });
  });

  afterAll(async () => {
    await router?.app.close();
    await adapter?.app.close();
    await t?.dispose();
  });

  it('serves RouterService: unary and server-streamed calls through the controller', async () => {
    const client = new GrpcRouterClient(`127.0.0.1:${router.port}`);
    try {
      await expect(client.listModels()).resolves.toEqual({ models: [] });
      const events: ResponseEvent[] = [];
      for await (const event of client.route({ model: 'no-such-model', messages: [], system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, new AbortController().signal)) events.push(event);
      expect(events).toEqual([{ event: { $case: 'error', value: expect.objectContaining({ kind: ErrorKind.ERROR_KIND_NOT_FOUND }) } }]);
    } finally {
      client.close();
    }
  });

  it('reports SERVING while its database and adapter answer, and the adapter SERVING too', async () => {
    const health = new GrpcHealthClient(`127.0.0.1:${router.port}`);
    const adapterHealth = new GrpcHealthClient(`127.0.0.1:${adapter.port}`);
    try {
      await expect(health.check()).resolves.toBe(ServingStatus.SERVING);
      await expect(health.check(RouterServiceDefinition.fullName)).resolves.toBe(ServingStatus.SERVING);
      await expect(adapterHealth.check(AdapterServiceDefinition.fullName)).resolves.toBe(ServingStatus.SERVING);
    } finally {
      health.close();
      adapterHealth.close();
    }
  });
});
