// One cell of the table: one target under one scenario. Warm up, then measure with the CPU of
// every process involved read around the pass, then wait for the processes to go quiet so the
// next cell does not pay for this one's leftovers (usage writes drain after the responses).
import { cpuSnapshot, processCpuMs } from './cpu.mjs';
import { gatewayRss } from './memory.mjs';
import { runHttpPass } from './http-load.mjs';
import { runStreamPass } from './stream-load.mjs';

export const SCENARIOS = [
  { id: 'json-c1', stream: false, connections: 1, upstream: 'openai' },
  { id: 'json-c16', stream: false, connections: 16, upstream: 'openai' },
  { id: 'json-c64', stream: false, connections: 64, upstream: 'openai' },
  // c=1 isolates the time-to-first-token the gateway adds; c=16 shows it under load.
  { id: 'stream-c1', stream: true, connections: 1, upstream: 'openai' },
  { id: 'stream-c16', stream: true, connections: 16, upstream: 'openai' },
  // Translation: an OpenAI client reaching an Anthropic upstream, against calling the
  // simulator's Anthropic endpoint directly.
  { id: 'xlate-json-c1', stream: false, connections: 1, upstream: 'anthropic' },
  { id: 'xlate-json-c16', stream: false, connections: 16, upstream: 'anthropic' },
  { id: 'xlate-stream-c1', stream: true, connections: 1, upstream: 'anthropic' },
  // Routing: a model with three deployments (least-inflight) against the one-deployment rows.
  { id: 'three-json-c1', stream: false, connections: 1, upstream: 'openai-3' },
  { id: 'three-json-c16', stream: false, connections: 16, upstream: 'openai-3' },
  // Admission with limits: a key whose rpm, tpm, concurrency and budget (and its tenant's) are
  // counted on every request (in memory standalone, one Redis script per admit and settle in
  // the cluster), against the unlimited key of the first rows.
  { id: 'limited-json-c1', stream: false, connections: 1, upstream: 'openai-limited' },
  { id: 'limited-json-c16', stream: false, connections: 16, upstream: 'openai-limited' },
  { id: 'limited-stream-c1', stream: true, connections: 1, upstream: 'openai-limited' },
];

// "Quiet" = the target's processes together use under 10 % of one core over a 300 ms window.
const SETTLE_WINDOW_MS = 300;
const SETTLE_MAX_CPU_MS = 30;
const SETTLE_TIMEOUT_MS = 15_000;

/**
 * Before its first cell a target is primed: JSON and streaming requests at c=16 for `seconds`
 * each, then a settle. The per-cell warm-up is too short for a cluster of five processes to
 * reach steady state: their JIT needs thousands of requests (measured in one cluster, rounds
 * of 4,000 requests at c=16: 4.5, 2.4 and 2.2 ms of CPU per request). A gateway in service runs
 * warm, so that is what the cells measure. Failures here are reported like a warm-up's.
 */
export async function primeTarget(target, seconds) {
  const failures = [];
  const r = target.requests.openai;
  const json = await runHttpPass({ url: `${target.origin}${r.path}`, headers: r.headers, body: r.json, wire: r.wire, connections: 16, seconds });
  describeFailures('priming (non-stream)', json.failures, failures);
  const stream = await runStreamPass({ origin: target.origin, path: r.path, headers: r.headers, body: r.stream, wire: r.wire, connections: 16, seconds });
  describeFailures('priming (stream)', stream.failures, failures);
  await settle(target);
  return failures.map((f) => `${target.label}: ${f}`);
}

export async function measureCell(target, scenario, { durationS, warmupS }) {
  const failures = [];
  const r = target.requests[scenario.upstream];
  const pass = (seconds) =>
    scenario.stream
      ? runStreamPass({ origin: target.origin, path: r.path, headers: r.headers, body: r.stream, wire: r.wire, connections: scenario.connections, seconds })
      : runHttpPass({ url: `${target.origin}${r.path}`, headers: r.headers, body: r.json, wire: r.wire, connections: scenario.connections, seconds });

  if (warmupS > 0) {
    const warmup = await pass(warmupS);
    describeFailures('warm-up', warmup.failures, failures);
    await settle(target);
  }
  const procs = { gateway: target.gateway, simulator: [target.simulator] };
  const cpu = cpuSnapshot(Object.fromEntries(Object.entries(procs).map(([g, list]) => [g, list.map((c) => ({ name: c.name, pid: c.pid }))])));
  const result = await pass(durationS);
  // At the end of the measured pass, before the settle wait: what the load left resident.
  const rss = gatewayRss(target.gateway);
  const settled = await settle(target);
  const used = cpu.since();

  const perK = (ms) => (ms == null || result.requests === 0 ? null : (ms / result.requests) * 1000);
  describeFailures('measured pass', result.failures, failures);
  for (const c of [...target.gateway, target.simulator]) {
    if (!c.running) failures.push(`${c.name} exited (${c.exit.code ?? c.exit.signal}) during the cell:\n${c.output().split('\n').slice(-15).join('\n')}`);
  }
  if (!settled) failures.push(`processes still busy ${SETTLE_TIMEOUT_MS / 1000} s after the pass; the next cell may be disturbed`);
  return {
    target: target.id,
    scenario: scenario.id,
    connections: scenario.connections,
    requests: result.requests,
    seconds: result.seconds,
    rps: result.rps,
    latencyMs: result.latencyMs,
    ttftMs: result.ttftMs ?? null,
    failures: result.failures,
    failed: failures.length > 0,
    problems: failures.map((f) => `${target.label}, ${scenario.id}: ${f}`),
    cpu: {
      wallMs: used.wallMs,
      otherMs: used.otherMs,
      otherShare: used.otherShare,
      clientMs: used.clientMs,
      gatewayMs: target.gateway.length ? used.groups.gateway.totalMs : null,
      gatewayByProcess: used.groups.gateway.byProcess,
      simulatorMs: used.groups.simulator.totalMs,
    },
    rssMb: target.gateway.length ? rss : null,
    cpuPerK: {
      client: perK(used.clientMs),
      gateway: target.gateway.length ? perK(used.groups.gateway.totalMs) : null,
      simulator: perK(used.groups.simulator.totalMs),
    },
  };
}

function describeFailures(pass, f, out) {
  const bad = Object.entries(f).filter(([, v]) => typeof v === 'number' && v > 0);
  if (bad.length === 0) return;
  const codes = Object.keys(f.statusCodes ?? {}).length ? ` status codes ${JSON.stringify(f.statusCodes)}` : '';
  const examples = f.examples?.length ? `; e.g. ${f.examples.join(' | ')}` : '';
  out.push(`${pass}: ${bad.map(([k, v]) => `${v} ${k}`).join(', ')}${codes}${examples}`);
}

/** Waits until the target's processes and the simulator are idle; false if they never are. */
async function settle(target) {
  const pids = [...target.gateway, target.simulator].filter((c) => c.running).map((c) => c.pid);
  const total = () => pids.reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0);
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let before = total();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, SETTLE_WINDOW_MS));
    const now = total();
    if (now - before < SETTLE_MAX_CPU_MS) return true;
    before = now;
  }
  return false;
}
