// The runtime tree: what the container image holds and what the chart's commands start
// (`node dist/apps/<app>/main.js`, from the tree's root). The Dockerfile builds the image with
// this script, and the chart's run test starts its processes from a tree made by it, so the
// two cannot drift apart.
//   node tools/runtime-tree.mjs --out DIR [--no-build] [--node-modules copy|link|none]
// --no-build     use the bundles already in dist/ (npm test builds them first)
// --node-modules copy (the image: node_modules as installed, pruned to production by the
//                Dockerfile), link (a symlink to this checkout's, for the tests), none (default)
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Every app the chart starts (the simulator and the benches stay out of the image). */
export const RUNTIME_APPS = ['ingress', 'auth', 'router', 'adapter', 'billing', 'standalone'];

export function buildRuntimeTree({ out, build = true, nodeModules = 'none' }) {
  if (build) {
    const r = spawnSync(process.execPath, [join(root, 'tools/build.mjs'), ...RUNTIME_APPS, 'console'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`tools/build.mjs exited ${r.status}`);
  }
  const target = resolve(out);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(join(target, 'dist/apps'), { recursive: true });
  for (const app of RUNTIME_APPS) {
    const from = join(root, 'dist/apps', app);
    if (!existsSync(join(from, 'main.js'))) throw new Error(`${from}/main.js is missing: build it (node tools/build.mjs) or drop --no-build`);
    cpSync(from, join(target, 'dist/apps', app), { recursive: true });
  }
  // The web console the ingress serves at /console (static files beside the bundles).
  if (existsSync(join(root, 'dist/console/index.html'))) cpSync(join(root, 'dist/console'), join(target, 'dist/console'), { recursive: true });
  // Migrations are read next to the bundles at run time (tools/build.mjs).
  cpSync(join(root, 'dist/prisma'), join(target, 'dist/prisma'), { recursive: true });
  // The runtime's package.json: its dependencies only, and no scripts (no postinstall to run).
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const runtimePkg = { name: pkg.name, version: pkg.version, private: true, license: pkg.license, engines: pkg.engines, dependencies: pkg.dependencies };
  writeFileSync(join(target, 'package.json'), `${JSON.stringify(runtimePkg, null, 2)}\n`);
  if (nodeModules === 'copy') cpSync(join(root, 'node_modules'), join(target, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  else if (nodeModules === 'link') symlinkSync(join(root, 'node_modules'), join(target, 'node_modules'), 'dir');
  else if (nodeModules !== 'none') throw new Error(`--node-modules ${nodeModules}: expected copy, link or none`);
  return target;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const value = (flag) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const out = value('--out');
  if (!out) {
    console.error('usage: node tools/runtime-tree.mjs --out DIR [--no-build] [--node-modules copy|link|none]');
    process.exit(2);
  }
  console.log(buildRuntimeTree({ out, build: !args.includes('--no-build'), nodeModules: value('--node-modules') ?? 'none' }));
}
