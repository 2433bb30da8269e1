// Helm reads only files inside the chart, so the alert rules and the Grafana dashboards, kept
// beside the other deployment artefacts (deploy/prometheus, deploy/grafana/dashboards), are copied
// into deploy/helm/switchyard/files/. A source that does not exist (yet) is skipped, and a copy
// whose source is gone is removed. `--check` changes nothing and exits 1 when a copy differs.
// Usage: node tools/helm/sync-chart-files.mjs [--check]
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const chartFiles = join(root, 'deploy/helm/switchyard/files');

/** Source file → its copy in the chart, for every source present now and every copy held now. */
function pairs() {
  const out = new Map();
  const rules = 'deploy/prometheus/switchyard.rules.yaml';
  out.set(join(chartFiles, 'prometheus/switchyard.rules.yaml'), join(root, rules));
  for (const dir of [join(root, 'deploy/grafana/dashboards'), join(chartFiles, 'grafana/dashboards')]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      out.set(join(chartFiles, 'grafana/dashboards', f), join(root, 'deploy/grafana/dashboards', f));
    }
  }
  return out;
}

/** What differs between the sources and the chart's copies (paths relative to the repository). */
export function staleChartFiles() {
  const stale = [];
  for (const [copy, source] of pairs()) {
    const has = existsSync(source);
    if (!has && !existsSync(copy)) continue;
    if (!has || !existsSync(copy) || !readFileSync(source).equals(readFileSync(copy))) stale.push(copy.slice(root.length + 1));
  }
  return stale;
}

export function syncChartFiles() {
  for (const [copy, source] of pairs()) {
    if (existsSync(source)) {
      mkdirSync(dirname(copy), { recursive: true });
      copyFileSync(source, copy);
    } else {
      rmSync(copy, { force: true });
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const stale = staleChartFiles();
    if (stale.length) {
      console.error(`chart copies out of date (run node tools/helm/sync-chart-files.mjs): ${stale.join(', ')}`);
      process.exit(1);
    }
  } else {
    syncChartFiles();
  }
}
