// Turns a run's cells into the Markdown tables people read and the JSON machines compare.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// standalone-traced: the same standalone with every request traced (`--traced`).
const GATEWAYS = ['standalone', 'standalone-traced', 'cluster'];
// Above this share of all cores used by processes that are not ours, a run is not trustworthy.
export const BUSY_SHARE = 0.15;

/** Rows of the main table: each names the cell it reads and which latency of it. */
export const ROWS = [
  { scenario: 'json-c1', label: 'non-stream c=1', metric: 'latencyMs' },
  { scenario: 'json-c16', label: 'non-stream c=16', metric: 'latencyMs' },
  { scenario: 'json-c64', label: 'non-stream c=64', metric: 'latencyMs' },
  { scenario: 'stream-c1', label: 'stream TTFT c=1', metric: 'ttftMs' },
  { scenario: 'stream-c16', label: 'stream TTFT c=16', metric: 'ttftMs' },
  { scenario: 'stream-c16', label: 'stream total c=16', metric: 'latencyMs' },
  { scenario: 'xlate-json-c1', label: 'OpenAI→Anthropic non-stream c=1', metric: 'latencyMs' },
  { scenario: 'xlate-json-c16', label: 'OpenAI→Anthropic non-stream c=16', metric: 'latencyMs' },
  { scenario: 'xlate-stream-c1', label: 'OpenAI→Anthropic stream TTFT c=1', metric: 'ttftMs' },
  { scenario: 'three-json-c1', label: '3 deployments non-stream c=1', metric: 'latencyMs' },
  { scenario: 'three-json-c16', label: '3 deployments non-stream c=16', metric: 'latencyMs' },
  { scenario: 'limited-json-c1', label: 'limited key non-stream c=1', metric: 'latencyMs' },
  { scenario: 'limited-json-c16', label: 'limited key non-stream c=16', metric: 'latencyMs' },
  { scenario: 'limited-stream-c1', label: 'limited key stream TTFT c=1', metric: 'ttftMs' },
];

export function renderMarkdown(run) {
  const targets = run.targets.map((t) => t.id);
  const cell = (target, scenario) => run.cells.find((c) => c.target === target && c.scenario === scenario);
  const out = [];
  out.push(`# Switchyard benchmark — ${run.meta.date}`, '');
  out.push(
    `${run.meta.cpus} × ${run.meta.cpuModel}, Node ${run.meta.node}, commit ${run.meta.commit}; ` +
      `${run.meta.durationS} s per cell after a ${run.meta.warmupS} s warm-up; load average ${run.meta.loadAvg} at start, ${run.meta.loadAvgEnd ?? '?'} at end. ` +
      'Client, simulator and gateway share these cores (see bench/README.md).',
    '',
  );
  // Postgres and Redis are part of the cluster's workload, so only the other cells tell whether
  // a neighbour was eating the machine.
  const shares = run.cells.filter((c) => c.target !== 'cluster' && c.cpu.otherShare != null).map((c) => c.cpu.otherShare);
  if (shares.length) {
    const worst = Math.max(...shares);
    const busy = worst > BUSY_SHARE ? ` ⚠ Cells marked † had more than ${BUSY_SHARE * 100} %: their figures are disturbed; rerun on a quiet machine.` : '';
    out.push(`Other processes used up to ${(worst * 100).toFixed(0)} % of the machine during the direct and standalone cells.${busy}`, '');
  }
  if (run.skipped.length) out.push(...run.skipped.map((s) => `- ${s.target} not measured: ${s.reason}`), '');

  const head = ['scenario', 'direct rps', 'p50', 'p99'];
  for (const g of GATEWAYS.filter((t) => targets.includes(t))) head.push(`${g} rps`, 'p50', 'p99', '+p50', 'ratio');
  out.push('Latencies in ms. **+p50** = gateway p50 − direct p50; **ratio** = direct rps ÷ gateway rps.', '');
  out.push(row(head), row(head.map((_, i) => (i === 0 ? '---' : '---:'))));
  for (const r of ROWS) {
    const direct = cell('direct', r.scenario);
    const line = [r.label, ...measures(direct, r.metric)];
    for (const g of GATEWAYS.filter((t) => targets.includes(t))) {
      const c = cell(g, r.scenario);
      line.push(...measures(c, r.metric));
      const dp = direct?.[r.metric]?.p50;
      const gp = c?.[r.metric]?.p50;
      line.push(dp != null && gp != null ? signed(gp - dp) : '–');
      line.push(direct?.rps && c?.rps ? `${(direct.rps / c.rps).toFixed(2)}×` : '–');
    }
    out.push(row(line));
  }

  out.push('', 'CPU ms per 1000 requests (user + system, from /proc; includes the settle time after each pass, so deferred work such as usage writes counts).', '');
  const cpuHead = ['scenario', 'direct: simulator'];
  for (const g of GATEWAYS.filter((t) => targets.includes(t))) cpuHead.push(`${g}: gateway`, `${g}: simulator`);
  cpuHead.push('client (per target)');
  out.push(row(cpuHead), row(cpuHead.map((_, i) => (i === 0 ? '---' : '---:'))));
  for (const scenario of [...new Set(ROWS.map((r) => r.scenario))]) {
    const line = [labelOf(scenario), fmt(cell('direct', scenario)?.cpuPerK?.simulator, 0)];
    for (const g of GATEWAYS.filter((t) => targets.includes(t))) {
      const c = cell(g, scenario);
      line.push(fmt(c?.cpuPerK?.gateway, 0), fmt(c?.cpuPerK?.simulator, 0));
    }
    line.push(targets.map((t) => fmt(cell(t, scenario)?.cpuPerK?.client, 0)).join(' / '));
    out.push(row(line));
  }

  const gateways = GATEWAYS.filter((t) => targets.includes(t));
  if (gateways.length) {
    out.push('', 'Resident memory (RSS, MB) of the gateway process(es): idle before any load, then at the end of each measured pass.', '');
    const memHead = ['when', ...gateways];
    out.push(row(memHead), row(memHead.map((_, i) => (i === 0 ? '---' : '---:'))));
    out.push(row(['idle, before load', ...gateways.map((g) => fmt(run.idleRss?.[g]?.totalMb, 0))]));
    for (const scenario of scenariosInOrder(run)) {
      out.push(row([`end of ${labelOf(scenario)}`, ...gateways.map((g) => fmt(cell(g, scenario)?.rssMb?.totalMb, 0))]));
    }
  }

  if (targets.includes('cluster')) {
    const services = Object.keys(run.cells.find((c) => c.target === 'cluster')?.cpu?.gatewayByProcess ?? {});
    if (services.length) {
      out.push('', 'Cluster CPU ms per 1000 requests, by service.', '');
      const h = ['scenario', ...services.map((s) => s.replace(/^cluster-/, ''))];
      out.push(row(h), row(h.map((_, i) => (i === 0 ? '---' : '---:'))));
      for (const scenario of [...new Set(ROWS.map((r) => r.scenario))]) {
        const c = cell('cluster', scenario);
        const perK = (ms) => (ms == null || !c?.requests ? null : (ms / c.requests) * 1000);
        out.push(row([labelOf(scenario), ...services.map((s) => fmt(perK(c?.cpu?.gatewayByProcess?.[s]), 0))]));
      }
    }
  }

  const idle = Object.entries(run.idleCpu ?? {});
  if (idle.length) {
    out.push('', 'Idle CPU, % of one core, by process (sampled 20 s after the last cell, nothing sent).', '');
    out.push(row(['process', 'idle CPU %']), row(['---', '---:']));
    for (const [, byProcess] of idle) for (const [name, pct] of Object.entries(byProcess)) out.push(row([name, fmt(pct, 2)]));
  }

  out.push('', '## Problems', '');
  out.push(...(run.problems.length ? run.problems.map((p) => `- ${p.replace(/\n/g, '\n  ')}`) : ['None: every request answered 2xx, every stream carried content and ended with [DONE].']));
  return `${out.join('\n')}\n`;
}

export function writeResults(dir, run, markdown) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.md'), markdown);
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(run, null, 2)}\n`);
}

// Scenarios in the order they were measured: memory only grows or holds, so order matters.
function scenariosInOrder(run) {
  return [...new Set(run.cells.map((c) => c.scenario))];
}

// The CPU tables have one row per cell, not per metric: "stream TTFT c=16" becomes "stream c=16".
function labelOf(scenario) {
  return ROWS.find((r) => r.scenario === scenario).label.replace(/ (TTFT|total)/, '');
}

function measures(c, metric) {
  if (!c) return ['–', '–', '–'];
  const warn = (c.failed ? ' ⚠' : '') + (c.target !== 'cluster' && c.cpu.otherShare > BUSY_SHARE ? ' †' : '');
  return [`${fmt(c.rps, c.rps < 100 ? 1 : 0)}${warn}`, fmt(c[metric]?.p50, 2), fmt(c[metric]?.p99, 2)];
}

function fmt(v, digits) {
  return v == null || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

function signed(v) {
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}`;
}

function row(cells) {
  return `| ${cells.join(' | ')} |`;
}
