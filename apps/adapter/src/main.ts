import 'reflect-metadata';
import { loadSwitchyardEnv } from '@switchyard/config';
import { installProcessLogs, startTracing } from '@switchyard/telemetry';
import { GrpcHealthService, runGrpcMicroservice } from '@switchyard/grpc';
import { AdapterServiceDefinition } from '@switchyard/ir';
import { AdapterAppModule } from './adapter-app.module';

// One adapter worker per provider family: a Nest microservice answering AdapterService and
// grpc.health.v1.Health.
async function main(): Promise<void> {
  const env = loadSwitchyardEnv();
  const family = env.ADAPTER_PROVIDER ?? 'openai';
  const logs = installProcessLogs({ service: `adapter-${family}`, region: env.SWITCHYARD_REGION ?? '', level: env.LOG_LEVEL });
  const tracing = await startTracing(`switchyard-adapter-${family}`);
  const health = new GrpcHealthService([AdapterServiceDefinition.fullName]);
  await runGrpcMicroservice(AdapterAppModule.forRoot(env, health), {
    name: `adapter-${family}`,
    host: env.HOST,
    port: env.GRPC_PORT ?? 50053,
    services: [AdapterServiceDefinition],
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
