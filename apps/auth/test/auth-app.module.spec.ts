import { loadSwitchyardEnv } from '@switchyard/config';
import { createGrpcMicroservice, type GrpcMicroservice, GrpcAuthClient, GrpcHealthClient, GrpcHealthService } from '@switchyard/grpc';
import { AuthServiceDefinition, Dialect, ErrorKind, HealthCheckResponse_ServingStatus as ServingStatus } from '@switchyard/ir';
import { Redis } from 'ioredis';
import { openTestDatabase, type TestDatabase } from '../../../libs/db/src/test-database.harness';
import { AuthAppModule } from '../src/auth-app.module';

// Redis db 1 is this suite's own (quota counters, configuration changes).
const REDIS_URL = process.env['TEST_NEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/1';

describe(AuthAppModule.name, () => {
  let t: TestDatabase;
  let service: GrpcMicroservice;

  beforeAll(async () => {
    t = await openTestDatabase('postgres', 'nest_auth');
    const redis = new Redis(REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    const env = loadSwitchyardEnv({ DATABASE_URL: t.location, REDIS_URL, HOST: '127.0.0.1' });
    const health = new GrpcHealthService([AuthServiceDefinition.fullName]);
    service = await createGrpcMicroservice(AuthAppModule.forRoot(env, health), { name: 'auth', host: '127.0.0.1', port: 0, services: [AuthServiceDefinition], health });
  });

  afterAll(async () => {
    await service?.app.close();
    await t?.dispose();
  });

  it('serves AuthService through its controller on a real grpc-js channel', async () => {
    const client = new GrpcAuthClient(`127.0.0.1:${service.port}`);
    try {
      const answer = await client.admit({ keyHash: 'no-such-key', model: 'm', requestId: 'r1', clientIp: '127.0.0.1', dialect: Dialect.DIALECT_OPENAI, counted: true, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0 });
      expect(answer).toMatchObject({ admitted: false, error: { kind: ErrorKind.ERROR_KIND_AUTHENTICATION } });
      await expect(client.settle({ ticket: { requestId: 'r1', scopes: [], reservedTokens: 0, reservedUsd: 0, atMs: 0, leaseMs: 0 }, model: '', cacheHit: false, startedAtMs: 0 })).resolves.toBeUndefined();
    } finally {
      client.close();
    }
  });

  it('reports SERVING on grpc.health.v1, overall and for AuthService, with its database and Redis up', async () => {
    const health = new GrpcHealthClient(`127.0.0.1:${service.port}`);
    try {
      await expect(health.check()).resolves.toBe(ServingStatus.SERVING);
      await expect(health.check(AuthServiceDefinition.fullName)).resolves.toBe(ServingStatus.SERVING);
    } finally {
      health.close();
    }
  });
});
