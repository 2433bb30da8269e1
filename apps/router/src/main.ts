import 'reflect-metadata';
import { loadSwitchyardEnv } from '@switchyard/config';
import { installProcessLogs, startTracing } from '@switchyard/telemetry';
import { GrpcHealthService, runGrpcMicroservice } from '@switchyard/grpc';
import { RouterServiceDefinition } from '@switchyard/ir';
import { RouterAppModule } from './router-app.module';

// Cluster router: a Nest microservice answering RouterService and grpc.health.v1.Health.
async function main(): Promise<void> {
  const env = loadSwitchyardEnv();
  // First: spans made while the service starts would otherwise go nowhere.
  const logs = installProcessLogs({ service: 'router', region: env.SWITCHYARD_REGION ?? '', level: env.LOG_LEVEL });
  const tracing = await startTracing('switchyard-router');
  const health = new GrpcHealthService([RouterServiceDefinition.fullName]);
  await runGrpcMicroservice(RouterAppModule.forRoot(env, health), {
    name: 'router',
    host: env.HOST,
    port: env.GRPC_PORT ?? 50052,
    services: [RouterServiceDefinition],
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
