// Micro-benchmark of the per-request metrics path (issue 13): what one request's observations
// cost in each process, against prom-client's own labelled children for comparison.
// Usage: node tools/bench-metrics.mjs   (bundles libs/telemetry with esbuild into dist/, then removes it)
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Inside the repository, so prom-client resolves from its node_modules.
const dir = join(root, 'dist', 'bench-metrics');
const out = join(dir, 'telemetry.cjs');
await build({ entryPoints: [join(root, 'libs/telemetry/src/index.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: out, external: ['prom-client'], nodePaths: [join(root, 'node_modules')], logLevel: 'error' });
const require = createRequire(join(root, 'package.json'));
const { SwitchyardMetrics, LATENCY_BUCKETS } = require(out);
const prom = require('prom-client');
rmSync(dir, { recursive: true, force: true });

const N = 1_000_000;
function bench(name, fn) {
  for (let i = 0; i < 100_000; i++) fn(i);
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  const ns = Number(process.hrtime.bigint() - t) / N;
  console.log(`${name.padEnd(58)} ${ns.toFixed(0).padStart(5)} ns`);
  return ns;
}

const m = new SwitchyardMetrics().series;
const dialects = ['openai', 'anthropic', 'gemini'];
const models = ['gpt-4o', 'claude', 'gemini-pro', 'mini'];
// The ingress's end of a request: the labels object built per request, three histograms.
const ingress = bench('ingress: duration + overhead + TTFT (looked up per request)', (i) => {
  const labels = { dialect: dialects[i % 3], operation: 'chat', model: models[i % 4], provider: 'openai', status_class: '2xx' };
  m.requestDuration.observe(labels, 0.2 + (i % 7) * 0.01);
  m.gatewayOverhead.observe(labels, 0.0008);
  m.timeToFirstToken.child({ dialect: labels.dialect, model: labels.model, provider: 'openai' }).observe(0.05);
});
const grpc = m.grpcClientDuration.child({ service: 'switchyard.router.v1.RouterService', method: 'Route', code: 'OK' });
const grpcNs = bench('one gRPC call timed (bound child, performance.now() twice)', () => {
  const t = performance.now();
  grpc.observe((performance.now() - t) / 1000);
});
const router = bench('router: one attempt + one cache look-up counted', (i) => {
  m.attempts.child({ provider: 'openai', deployment: `d${i % 4}`, kind: 'first', outcome: 'ok' }).inc();
  m.cacheLookups.child({ model: models[i % 4], result: 'miss' }).inc();
});
const adapter = bench('adapter: one upstream duration', (i) => {
  m.upstreamDuration.child({ provider: 'openai', deployment: `d${i % 4}` }).observe(0.3);
});

const reg = new prom.Registry();
const h = new prom.Histogram({ name: 'h', help: 'h', labelNames: ['dialect', 'operation', 'model', 'provider', 'status_class'], buckets: LATENCY_BUCKETS, registers: [reg] });
const child = h.labels({ dialect: 'openai', operation: 'chat', model: 'gpt-4o', provider: 'openai', status_class: '2xx' });
bench('for comparison: prom-client Histogram child observe', () => child.observe(0.2));

// Per request in the cluster: the ingress's three histograms; gRPC calls timed on both ends
// (admit, route, settle at the ingress and auth; route at the router; generate at router and adapter: ~10);
// one attempt and one cache look-up; one upstream duration.
const total = ingress + 10 * grpcNs + router + adapter;
console.log(`${'≈ per request, all processes summed'.padEnd(58)} ${total.toFixed(0).padStart(5)} ns`);
