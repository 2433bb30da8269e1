// `npm run demo`: the provider simulator on :9000 and Switchyard standalone on :8080 with
// switchyard.example.yaml, so a newcomer gets answers with no internet, database or Redis.
// Ctrl-C (or SIGTERM to this process) stops both: each is asked once and given time to drain.
import { readFileSync } from 'node:fs';
import { LocalStack, demoCurl } from './local-stack.mjs';

// Switchyard is launched as `npm start` and the image launch it (tools/standalone-launch.json).
const launch = JSON.parse(readFileSync(new URL('./standalone-launch.json', import.meta.url), 'utf8'));

const PORT = process.env.PORT ?? '8080';
const stack = new LocalStack('the demo');

// With the sample config the demo keeps its database apart (data/demo), so its public demo key and
// models never reach the database a later `npm start` with your own config opens (apply leaves
// keys and tenants the file does not name alone). With SWITCHYARD_CONFIG it is your config, and
// the data folder is the one `npm start` uses unless SWITCHYARD_DATA_DIR says otherwise.
const ownConfig = process.env.SWITCHYARD_CONFIG;
const dataDir = process.env.SWITCHYARD_DATA_DIR ?? (ownConfig ? undefined : 'data/demo');

stack.run('simulator', ['dist/tools/simulator.js', '--port', '9000'], process.env);
// The simulator is plain http on loopback: the outbound policy refuses both unless allowed.
stack.run('switchyard', [...launch.nodeFlags, 'dist/apps/standalone/main.js'], {
  ...launch.env,
  ...process.env,
  SWITCHYARD_CONFIG: ownConfig ?? 'switchyard.example.yaml',
  ...(dataDir ? { SWITCHYARD_DATA_DIR: dataDir } : {}),
  SWITCHYARD_OUTBOUND_ALLOW_HTTP: process.env.SWITCHYARD_OUTBOUND_ALLOW_HTTP ?? 'true',
  SWITCHYARD_OUTBOUND_ALLOW_PRIVATE: process.env.SWITCHYARD_OUTBOUND_ALLOW_PRIVATE ?? 'true',
});
// The console and admin API are on only with an admin token (README: export it, then run the demo).
const admin = process.env.SWITCHYARD_ADMIN_TOKEN
  ? `\nweb console: http://127.0.0.1:${PORT}/console/ (sign in with $SWITCHYARD_ADMIN_TOKEN)\n`
  : `\nno admin API or console: export SWITCHYARD_ADMIN_TOKEN=$(openssl rand -hex 24) and start again to get them\n`;
// The sample's curls use its key and models, which your own config does not have.
const tryIt = ownConfig ? `\nready on http://127.0.0.1:${PORT} with ${ownConfig} (the simulator on :9000)\n` : `\nready. try it:\n${demoCurl(PORT)}\n`;
await stack.announceWhenReady(PORT, `${tryIt}${admin}`);
