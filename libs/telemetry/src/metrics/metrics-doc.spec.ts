import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS } from './metric-catalogue';

// docs/metrics.md lists every series of the catalogue in its table, with its type and labels,
// and nothing else: the table is what operators read, the catalogue what the code registers.
const DOC = readFileSync(join(__dirname, '../../../../docs/metrics.md'), 'utf8');

interface Row {
  type: string;
  labels: string[];
}

function tableRows(): Map<string, Row> {
  const rows = new Map<string, Row>();
  for (const line of DOC.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const name = /^`(switchyard_[a-z_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!name) continue;
    const labels = cells[3] === '—' ? [] : (cells[3] ?? '').split(',').map((l) => l.trim());
    rows.set(name, { type: cells[2] ?? '', labels });
  }
  return rows;
}

describe('docs/metrics.md', () => {
  const rows = tableRows();

  it('lists every catalogue series with its type and labels', () => {
    for (const spec of Object.values(METRICS)) {
      expect({ name: spec.name, ...rows.get(spec.name) }).toEqual({ name: spec.name, type: spec.type, labels: [...spec.labels] });
    }
  });

  it('lists no series the catalogue does not declare', () => {
    const declared = new Set<string>(Object.values(METRICS).map((m) => m.name));
    expect([...rows.keys()].filter((name) => !declared.has(name))).toEqual([]);
  });
});
