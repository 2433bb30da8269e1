import 'reflect-metadata';
import { loadSwitchyardEnv } from '@switchyard/config';
import { installProcessLogs, startTracing } from '@switchyard/telemetry';
import { GrpcHealthService, runGrpcMicroservice } from '@switchyard/grpc';
import { AuthServiceDefinition } from '@switchyard/ir';
import { AuthAppModule } from './auth-app.module';

// Cluster auth service: a Nest microservice answering AuthService and grpc.health.v1.Health.
async function main(): Promise<void> {
  const env = loadSwitchyardEnv();
  // First: spans made while the service starts would otherwise go nowhere.
  const logs = installProcessLogs({ service: 'auth', region: env.SWITCHYARD_REGION ?? '', level: env.LOG_LEVEL });
  const tracing = await startTracing('switchyard-auth');
  const health = new GrpcHealthService([AuthServiceDefinition.fullName]);
  await runGrpcMicroservice(AuthAppModule.forRoot(env, health), {
    name: 'auth',
    host: env.HOST,
    port: env.GRPC_PORT ?? 50051,
    services: [AuthServiceDefinition],
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
