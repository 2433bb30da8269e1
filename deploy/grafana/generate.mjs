// Writes deploy/grafana/dashboards/*.json from the typed dashboards in src/ (`npm run dashboards`);
// with --check, fails if a committed file differs (the spec in src/ checks the same under Jest).
// The TypeScript is bundled in memory with esbuild (workspace path aliases resolved from
// tsconfig.base.json) and run once; nothing is written but the dashboards.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const out = join(here, 'dashboards');
const check = process.argv.includes('--check');

const bundled = await build({
  absWorkingDir: root,
  entryPoints: [join(here, 'src/dashboards.ts')],
  bundle: true,
  write: false,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  tsconfig: 'tsconfig.base.json',
  logLevel: 'warning',
});
const module = { exports: {} };
new Function('module', 'exports', 'require', bundled.outputFiles[0].text)(module, module.exports, createRequire(join(here, 'generate.mjs')));
const files = module.exports.renderDashboards();

const stale = [];
mkdirSync(out, { recursive: true });
for (const { file, json } of files) {
  const path = join(out, file);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (current === json) continue;
  if (check) stale.push(file);
  else writeFileSync(path, json);
}
const known = new Set(files.map((f) => f.file));
const extra = readdirSync(out).filter((f) => f.endsWith('.json') && !known.has(f));
if (check && (stale.length || extra.length)) {
  console.error(`deploy/grafana/dashboards is out of date (${[...stale, ...extra.map((f) => `${f} (no longer generated)`)].join(', ')}): run npm run dashboards`);
  process.exit(1);
}
console.log(check ? `${files.length} dashboards up to date` : `wrote ${files.length} dashboards to deploy/grafana/dashboards${extra.length ? `; remove ${extra.join(', ')}` : ''}`);
