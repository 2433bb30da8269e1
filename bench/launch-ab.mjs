// `node bench/launch-ab.mjs`: two standalone processes launched two ways (node flags, env), side
// by side on one simulator, loaded in alternation (R rounds of D seconds at C connections, after
// priming), so both see the same machine: CPU ms per request of each, requests/s, p99, and RSS
// idle and after a c=64 pass. How tools/standalone-launch.json was chosen (docs/architecture.md §7).
//
//   VA='{"flags":[],"env":{}}' VB='{"flags":["--max-semi-space-size=4"],"env":{"MALLOC_ARENA_MAX":"2"}}' R=6 node bench/launch-ab.mjs
// A variant may name another build's entry point ("main": "/path/to/dist/apps/standalone/main.js"): two
// trees compared on one machine at one time.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Children } from './lib/children.mjs';
import { processCpuMs } from './lib/cpu.mjs';
import { startSimulator, startStandalone, writeGatewayConfig, CLIENT_KEY, CHAT_PATH } from './lib/targets.mjs';
const children = new Children();
const tmp = mkdtempSync(join(tmpdir(), 'ab-'));
const sim = await startSimulator(children);
const cfg = writeGatewayConfig(tmp, sim.port);
const variants = { A: JSON.parse(process.env.VA ?? '{"flags":[],"env":{}}'), B: JSON.parse(process.env.VB) };
const t = {};
for (const [id, v] of Object.entries(variants)) {
  const target = await startStandalone(children, { configPath: cfg, dataDir: join(tmp, id), simulator: sim.simulator, id, launch: v });
  t[id] = { origin: target.origin, pid: target.gateway[0].pid, cpu: [], rps: [], p99: [] };
}
const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
for (const id of Object.keys(t)) console.log(id, 'idle RSS', rss(t[id].pid).toFixed(0));
const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'hello there' }] });
const C = Number(process.env.C ?? 16), D = Number(process.env.D ?? 6), R = Number(process.env.R ?? 5);
const load = (id, c, d) => autocannon({ url: `${t[id].origin}${CHAT_PATH}`, method: 'POST', connections: c, duration: d, headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' }, body });
for (const id of Object.keys(t)) await load(id, 16, 8); // prime
for (let r = 0; r < R; r++) {
  for (const id of r % 2 ? ['B', 'A'] : ['A', 'B']) {
    const before = processCpuMs(t[id].pid);
    const res = await load(id, C, D);
    await new Promise((s) => setTimeout(s, 1000));
    const cpu = processCpuMs(t[id].pid) - before;
    t[id].cpu.push(cpu / res.requests.total); t[id].rps.push(res.requests.average); t[id].p99.push(res.latency.p99);
  }
}
await load('A', 64, 5); await load('B', 64, 5);
for (const id of Object.keys(t)) console.log(id, 'CPU ms/req', t[id].cpu.map((x) => x.toFixed(3)).join(' '), 'rps', t[id].rps.map((x) => Math.round(x)).join(' '), 'p99', t[id].p99.join(' '), 'RSS after c=64', rss(t[id].pid).toFixed(0));
await children.stopAll();
