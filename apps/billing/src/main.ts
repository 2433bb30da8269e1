import 'reflect-metadata';
import { loadSwitchyardEnv } from '@switchyard/config';
import { installProcessLogs, startTracing } from '@switchyard/telemetry';
import { GrpcHealthService, runGrpcMicroservice } from '@switchyard/grpc';
import { BillingServiceDefinition } from '@switchyard/ir';
import { BillingAppModule } from './billing-app.module';

// Cluster billing: a Nest microservice answering BillingService and grpc.health.v1.Health.
async function main(): Promise<void> {
  const env = loadSwitchyardEnv();
  // First: spans made while the service starts would otherwise go nowhere.
  const logs = installProcessLogs({ service: 'billing', region: env.SWITCHYARD_REGION ?? '', level: env.LOG_LEVEL });
  const tracing = await startTracing('switchyard-billing');
  const health = new GrpcHealthService([BillingServiceDefinition.fullName]);
  await runGrpcMicroservice(BillingAppModule.forRoot(env, health), {
    name: 'billing',
    host: env.HOST,
    port: env.GRPC_PORT ?? 50055,
    services: [BillingServiceDefinition],
    health,
    afterClose: () => tracing.shutdown(),
    logger: logs.nest,
    metricsPort: env.SWITCHYARD_METRICS_PORT,
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
