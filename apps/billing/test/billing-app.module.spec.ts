import { status as Status } from '@grpc/grpc-js';
import { loadSwitchyardEnv } from '@switchyard/config';
import { createGrpcMicroservice, type GrpcMicroservice, GrpcBillingClient, GrpcHealthClient, GrpcHealthService } from '@switchyard/grpc';
import { BillingServiceDefinition, HealthCheckResponse_ServingStatus as ServingStatus } from '@switchyard/ir';
import { openTestDatabase, type TestDatabase } from '../../../libs/db/src/test-database.harness';
import { BillingAppModule } from '../src/billing-app.module';

// Redis db 1 is this suite's own; the consumer only waits on an empty queue there.
const REDIS_URL = process.env['TEST_NEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/1';

describe(BillingAppModule.name, () => {
  let t: TestDatabase;
  let service: GrpcMicroservice;

  beforeAll(async () => {
    t = await openTestDatabase('postgres', 'nest_billing');
    const env = loadSwitchyardEnv({ DATABASE_URL: t.location, REDIS_URL, HOST: '127.0.0.1' });
    const health = new GrpcHealthService([BillingServiceDefinition.fullName]);
    service = await createGrpcMicroservice(BillingAppModule.forRoot(env, health), { name: 'billing', host: '127.0.0.1', port: 0, services: [BillingServiceDefinition], health });
  });

  afterAll(async () => {
    await service?.app.close();
    await t?.dispose();
  });

  it('serves BillingService, and a refused query keeps its status and message through the Nest exception path', async () => {
    const client = new GrpcBillingClient(`127.0.0.1:${service.port}`);
    try {
      await expect(client.getUsage({ tenantId: 'nobody', keyId: '', model: '', fromDay: '', toDay: '', clientRequestId: '' })).resolves.toEqual({ rows: [] });
      await expect(client.getUsage({ fromDay: 'yesterday', tenantId: '', keyId: '', model: '', toDay: '', clientRequestId: '' })).rejects.toMatchObject({ code: Status.INVALID_ARGUMENT, message: expect.stringContaining('fromDay: expected a day as YYYY-MM-DD') });
    } finally {
      client.close();
    }
  });

  it('reports SERVING on grpc.health.v1 with its database and Redis up', async () => {
    const health = new GrpcHealthClient(`127.0.0.1:${service.port}`);
    try {
      await expect(health.check()).resolves.toBe(ServingStatus.SERVING);
      await expect(health.check(BillingServiceDefinition.fullName)).resolves.toBe(ServingStatus.SERVING);
    } finally {
      health.close();
    }
  });
});
