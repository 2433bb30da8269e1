import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DASHBOARDS, keyQueries, renderDashboards } from './dashboards';
import { unknownSeries } from './known-series';
import { resolveVariables } from './promql';

// The committed dashboards (what operators import) are the generator's output, and every
// query in them reads only series Switchyard declares, in PromQL that Prometheus parses.
const DIR = join(__dirname, '../dashboards');

interface Target { expr?: string; query?: string; datasource?: { type?: string; uid?: string } }
interface PanelJson { type: string; title: string; targets?: Target[]; panels?: PanelJson[]; datasource?: { uid?: string } }
interface DashboardJson { uid: string; title: string; panels: PanelJson[]; templating: { list: { name: string; type: string; query?: unknown }[] } }

const committed = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const dashboards = committed.map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as DashboardJson);
const panelsOf = (d: DashboardJson): PanelJson[] => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const promTargets = (d: DashboardJson) => panelsOf(d).flatMap((p) => (p.targets ?? []).filter((t) => t.datasource?.type === 'prometheus').map((t) => ({ panel: p.title, expr: t.expr ?? '' })));
const variableQueries = (d: DashboardJson) => d.templating.list.filter((v) => v.type === 'query').map((v) => String(v.query).replace(/^label_values\((.*),\s*\w+\)$/, '$1'));

describe('deploy/grafana dashboards', () => {
  it('are committed exactly as the generator writes them (npm run dashboards)', () => {
    const rendered = renderDashboards();
    expect(committed).toEqual(rendered.map((r) => r.file).sort());
    for (const { file, json } of rendered) expect(readFileSync(join(DIR, file), 'utf8')).toBe(json);
  });

  it('are the four of the issue, each with a unique uid, a Prometheus variable and every variable its queries use', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual(['switchyard-internals', 'switchyard-overview', 'switchyard-tenants', 'switchyard-upstreams']);
    for (const d of dashboards) {
      const defined = new Set(d.templating.list.map((v) => v.name));
      expect(defined.has('datasource')).toBe(true);
      const used = new Set(JSON.stringify(d.panels).match(/\$\{?\w+/g)?.map((v) => v.replace(/^\$\{?/, '')).filter((v) => !v.startsWith('__')));
      expect({ title: d.title, undefined: [...used].filter((v) => !defined.has(v)) }).toEqual({ title: d.title, undefined: [] });
    }
  });

  it('name only series Switchyard exposes, in panels and variables', () => {
    for (const d of dashboards) {
      const exprs = [...promTargets(d).map((t) => t.expr), ...variableQueries(d)];
      expect(exprs.length).toBeGreaterThan(0);
      expect({ title: d.title, unknown: unknownSeries(exprs) }).toEqual({ title: d.title, unknown: [] });
    }
  });

  it('hold PromQL that Prometheus parses (promtool check rules, variables resolved)', () => {
    const exprs = dashboards.flatMap((d) => [...promTargets(d).map((t) => t.expr), ...variableQueries(d)]);
    const dir = mkdtempSync(join(tmpdir(), 'sy-dash-'));
    try {
      const file = join(dir, 'queries.rules.yaml');
      const rules = exprs.map((e, i) => `      - record: dashboard:query${i}\n        expr: ${JSON.stringify(resolveVariables(e, '5m'))}`);
      writeFileSync(file, `groups:\n  - name: dashboards\n    rules:\n${rules.join('\n')}\n`);
      expect(execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8' })).toContain(`SUCCESS: ${exprs.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('link the request views to Tempo: trace searches and a trace by id on the overview', () => {
    const overview = dashboards.find((d) => d.uid === 'switchyard-overview') as DashboardJson;
    const tempo = panelsOf(overview).filter((p) => p.datasource?.uid === '${tempo}');
    expect(tempo.map((p) => p.type).sort()).toEqual(['table', 'table', 'traces']);
    for (const p of tempo) expect(p.targets?.[0]?.query).toBeTruthy();
  });

  it('mark key queries on every dashboard, for the real-Prometheus e2e test', () => {
    const keyed = new Set(keyQueries().map((q) => q.dashboard));
    expect([...keyed].sort()).toEqual(DASHBOARDS.map((d) => d.title).sort());
  });
});
