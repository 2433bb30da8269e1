// Bundles each app (and the simulator CLI) into dist/ with esbuild. TypeScript is compiled by
// swc inside the esbuild plugin because esbuild cannot emit decorator metadata, which Nest's
// dependency injection reads. node_modules stay external: they are installed, not bundled.
// Usage: node tools/build.mjs [target ...]   (no target: everything)
import { build } from 'esbuild';
import { transformFile } from '@swc/core';
import { readFileSync, cpSync, existsSync, rmSync } from 'node:fs';
import { basename, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lazyPackagesPlugin } from './lazy-packages.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const swcrc = JSON.parse(readFileSync(resolve(root, '.swcrc'), 'utf8'));
const targets = {
  ingress: 'apps/ingress/src/main.ts',
  auth: 'apps/auth/src/main.ts',
  router: 'apps/router/src/main.ts',
  adapter: 'apps/adapter/src/main.ts',
  billing: 'apps/billing/src/main.ts',
  standalone: 'apps/standalone/src/main.ts',
  // The web console: a browser app built by Vite (its own config), served by the ingress at /console.
  console: 'apps/console/vite.config.mjs',
  simulator: 'libs/testing/src/simulator/simulator.cli.ts',
  'transport-bench': 'bench/transport/grpc-transport.bench.ts',
  'mux-bench': 'bench/transport/mux.bench.ts',
  'hops-bench': 'bench/hops/hops.bench.ts',
  'access-bench': 'bench/logs/access-line.bench.ts',
  'pii-bench': 'bench/guardrails/pii-scan.bench.ts',
  'statement-bench': 'bench/statement/statement.bench.ts',
  'usage-write-bench': 'bench/usage-write/usage-write.bench.ts',
};
// Worker threads an app starts, bundled beside it (the app finds them next to its own bundle).
const workers = {
  standalone: ['libs/db/src/pglite.worker.ts'],
  'usage-write-bench': ['libs/db/src/pglite.worker.ts'],
};
const BENCHES = { 'transport-bench': 'dist/bench/transport.js', 'mux-bench': 'dist/bench/mux.js', 'hops-bench': 'dist/bench/hops.js', 'access-bench': 'dist/bench/access-line.js', 'pii-bench': 'dist/bench/pii-scan.js', 'statement-bench': 'dist/bench/statement.js', 'usage-write-bench': 'dist/bench/usage-write.js' };
const outFor = (name) => (name === 'simulator' ? 'dist/tools/simulator.js' : (BENCHES[name] ?? `dist/apps/${name}/main.js`));

const swcPlugin = {
  name: 'swc-decorators',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const out = await transformFile(args.path, { ...swcrc, swcrc: false, sourceMaps: 'inline', module: { type: 'es6' } });
      return { contents: out.code, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

// Packages a target may never use, loaded on first use instead of at start (lazy-packages.mjs):
// standalone talks to Redis, and BullMQ over it, only when REDIS_URL is set.
const LAZY_PACKAGES = { standalone: ['bullmq', 'ioredis'] };

const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : Object.keys(targets);
for (const name of names) {
  if (!targets[name]) throw new Error(`unknown build target ${name}; known: ${Object.keys(targets).join(', ')}`);
  if (!existsSync(resolve(root, targets[name]))) continue;
  if (name === 'console') {
    await buildConsole(targets[name]);
    continue;
  }
  await bundle(targets[name], outFor(name), LAZY_PACKAGES[name]);
  for (const worker of workers[name] ?? []) {
    await bundle(worker, resolve(root, dirname(outFor(name)), basename(worker).replace(/\.ts$/, '.js')));
  }
}

// Vite is loaded only for this target: the server bundles do not need it.
async function buildConsole(configFile) {
  const vite = await import('vite');
  await vite.build({ configFile: resolve(root, configFile), logLevel: 'warn' });
}

async function bundle(entry, outfile, lazy = []) {
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    tsconfig: 'tsconfig.base.json',
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: lazy.length ? [lazyPackagesPlugin(lazy), swcPlugin] : [swcPlugin],
  });
}

// Migrations and protos are read at run time next to the bundles.
// Replaced, not merged: a renamed or deleted migration must not linger in dist/.
rmSync(resolve(root, 'dist/prisma/migrations'), { recursive: true, force: true });
if (existsSync(resolve(root, 'prisma/migrations'))) cpSync(resolve(root, 'prisma/migrations'), resolve(root, 'dist/prisma/migrations'), { recursive: true });
