// `npm run cluster`: every service as its own process talking gRPC, as in Kubernetes, for a
// developer machine. Needs Postgres and Redis (DATABASE_URL, REDIS_URL; defaults are the local
// ones). Starts the provider simulator on :9000 too, so switchyard.example.yaml answers offline.
import { spawnSync } from 'node:child_process';
import { LocalStack, demoCurl } from './local-stack.mjs';

const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  SWITCHYARD_CONFIG: process.env.SWITCHYARD_CONFIG ?? 'switchyard.example.yaml',
  // The sample config's simulator is plain http on loopback, which the outbound policy refuses unless allowed.
  SWITCHYARD_OUTBOUND_ALLOW_HTTP: process.env.SWITCHYARD_OUTBOUND_ALLOW_HTTP ?? 'true',
  SWITCHYARD_OUTBOUND_ALLOW_PRIVATE: process.env.SWITCHYARD_OUTBOUND_ALLOW_PRIVATE ?? 'true',
  HOST: '127.0.0.1',
};
const services = [
  ['simulator', 'dist/tools/simulator.js', { SIM_PORT: '9000' }],
  ['auth', 'dist/apps/auth/main.js', { GRPC_PORT: '50051' }],
  ['adapter-openai', 'dist/apps/adapter/main.js', { GRPC_PORT: '50053', ADAPTER_PROVIDER: 'openai' }],
  ['adapter-anthropic', 'dist/apps/adapter/main.js', { GRPC_PORT: '50056', ADAPTER_PROVIDER: 'anthropic' }],
  ['adapter-gemini', 'dist/apps/adapter/main.js', { GRPC_PORT: '50057', ADAPTER_PROVIDER: 'gemini' }],
  ['router', 'dist/apps/router/main.js', { GRPC_PORT: '50052', ADAPTER_GRPC_URLS: 'openai=127.0.0.1:50053,anthropic=127.0.0.1:50056,gemini=127.0.0.1:50057' }],
  ['billing', 'dist/apps/billing/main.js', { GRPC_PORT: '50055' }],
  ['ingress', 'dist/apps/ingress/main.js', { PORT: process.env.PORT ?? '8080', AUTH_GRPC_URL: '127.0.0.1:50051', ROUTER_GRPC_URL: '127.0.0.1:50052' }],
];

const applied = spawnSync(process.execPath, ['dist/apps/standalone/main.js', 'apply', '-f', env.SWITCHYARD_CONFIG], { env, stdio: 'inherit' });
if (applied.status !== 0) process.exit(applied.status ?? 1);

const stack = new LocalStack('the cluster');
for (const [name, entry, extra] of services) stack.run(name, [entry], { ...env, ...extra }, { prefixed: true });

const port = process.env.PORT ?? '8080';
await stack.announceWhenReady(
  port,
  `
ready: ingress on :${port}, simulator on :9000, gRPC auth :50051, router :50052, adapters :50053 (openai) :50056 (anthropic) :50057 (gemini), billing :50055
${demoCurl(port)}
  npm run --silent health -- 127.0.0.1:50051      # gRPC health of one service (grpc.health.v1)
`,
);
