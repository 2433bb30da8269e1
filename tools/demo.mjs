// `npm run demo`: the provider simulator on :9000 and Switchyard standalone on :8080 with
// switchyard.example.yaml, so a newcomer gets answers with no internet, database or Redis.
// Ctrl-C (or SIGTERM to this process) stops both: each is asked once and given time to drain.
import { spawn } from 'node:child_process';

const PORT = process.env.PORT ?? '8080';
const DRAIN_MS = 10_000;
const children = [];
let stopping = false;

function run(name, args, env = {}) {
  const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  child.on('exit', (code, signal) => {
    if (!stopping) console.log(`${name} exited (${code ?? signal}); stopping`);
    stop(code ?? 1);
  });
  children.push(child);
}

// One SIGTERM per child, however many signals arrive: a second one would cut a drain short.
function stop(code) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), DRAIN_MS).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

run('simulator', ['dist/tools/simulator.js', '--port', '9000']);
// The simulator is plain http on loopback: the outbound policy refuses both unless allowed.
run('switchyard', ['dist/apps/standalone/main.js'], {
  SWITCHYARD_CONFIG: process.env.SWITCHYARD_CONFIG ?? 'switchyard.example.yaml',
  SWITCHYARD_OUTBOUND_ALLOW_HTTP: process.env.SWITCHYARD_OUTBOUND_ALLOW_HTTP ?? 'true',
  SWITCHYARD_OUTBOUND_ALLOW_PRIVATE: process.env.SWITCHYARD_OUTBOUND_ALLOW_PRIVATE ?? 'true',
});

// The hint once Switchyard answers, not before (a copied curl would meet a refused connection).
for (let i = 0; i < 600 && !stopping; i++) {
  const ready = await fetch(`http://127.0.0.1:${PORT}/readyz`).then((r) => r.ok, () => false);
  if (ready) {
    console.log(`
ready. try it:
  curl -s http://127.0.0.1:${PORT}/v1/chat/completions -H 'authorization: Bearer sk-demo-switchyard-local-demo-key' \\
    -H 'content-type: application/json' -d '{"model":"demo-model","messages":[{"role":"user","content":"Hello"}]}'
`);
    break;
  }
  await new Promise((r) => setTimeout(r, 100));
}
