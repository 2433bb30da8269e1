// The whole suite, as the README's test command and .ci/run run it: build the bundles the
// cluster tests start and check generated code, then two lanes at once:
//   checks  typecheck, lint, and the unit specs (CPU-bound)
//   e2e     the end-to-end specs, one file at a time (mostly waiting on real processes)
// On 2 cores the e2e lane leaves a core mostly idle; the checks lane fills it, so the run takes
// about as long as the e2e specs instead of the sum of everything. SWITCHYARD_TEST_LANES=1 runs
// the same steps one after the other; arguments (`npm test -- path/x.spec.ts`) run one Jest
// with them, after the checks.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A step that hangs must not hold CI forever. One Jest lane gets longer than the others
// (the e2e specs take about 13 minutes on 2 cores; everything in one lane took about 17).
const STEP_TIMEOUT_MS = 15 * 60_000;
const JEST_TIMEOUT_MS = 25 * 60_000;
const ENV = { ...process.env, NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_DAEMON: 'false' };

const prepare = [
  ['build', 'node', ['tools/build.mjs']],
  ['codegen check', 'node', ['tools/codegen.mjs', '--check']],
];
const checks = [
  ['typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  // The browser console has its own compiler settings (DOM, JSX), outside the workspace's tsconfig.json.
  ['typecheck console', 'npx', ['tsc', '-p', 'apps/console/tsconfig.json']],
  // Through Nx, as `npm run lint`: Nx computes the project graph the module-boundary rule reads
  // (plain `eslint` without a cached graph skips the rule) and lints each project on its own.
  // Nx caches each project's result by its inputs and its dependencies' (nx.json), which is safe
  // with type-aware rules; eslint's own --cache is not (it only sees the linted file change).
  ['lint', 'npx', ['nx', 'run-many', '-t', 'lint', '--outputStyle=static']],
];
const unit = ['jest unit', 'npx', ['jest', '--ci', '--selectProjects', 'unit']];
const e2e = ['jest e2e', 'npx', ['jest', '--ci', '--selectProjects', 'e2e']];

const running = new Set();
function stopAll() {
  // The lanes' steps run in process groups of their own (Jest and what it started go together).
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopAll();
    process.exit(1);
  });
}

const args = process.argv.slice(2);
// The unit specs that use Redis get a redis-server of their own in the lanes (below); without
// the binary (it is also what the cluster fault specs start), the steps run one after the other.
const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
const lanes = args.length === 0 && process.env.SWITCHYARD_TEST_LANES !== '1' && hasRedisServer;
if (!hasRedisServer) console.log('redis-server not found: running the steps one after the other');

for (const step of prepare) runInline(step);
if (!lanes) {
  for (const step of checks) runInline(step);
  if (args.length) runInline(['jest', 'npx', ['jest', '--ci', ...args]]);
  else for (const step of [unit, e2e]) runInline(step);
  process.exit(0);
}

// The unit specs that use Redis get a redis-server of their own: the e2e specs flush the
// databases they use on the shared one (6379), some of the same numbers. The specs that read
// the same variable share its database: they run one file at a time, each under its own key prefix.
const redis = await startPrivateRedis();
const unitRedis = (db) => `${redis.url}/${db}`;
const unitEnv = {
  TEST_REDIS_URL: unitRedis(11),
  TEST_NOTIFY_REDIS_URL: unitRedis(5),
  TEST_USAGE_QUEUE_REDIS_URL: unitRedis(3),
  TEST_NEST_REDIS_URL: unitRedis(1),
  REDIS_URL: unitRedis(8),
};
const started = Date.now();
// One lint process at a time (Nx runs 3 by default): the checks lane keeps to about one core and
// leaves the other to the e2e lane's processes, whose readiness waits suffer on a starved machine.
const laneChecks = checks.map(([name, cmd, cmdArgs]) => [name, cmd, name === 'lint' ? [...cmdArgs, '--parallel=1'] : cmdArgs]);
const [checksLane, e2eLane] = await Promise.all([
  // Its output is held and printed once the lane ends, so the e2e lane's stays readable.
  runLane('checks', [...laneChecks, unit], { quiet: true, env: unitEnv }),
  runLane('e2e', [e2e], { quiet: false, env: {} }),
]);
redis.stop();
process.stdout.write(`\n━━ checks lane output ━━\n${checksLane.output}`);
for (const lane of [checksLane, e2eLane]) for (const line of lane.lines) console.log(line);
const failed = [checksLane, e2eLane].filter((l) => !l.ok);
// The closing line CI reads: both Jest runs' counts together (tools/jest-summary.reporter.cjs).
const counts = [checksLane, e2eLane].map((l) => summaryOf(l.output)).reduce((a, b) => a.map((n, i) => n + b[i]), [0, 0, 0]);
console.log(`\nboth lanes: ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`\n${counts[0]} passed, ${counts[1]} failed, ${counts[2]} skipped`);
process.exit(failed.length ? 1 : 0);

function runInline([name, cmd, cmdArgs]) {
  const t = Date.now();
  console.log(`\n▶ ${name}`);
  const timeout = name.startsWith('jest') ? JEST_TIMEOUT_MS : STEP_TIMEOUT_MS;
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', timeout, killSignal: 'SIGKILL', env: ENV });
  if (r.status !== 0) {
    console.error(`✖ ${name} failed (${r.error?.code === 'ETIMEDOUT' ? `no end after ${timeout / 60000} min` : `exit ${r.status ?? r.signal}`})`);
    process.exit(r.status || 1);
  }
  console.log(`✔ ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}

/** Runs a lane's steps in order, stopping at the first failure; collects what they print. */
async function runLane(lane, steps, { quiet, env }) {
  let output = '';
  const lines = [];
  for (const [name, cmd, cmdArgs] of steps) {
    const t = Date.now();
    const timeout = name.startsWith('jest') ? JEST_TIMEOUT_MS : STEP_TIMEOUT_MS;
    if (!quiet) console.log(`\n▶ ${name}`);
    const r = await new Promise((resolve) => {
      const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...ENV, ...env }, detached: true });
      running.add(child.pid);
      const take = (d) => {
        output += d;
        if (!quiet) process.stdout.write(d);
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      // A step that hangs (e.g. a leaked handle keeping Jest alive) fails here, named; its whole
      // process group goes, so no orphan keeps the other lane's ports or databases.
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
        resolve({ status: null, timedOut: true });
      }, timeout);
      child.on('close', (status, signal) => {
        running.delete(child.pid);
        clearTimeout(timer);
        resolve({ status: status ?? signal, timedOut: false });
      });
    });
    const seconds = ((Date.now() - t) / 1000).toFixed(1);
    if (r.status !== 0) {
      lines.push(`✖ [${lane}] ${name} failed (${r.timedOut ? `no end after ${timeout / 60000} min` : `exit ${r.status}`})`);
      // Fail fast, as the steps one after the other would: the other lane's step is stopped.
      stopAll();
      return { ok: false, output, lines };
    }
    lines.push(`✔ [${lane}] ${name} (${seconds} s)`);
  }
  return { ok: true, output, lines };
}

/** The counts of the last "N passed, N failed, N skipped" line a Jest run printed. */
function summaryOf(output) {
  const all = [...output.matchAll(/^(\d+) passed, (\d+) failed, (\d+) skipped$/gm)];
  const last = all.at(-1);
  return last ? last.slice(1, 4).map(Number) : [0, 0, 0];
}

async function startPrivateRedis() {
  const port = await new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = server.address();
      server.close(() => resolve(p));
    });
    server.on('error', reject);
  });
  const dir = mkdtempSync(join(tmpdir(), 'sy-unit-redis-'));
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const stop = () => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], { encoding: 'utf8' });
    if (r.stdout?.trim() === 'PONG') return { url: `redis://127.0.0.1:${port}`, stop };
    if (proc.exitCode !== null) break;
    await new Promise((r2) => setTimeout(r2, 100));
  }
  stop();
  throw new Error(`redis-server for the unit specs did not start on port ${port}`);
}
