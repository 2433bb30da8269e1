// `npm run bench`: the latency Switchyard adds over calling the provider simulator directly,
// and its throughput, measured in one run on one machine (docs/architecture.md §7). See
// bench/README.md.
//   node bench/run.mjs [--duration 8] [--warmup 2] [--cluster | --no-cluster] [--traced]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SCENARIOS, measureCell, primeTarget } from './lib/cell.mjs';
import { Children } from './lib/children.mjs';
import { processCpuMs } from './lib/cpu.mjs';
import { gatewayRss } from './lib/memory.mjs';
import { startOtlpSink } from './lib/otlp-sink.mjs';
import { clusterInfra, createFreshDatabase, infraProblem, redact, refuseSharedRedis, resetOwnRedis } from './lib/infra.mjs';
import { renderMarkdown, writeResults } from './lib/report.mjs';
import { ROOT, preflight, startCluster, startSimulator, startStandalone, writeGatewayConfig } from './lib/targets.mjs';

const USAGE = `usage: node bench/run.mjs [--duration SECONDS] [--warmup SECONDS] [--cluster | --no-cluster] [--traced]
  --duration   measured seconds per cell (default 8)
  --warmup     warm-up seconds before each cell (default a quarter of --duration, at least 1)
  --cluster    require the cluster target (fails if Postgres or Redis do not answer)
  --no-cluster skip it (default: measured when Postgres and Redis answer)
  --traced     also measure standalone with tracing on, every request sampled, to a local OTLP receiver
               (target standalone-traced, beside the untraced one: the cost of tracing)`;

// Long enough for start-up garbage to be collected and start-up timers to have run once.
const IDLE_WAIT_MS = 3000;
// Seconds of each kind of priming load per target before its first cell (see primeTarget).
const PRIME_S = 4;
// How long idle CPU is sampled after the last cell (coarse: /proc counts 10 ms ticks).
const IDLE_CPU_MS = 20_000;
const options = readOptions();
const children = new Children();
const cleanups = [];
let finishing = false;

process.on('exit', () => children.killAllNow());
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the benchmark`);
    void shutdown().finally(() => process.exit(130));
  });
}
// Bounded: startup, every cell with its warm-up and settle time, and generous slack.
const budgetS = 240 + 3 * (2 * PRIME_S + 35) + (IDLE_WAIT_MS + IDLE_CPU_MS) / 1000 + SCENARIOS.length * 3 * (options.durationS + options.warmupS + 35);
setTimeout(() => {
  console.error(`watchdog: the benchmark ran past ${budgetS} s; stopping`);
  void shutdown().finally(() => process.exit(1));
}, budgetS * 1000).unref();

main().then(
  (code) => process.exit(code),
  async (err) => {
    // Plain Errors are this script's own findings (a target would not start, …): their message
    // says it all. Anything else (TypeError, …) is a bug here and keeps its stack.
    console.error(`bench: ${err instanceof Error && err.constructor === Error ? err.message : (err?.stack ?? err)}`);
    await shutdown();
    process.exit(1);
  },
);

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
  const run = { meta: meta(), targets: [], skipped: [], cells: [], problems: [] };

  const simulator = await startSimulator(children);
  const configPath = writeGatewayConfig(tmp, simulator.port);
  const targets = [simulator, await startStandalone(children, { configPath, dataDir: join(tmp, 'standalone'), simulator: simulator.simulator })];
  if (options.traced) targets.push(await tracedStandalone({ configPath, dataDir: join(tmp, 'standalone-traced'), simulator: simulator.simulator }));
  for (const t of targets) await preflight(t);
  const cluster = await clusterTarget({ configPath, dataDir: join(tmp, 'cluster'), simulator: simulator.simulator }, run);
  if (cluster) targets.push(cluster);
  run.targets = targets.map((t) => ({ id: t.id, label: t.label, processes: [...t.gateway.map((c) => c.name)] }));
  // Idle memory, before any load: started, answered the preflight requests, then left alone.
  await new Promise((r) => setTimeout(r, IDLE_WAIT_MS));
  run.idleRss = Object.fromEntries(targets.filter((t) => t.gateway.length).map((t) => [t.id, gatewayRss(t.gateway)]));
  for (const target of targets) {
    log(`${target.label}: priming, ${PRIME_S} s non-stream + ${PRIME_S} s stream at c=16`);
    run.problems.push(...(await primeTarget(target, PRIME_S)));
  }
  log(`measuring ${targets.map((t) => t.label).join(', ')}: ${SCENARIOS.length} scenarios × ${options.warmupS} s warm-up + ${options.durationS} s`);

  // Scenario-major order: the targets of one row are measured back to back, so a slow drift of
  // the machine (thermal, neighbours) skews a row's comparison as little as possible.
  for (const scenario of SCENARIOS) {
    for (const target of targets) {
      const gone = [...target.gateway, target.simulator].filter((c) => !c.running);
      if (gone.length) {
        run.problems.push(`${target.label}, ${scenario.id}: not measured, ${gone.map((c) => `${c.name} exited (${c.exit.code ?? c.exit.signal})`).join(', ')}`);
        continue;
      }
      log(`${target.label}: ${scenario.id}`);
      const cell = await measureCell(target, scenario, options);
      run.cells.push(cell);
      run.problems.push(...cell.problems);
    }
  }

  run.idleCpu = await idleCpu(targets);
  run.meta.loadAvgEnd = loadAvg();
  await shutdown(run);
  const markdown = renderMarkdown(run);
  writeResults(join(ROOT, 'bench/results'), run, markdown);
  console.log(`\n${markdown}`);
  console.log('written to bench/results/latest.md and bench/results/latest.json');
  return run.problems.length ? 1 : 0;
}

/**
 * CPU each gateway process uses while nothing is asked of it, after all the cells (warm, queues
 * drained, every timer and poller running): percent of one core over IDLE_CPU_MS.
 */
async function idleCpu(targets) {
  const procs = targets.flatMap((t) => t.gateway.filter((c) => c.running).map((c) => ({ target: t.id, name: c.name, pid: c.pid })));
  await new Promise((r) => setTimeout(r, IDLE_WAIT_MS));
  const before = procs.map((p) => processCpuMs(p.pid));
  const start = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_CPU_MS));
  const wall = performance.now() - start;
  const out = {};
  procs.forEach((p, i) => {
    const now = processCpuMs(p.pid);
    (out[p.target] ??= {})[p.name] = now == null || before[i] == null ? null : ((now - before[i]) / wall) * 100;
  });
  return out;
}

/**
 * Standalone with tracing on (--traced): the standard variables only, every request sampled
 * (always_on), exported over OTLP/HTTP protobuf (the default protocol) to a receiver in this
 * process, with the SDK's default batching.
 */
async function tracedStandalone(paths) {
  const sink = await startOtlpSink();
  cleanups.push(() => {
    log(`OTLP receiver: ${sink.stats.exports} exports, ${(sink.stats.bytes / 1e6).toFixed(1)} MB`);
    return sink.close();
  });
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: 'always_on', OTEL_SERVICE_NAME: 'switchyard-bench' };
  return startStandalone(children, { ...paths, id: 'standalone-traced', env });
}

/** The cluster target, or null with the reason recorded; throws only when --cluster demanded it. */
async function clusterTarget(paths, run) {
  if (options.cluster === false) {
    run.skipped.push({ target: 'cluster', reason: '--no-cluster' });
    return null;
  }
  const infra = clusterInfra();
  const problem = await infraProblem(infra);
  if (problem) {
    if (options.cluster) throw new Error(`--cluster: ${problem}`);
    run.skipped.push({ target: 'cluster', reason: problem });
    log(`cluster skipped: ${problem}`);
    return null;
  }
  await refuseSharedRedis(infra);
  const db = await createFreshDatabase(infra.postgresUrl);
  cleanups.push(() => db.drop());
  await resetOwnRedis(infra);
  cleanups.push(() => resetOwnRedis(infra));
  log(`cluster: database ${db.name}, Redis ${redact(infra.redisUrl)}`);
  const before = children.all.length;
  try {
    const target = await startCluster(children, { ...paths, databaseUrl: db.url, redisUrl: infra.redisUrl });
    await preflight(target);
    return target;
  } catch (err) {
    // A cluster that will not start is a finding, not a reason to lose the standalone figures.
    if (options.cluster) throw err;
    await Promise.all(children.all.slice(before).map((c) => c.stop()));
    run.skipped.push({ target: 'cluster', reason: 'failed to start (see Problems)' });
    run.problems.push(`cluster failed to start: ${err?.message ?? err}`);
    log('cluster failed to start; measuring without it');
    return null;
  }
}

/** Stops every child (recording unclean exits into `run`), then drops and deletes what was made. */
async function shutdown(run) {
  if (finishing) return;
  finishing = true;
  await children.stopAll();
  for (const c of children.all) {
    if (run && c.exit && (c.exit.code !== 0 || !c.exit.expected) && c.exit.signal !== 'SIGTERM') {
      run.problems.push(`${c.name} ${c.exit.expected ? 'did not stop cleanly on SIGTERM' : 'exited on its own'}: code ${c.exit.code ?? c.exit.signal}`);
    }
    if (run && c.lateOutput.length) {
      run.problems.push(`${c.name} printed while under load (LOG_LEVEL=warn):\n${c.lateOutput.slice(0, 20).join('\n')}`);
    }
  }
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (err) {
      console.error(`bench: cleanup failed: ${err?.message ?? err}`);
    }
  }
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '8' },
      warmup: { type: 'string' },
      cluster: { type: 'boolean' },
      'no-cluster': { type: 'boolean' },
      traced: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const durationS = Number(values.duration);
  const warmupS = values.warmup === undefined ? Math.max(1, Math.round(durationS / 4)) : Number(values.warmup);
  if (!(durationS >= 1 && durationS <= 120) || !(warmupS >= 0 && warmupS <= 60)) {
    console.error(`bench: --duration must be 1–120 and --warmup 0–60 seconds\n${USAGE}`);
    process.exit(2);
  }
  if (values.cluster && values['no-cluster']) {
    console.error(`bench: --cluster and --no-cluster contradict each other\n${USAGE}`);
    process.exit(2);
  }
  return { durationS, warmupS, cluster: values['no-cluster'] ? false : values.cluster ? true : undefined, traced: values.traced ?? false };
}

function meta() {
  let commit = 'none yet';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // A tree without commits (or without git) still benchmarks.
  }
  return {
    date: new Date().toISOString(),
    node: process.versions.node,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown CPU',
    loadAvg: loadAvg(),
    commit,
    durationS: options.durationS,
    warmupS: options.warmupS,
  };
}

function loadAvg() {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

function log(message) {
  console.log(`[bench] ${message}`);
}
