// `node bench/idle.mjs`: the CPU each cluster process uses while nothing is asked of it (its
// timers, feed polls, health rounds, queue blocking), as a percent of one core. Starts the
// bench's cluster (fresh database, Redis db 9), answers one request so every path has run once,
// waits SETTLE_S, then reads /proc over IDLE_S seconds. Never run two at once (db 9).
//
// With PROF_DIR set, every cluster process runs under --cpu-prof and writes its profile there on
// exit (read it with bench/profile-summary.mjs --from <fraction of the run before the idle part>).
//
//   IDLE_S=60 SETTLE_S=10 PROF_DIR=/tmp/prof-idle node bench/idle.mjs
import { processCpuMs } from './lib/cpu.mjs';
import { startScratchCluster } from './lib/scratch-cluster.mjs';
import { CHAT_PATH, CLIENT_KEY } from './lib/targets.mjs';

const idleS = Number(process.env.IDLE_S ?? 60);
const settleS = Number(process.env.SETTLE_S ?? 10);

const profDir = process.env.PROF_DIR;

const scratch = await startScratchCluster({
  nodeArgs: (name) => (profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${name}.cpuprofile`] : []),
});
try {
  const { cluster } = scratch;
  const res = await fetch(`${cluster.origin}${CHAT_PATH}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'hello there' }] }),
  });
  await res.text();
  if (!res.ok) throw new Error(`answered ${res.status}`);
  await new Promise((r) => setTimeout(r, settleS * 1000));
  const before = cluster.gateway.map((c) => processCpuMs(c.pid));
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, idleS * 1000));
  const wall = performance.now() - t0;
  console.log(`idle ${idleS} s after ${settleS} s of quiet, % of one core:`);
  cluster.gateway.forEach((c, i) => console.log(`  ${c.name.replace('cluster-', '')}: ${(((processCpuMs(c.pid) - before[i]) / wall) * 100).toFixed(2)} %`));
} finally {
  await scratch.close();
}
