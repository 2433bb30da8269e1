// `node bench/profile-summary.mjs <file.cpuprofile> [options]`: where a V8 CPU profile's busy time
// went, as text (the profiles bench/profile.mjs writes with PROF_DIR; no browser needed). Idle
// samples are left out, so shares are of the process's busy time.
//
//   --by pkg|fn|total     self time by package (node_modules package, node: module, our bundle),
//                         by function, or inclusive time by function (default pkg)
//   --from 0.5            only samples after this fraction of the profile's span: leaves out start-up
//                         and the first rounds' JIT warm-up (default 0)
//   --to 0.95            only samples before this fraction (leaves out the shutdown; default 1)
//   --under NAME          only samples with a function named NAME on their stack
//   --callers NAME        the stacks (innermost first, --depth frames) that reach NAME, by time
//   --top 30              rows to print
//
//   node bench/profile-summary.mjs /tmp/prof/cluster-router.cpuprofile --from 0.5 --by total --top 60
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    by: { type: 'string', default: 'pkg' },
    from: { type: 'string', default: '0' },
    to: { type: 'string', default: '1' },
    under: { type: 'string' },
    callers: { type: 'string' },
    depth: { type: 'string', default: '6' },
    top: { type: 'string', default: '30' },
  },
});
const [file] = positionals;
if (!file) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [--by pkg|fn|total] [--from 0.5] [--to 0.95] [--under NAME] [--callers NAME] [--top 30]');
  process.exit(2);
}

const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map();
for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);

// Microseconds per sampled node, within the window.
const start = profile.startTime + (profile.endTime - profile.startTime) * Number(values.from);
const end = profile.startTime + (profile.endTime - profile.startTime) * Number(values.to);
const timeOf = new Map();
let clock = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  clock += dt;
  if (clock >= start && clock <= end) timeOf.set(profile.samples[i], (timeOf.get(profile.samples[i]) ?? 0) + dt);
}

const stackOf = (id) => {
  const stack = [];
  for (let at = id; at !== undefined; at = parentOf.get(at)) stack.push(nodes.get(at));
  return stack;
};
// node_modules/<pkg>/… → <pkg>/…; file:///…/dist/apps/x/main.js → dist/apps/x/main.js.
const where = (n) => n.callFrame.url.replace(/.*node_modules\//, '').replace(/^file:\/\/.*?\/(dist|apps|libs|bench)\//, '$1/');
const fnKey = (n) => `${n.callFrame.functionName || '(anonymous)'} ${where(n)}:${n.callFrame.lineNumber + 1}`;
const pkgKey = (n) => {
  const url = n.callFrame.url;
  if (!url) return n.callFrame.functionName; // (program), (garbage collector), native writev, …
  const pkg = url.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return url.replace(/^node:internal\//, 'node:').split('/').slice(0, 2).join('/');
  return where(n);
};

const rows = new Map();
const add = (key, us) => rows.set(key, (rows.get(key) ?? 0) + us);
let busy = 0;
for (const [id, us] of timeOf) {
  const node = nodes.get(id);
  if (node.callFrame.functionName === '(idle)') continue;
  const stack = values.under || values.callers || values.by === 'total' ? stackOf(id) : [node];
  if (values.under && !stack.some((n) => n.callFrame.functionName === values.under)) continue;
  busy += us;
  if (values.callers) {
    const at = stack.findIndex((n) => n.callFrame.functionName === values.callers);
    if (at >= 0) add(stack.slice(at, at + Number(values.depth)).map(fnKey).join('\n      <- '), us);
  } else if (values.by === 'total') {
    for (const key of new Set(stack.map(fnKey))) add(key, us);
  } else {
    add(values.by === 'fn' ? fnKey(node) : pkgKey(node), us);
  }
}

console.log(`${file}: ${(busy / 1e6).toFixed(2)} s busy${values.under ? ` under ${values.under}` : ''} from ${(Number(values.from) * 100).toFixed(0)} % of the profile on`);
for (const [key, us] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  console.log(`${((100 * us) / busy).toFixed(1).padStart(5)}% ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
}
