import 'reflect-metadata';
import { loadSwitchyardEnv } from '@switchyard/config';
import { GrpcHealthService, runGrpcMicroservice } from '@switchyard/grpc';
import { BillingServiceDefinition } from '@switchyard/ir';
import { BillingAppModule } from './billing-app.module';

// Cluster billing: a Nest microservice answering BillingService and grpc.health.v1.Health.
async function main(): Promise<void> {
  const env = loadSwitchyardEnv();
  const health = new GrpcHealthService([BillingServiceDefinition.fullName]);
  await runGrpcMicroservice(BillingAppModule.forRoot(env, health), {
    name: 'billing',
    host: env.HOST,
    port: env.GRPC_PORT ?? 50055,
    services: [BillingServiceDefinition],
    health,
    logLevel: env.LOG_LEVEL,
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
