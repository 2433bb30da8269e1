// The chart README's values table, generated from the `## @param` comments of values.yaml by
// @bitnami/readme-generator-for-helm, which also fails when a key has no comment (or a comment
// names no key). `--check` writes nothing and exits 1 when the committed table differs.
// Usage: node tools/helm/values-readme.mjs [--check]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const chart = join(root, 'deploy/helm/switchyard');
const generator = createRequire(import.meta.url).resolve('@bitnami/readme-generator-for-helm/bin/index.js');

function generate(readme) {
  execFileSync(process.execPath, [generator, '--values', join(chart, 'values.yaml'), '--readme', readme], { stdio: ['ignore', 'ignore', 'pipe'] });
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
