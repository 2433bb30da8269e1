import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { Panel, Row } from './panels';
import { variables } from './variables';
import type { VariableName } from './variables';

/** One dashboard as data: what the generator renders and the tests read. */
export interface SwitchyardDashboard {
  readonly uid: string;
  /** Its file in deploy/grafana/dashboards/. */
  readonly file: string;
  readonly title: string;
  readonly description: string;
  readonly variables: readonly VariableName[];
  readonly rows: readonly Row[];
}

export const TAG = 'switchyard';

export function panelsOf(d: SwitchyardDashboard): Panel[] {
  return d.rows.flatMap((r) => r.panels);
}

/** The Grafana dashboard model (JSON) of `d`. */
export function buildDashboard(d: SwitchyardDashboard): dashboard.Dashboard {
  const b = new dashboard.DashboardBuilder(d.title)
    .uid(d.uid)
    .description(d.description)
    .tags([TAG])
    .editable()
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .variables(variables(d.variables))
    // The other Switchyard dashboards, keeping the time range and the shared variables.
    .link(new dashboard.DashboardLinkBuilder('Switchyard').type(dashboard.DashboardLinkType.Dashboards).tags([TAG]).asDropdown(true).includeVars(true).keepTime(true));
  for (const r of d.rows) {
    if (r.collapsed) {
      const row = new dashboard.RowBuilder(r.row).collapsed(true);
      for (const p of r.panels) row.withPanel(p.builder);
      b.withRow(row);
    } else {
      b.withRow(new dashboard.RowBuilder(r.row));
      for (const p of r.panels) b.withPanel(p.builder);
    }
  }
  return b.build();
}
