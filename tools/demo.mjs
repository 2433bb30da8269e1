// `npm run demo`: the provider simulator on :9000 and Switchyard standalone on :8080 with
// switchyard.example.yaml, so a newcomer gets answers with no internet, database or Redis.
import { spawn } from 'node:child_process';

const children = [];
function run(name, args, env = {}) {
  const child = spawn(process.execPath, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  child.on('exit', (code) => {
    console.log(`${name} exited (${code}); stopping`);
    stop(code ?? 1);
  });
  children.push(child);
}
function stop(code) {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 300).unref();
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
console.log(`
try it:
  curl -s http://127.0.0.1:${process.env.PORT ?? 8080}/v1/chat/completions -H 'authorization: Bearer sk-demo-switchyard-local-demo-key' \\
    -H 'content-type: application/json' -d '{"model":"demo-model","messages":[{"role":"user","content":"Hello"}]}'
`);
