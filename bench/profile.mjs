// `node bench/profile.mjs`: where a cluster request's CPU goes, process by process. Starts the
// bench's cluster (same config, fresh database, Redis db 9), sends ROUNDS rounds of N requests at
// C connections, and prints each process's CPU per request for each round (later rounds are the
// warm ones). With PROF_DIR set, every cluster process runs under --cpu-prof and writes its V8
// profile there on exit (open in Chrome DevTools). For finding a lever, not for figures: the
// client is Node's fetch, heavier than the bench's autocannon. Never run two at once (db 9).
//
//   N=4000 C=16 ROUNDS=3 STREAM=0 PROF_DIR=/tmp/prof NODE_FLAGS='--max-semi-space-size=32' node bench/profile.mjs
//
// PROMPT_CHARS=8000 sends a prompt of that many characters instead of "hello there" (costs that
// grow with the body, such as encoding the request at each hop, show at a realistic size).
// KEY=limited sends the bench's key with limits (LIMITED_KEY): every request then makes Admit
// and Settle calls to auth, which a key without limits skips (admitted at the ingress).
// TARGET=standalone profiles the standalone process instead (its launch flags, the bench's config,
// a fresh data directory; PGlite's worker thread counts in the process's CPU).
import { processCpuMs } from './lib/cpu.mjs';
import { startScratchCluster, startScratchStandalone } from './lib/scratch-cluster.mjs';
import { CHAT_PATH, CLIENT_KEY, LIMITED_KEY } from './lib/targets.mjs';

const n = Number(process.env.N ?? 4000);
const connections = Number(process.env.C ?? 16);
const rounds = Number(process.env.ROUNDS ?? 3);
const stream = process.env.STREAM === '1';
const profDir = process.env.PROF_DIR;
const promptChars = Number(process.env.PROMPT_CHARS ?? 0);
const key = process.env.KEY === 'limited' ? LIMITED_KEY : CLIENT_KEY;
const prompt = promptChars > 0 ? 'Tell me about the weather in Paris. '.repeat(Math.ceil(promptChars / 36)).slice(0, promptChars) : 'hello there';

// Extra Node flags for every cluster process, e.g. NODE_FLAGS='--max-semi-space-size=32'.
const nodeFlags = process.env.NODE_FLAGS?.split(' ').filter(Boolean) ?? [];

const nodeArgs = (name) => [...nodeFlags, ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${name}.cpuprofile`] : [])];
const scratch = process.env.TARGET === 'standalone' ? await startScratchStandalone({ nodeArgs }) : await startScratchCluster({ nodeArgs });
try {
  const { cluster } = scratch;
  const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: prompt }], stream });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  for (let round = 1; round <= rounds; round++) {
    const times = [];
    let sent = 0;
    const before = cluster.gateway.map((c) => processCpuMs(c.pid));
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (sent++ < n) {
          const t = performance.now();
          const res = await fetch(`${cluster.origin}${CHAT_PATH}`, { method: 'POST', headers, body });
          await res.text();
          if (!res.ok) throw new Error(`answered ${res.status}`);
          times.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    times.sort((a, b) => a - b);
    const perProcess = cluster.gateway.map((c, i) => `${c.name.replace('cluster-', '')} ${((processCpuMs(c.pid) - before[i]) / times.length).toFixed(2)}`);
    console.log(`round ${round}: ${times.length} requests, c=${connections}, ${(times.length / seconds).toFixed(0)} rps, p50 ${times[times.length >> 1].toFixed(2)} ms`);
    console.log(`  CPU ms per request: ${perProcess.join(', ')}`);
  }
} finally {
  await scratch.close();
}

