// The whole suite, as the README's test command and .ci/run run it: build the bundles the
// cluster tests start, check generated code, types and lint, then every Jest test.
import { spawnSync } from 'node:child_process';

// A step that hangs must not hold CI forever; Jest's whole run (one worker on 2 cores, about
// 17 minutes with this round's browser, batch and cluster suites) gets longer than the others.
const STEP_TIMEOUT_MS = 15 * 60_000;
const JEST_TIMEOUT_MS = 25 * 60_000;

const steps = [
  ['build', 'node', ['tools/build.mjs']],
  ['codegen check', 'node', ['tools/codegen.mjs', '--check']],
  ['typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  // The browser console has its own compiler settings (DOM, JSX), outside the workspace's tsconfig.json.
  ['typecheck console', 'npx', ['tsc', '-p', 'apps/console/tsconfig.json']],
  // Through Nx, as `npm run lint`: Nx computes the project graph the module-boundary rule reads
  // (plain `eslint` without a cached graph skips the rule) and lints each project on its own.
  ['lint', 'npx', ['nx', 'run-many', '-t', 'lint', '--outputStyle=static']],
  ['jest', 'npx', ['jest', '--ci', ...process.argv.slice(2)]],
];

for (const [name, cmd, args] of steps) {
  const t = Date.now();
  console.log(`\n▶ ${name}`);
  // A step that hangs (e.g. a leaked handle keeping Jest alive) fails here, named, instead of
  // running into CI's time limit.
  const timeout = name === 'jest' ? JEST_TIMEOUT_MS : STEP_TIMEOUT_MS;
  const r = spawnSync(cmd, args, { stdio: 'inherit', timeout, killSignal: 'SIGKILL', env: { ...process.env, NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_DAEMON: 'false' } });
  if (r.status !== 0) {
    console.error(`✖ ${name} failed (${r.error?.code === 'ETIMEDOUT' ? `no end after ${timeout / 60000} min` : `exit ${r.status ?? r.signal}`})`);
    process.exit(r.status || 1);
  }
  console.log(`✔ ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}
