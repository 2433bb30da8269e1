import 'reflect-metadata';
import { loadSwitchyardEnv } from '@switchyard/config';
import { GrpcHealthService, runGrpcMicroservice } from '@switchyard/grpc';
import { RouterServiceDefinition } from '@switchyard/ir';
import { RouterAppModule } from './router-app.module';

// Cluster router: a Nest microservice answering RouterService and grpc.health.v1.Health.
async function main(): Promise<void> {
  const env = loadSwitchyardEnv();
  const health = new GrpcHealthService([RouterServiceDefinition.fullName]);
  await runGrpcMicroservice(RouterAppModule.forRoot(env, health), {
    name: 'router',
    host: env.HOST,
    port: env.GRPC_PORT ?? 50052,
    services: [RouterServiceDefinition],
    health,
    logLevel: env.LOG_LEVEL,
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
