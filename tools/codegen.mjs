// Generates the TypeScript contracts in libs/ir/src/generated from proto/ with buf and the
// local ts-proto plugin (offline, reproducible). With --check, generates into a scratch folder
// and fails if the committed files differ, so stale generated code cannot land.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const committed = join(root, 'libs/ir/src/generated');
const check = process.argv.includes('--check');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

function generate(out) {
  const template = readFileSync(join(root, 'buf.gen.yaml'), 'utf8').replace('out: libs/ir/src/generated', `out: ${out}`);
  const tmpl = join(mkdtempSync(join(tmpdir(), 'sy-buf-')), 'buf.gen.yaml');
  writeFileSync(tmpl, template);
  execFileSync(join(root, 'node_modules/.bin/buf'), ['generate', '--template', tmpl], { cwd: root, stdio: 'inherit' });
}

if (!check) {
  rmSync(committed, { recursive: true, force: true });
  generate(committed);
  console.log('generated', files(committed).length, 'files in', relative(root, committed));
} else {
  const scratch = mkdtempSync(join(tmpdir(), 'sy-gen-'));
  generate(scratch);
  const want = new Map(files(scratch).map((f) => [relative(scratch, f), readFileSync(f, 'utf8')]));
  const have = new Map(files(committed).map((f) => [relative(committed, f), readFileSync(f, 'utf8')]));
  const stale = [...new Set([...want.keys(), ...have.keys()])].filter((k) => want.get(k) !== have.get(k));
  rmSync(scratch, { recursive: true, force: true });
  if (stale.length) {
    console.error(`generated code is stale (run npm run codegen): ${stale.join(', ')}`);
    process.exit(1);
  }
  console.log('generated code is up to date');
}
