import 'reflect-metadata';
import { SecretBox, loadSwitchyardEnv, upstreamLimits } from '@switchyard/config';
import { runGrpcService, serveAdapter } from '@switchyard/grpc';
import { UpstreamService } from '@switchyard/upstream';

// One adapter worker per provider family (ADAPTER_PROVIDER): translation plus the upstream call.
async function main(): Promise<void> {
  const env = loadSwitchyardEnv();
  const family = env.ADAPTER_PROVIDER ?? 'openai';
  // Sealed upstream keys are opened here, where the call is made, and nowhere else.
  const upstream = new UpstreamService(undefined, SecretBox.fromEnv(process.env['SWITCHYARD_SECRET_KEYS']), upstreamLimits(env));
  await runGrpcService({
    name: `adapter-${family}`,
    host: env.HOST,
    port: env.GRPC_PORT ?? 50053,
    register: (server) => serveAdapter(server, upstream),
    close: () => upstream.onModuleDestroy(),
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
