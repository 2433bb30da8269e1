import { ProviderSimulator } from '@switchyard/testing';
import { ServiceCluster } from './support/service-cluster';
import { OPERATOR_ENV, SERVER_ORIGIN, describeOperatorContract, writeOperatorConfig } from './support/operator-contract';

// CORS and GET /v1/me on the cluster: the ingress reads no file, so its origins come from
// SWITCHYARD_CORS_ORIGINS and the tenants' from auth (ListCorsOrigins, the principal); the key's
// description from auth (DescribeKey) and the spend from billing (GetUsage), all over gRPC.
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/9';

describe('CORS and GET /v1/me on the cluster', () => {
  let sim: ProviderSimulator;
  let cluster: ServiceCluster;
  let baseUrl = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    cluster = await ServiceCluster.start({
      database: 'sy_cluster_operator',
      redisUrl: REDIS_URL,
      config: writeOperatorConfig(sim.url),
      env: OPERATOR_ENV,
      extra: { ingress: (a) => ({ BILLING_GRPC_URL: a.billing, SWITCHYARD_CORS_ORIGINS: SERVER_ORIGIN, SWITCHYARD_CORS_MAX_AGE_SECONDS: '300' }) },
    });
    baseUrl = cluster.baseUrl;
  });

  afterAll(async () => {
    await cluster?.stop();
    await sim?.close();
  });

  describeOperatorContract(() => ({ baseUrl }));
});
