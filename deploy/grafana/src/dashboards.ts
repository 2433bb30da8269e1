import type { SwitchyardDashboard } from './dashboard.builder';
import { buildDashboard, panelsOf } from './dashboard.builder';
import { internals } from './internals.dashboard';
import { overview } from './overview.dashboard';
import { tenants } from './tenants.dashboard';
import { upstreams } from './upstreams.dashboard';

export const DASHBOARDS: readonly SwitchyardDashboard[] = [overview, tenants, upstreams, internals];

/** Each dashboard's file name and its JSON as committed in deploy/grafana/dashboards/. */
export function renderDashboards(): { file: string; json: string }[] {
  return DASHBOARDS.map((d) => ({ file: d.file, json: `${JSON.stringify(buildDashboard(d), null, 2)}\n` }));
}

/** The queries marked key: a real Prometheus scraping a cluster that served requests answers each with data. */
export function keyQueries(): { dashboard: string; panel: string; expr: string }[] {
  return DASHBOARDS.flatMap((d) => panelsOf(d).flatMap((p) => p.queries.filter((q) => q.key).map((q) => ({ dashboard: d.title, panel: p.title, expr: q.expr }))));
}
