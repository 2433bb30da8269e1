// The chart README's values table, generated from the `## @param` comments of values.yaml by
// @bitnami/readme-generator-for-helm, which also fails when a key has no comment (or a comment
// names no key). `--check` writes nothing and exits 1 when the committed table differs.
// The generator prints `[]`/`{}` for every key annotated `[array]`/`[object]`, whatever its default:
// those cells get the real default from values.yaml (compact JSON), or "see values.yaml" when long.
// Usage: node tools/helm/values-readme.mjs [--check]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const chart = join(root, 'deploy/helm/switchyard');
const generator = createRequire(import.meta.url).resolve('@bitnami/readme-generator-for-helm/bin/index.js');

const MAX_DEFAULT = 80;

function generate(readme) {
  execFileSync(process.execPath, [generator, '--values', join(chart, 'values.yaml'), '--readme', readme], { stdio: ['ignore', 'ignore', 'pipe'] });
  writeFileSync(readme, withRealDefaults(readFileSync(readme, 'utf8')));
}

/** The value cell of each non-empty `[array]`/`[object]` key, every table's last column re-aligned. */
function withRealDefaults(text) {
  const source = readFileSync(join(chart, 'values.yaml'), 'utf8');
  const values = parse(source);
  const cells = new Map();
  for (const [, key] of source.matchAll(/^## @param (\S+) \[(?:array|object)\]/gm)) {
    const value = key.split('.').reduce((node, part) => node?.[part], values);
    const json = JSON.stringify(value ?? null);
    if (json === '[]' || json === '{}') continue;
    cells.set(key, json.length <= MAX_DEFAULT ? `\`${json}\`` : 'see `values.yaml`');
  }
  const lines = text.split('\n');
  for (let start = 0; start < lines.length; start++) {
    if (!lines[start].startsWith('| Name ')) continue;
    let end = start;
    while (end < lines.length && lines[end].startsWith('|')) end++;
    realign(lines, start, end, cells);
    start = end;
  }
  return lines.join('\n');
}

/** Rows start..end-1 of one table (header, separator, rows): last cells replaced from `cells`, padded alike. */
function realign(lines, start, end, cells) {
  const rows = [];
  for (let i = start; i < end; i++) {
    const line = lines[i].trimEnd();
    const bar = line.lastIndexOf('|', line.length - 2);
    const key = /^\| `([^`]+)`/.exec(line)?.[1];
    const cell = line.slice(bar + 1, -1).trim();
    rows.push({ i, head: line.slice(0, bar + 1), cell: key !== undefined && cells.has(key) ? cells.get(key) : cell });
  }
  const width = Math.max(...rows.filter((_, n) => n !== 1).map((r) => r.cell.length));
  for (const [n, r] of rows.entries()) lines[r.i] = `${r.head} ${n === 1 ? '-'.repeat(width) : r.cell.padEnd(width)} |`;
}

if (process.argv.includes('--check')) {
  const dir = mkdtempSync(join(tmpdir(), 'sy-readme-'));
  try {
    const copy = join(dir, 'README.md');
    copyFileSync(join(chart, 'README.md'), copy);
    generate(copy);
    if (!readFileSync(copy).equals(readFileSync(join(chart, 'README.md')))) {
      console.error('deploy/helm/switchyard/README.md: the values table is out of date; run node tools/helm/values-readme.mjs');
      process.exit(1);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  generate(join(chart, 'README.md'));
}
