import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as tempo from '@grafana/grafana-foundation-sdk/tempo';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { PROMETHEUS, TEMPO } from './variables';

/** One PromQL query of a panel. `key`: the e2e test asks a real Prometheus for it and expects data. */
export interface Query {
  readonly expr: string;
  readonly legend: string;
  readonly key?: boolean;
  /** Show the histogram's exemplars (trace ids, when the scrape carries them) as points linked to Tempo. */
  readonly exemplar?: boolean;
}

export interface PanelOptions {
  readonly description: string;
  readonly unit: string;
  readonly width?: number;
  readonly height?: number;
  readonly stack?: boolean;
  readonly min?: number;
  readonly max?: number;
}

/** A panel as data: the builder for the JSON, and its queries for the tests. */
export interface Panel {
  readonly title: string;
  readonly queries: readonly Query[];
  readonly builder: cog.Builder<dashboard.Panel>;
}

const REF_IDS = 'ABCDEFGHIJ';

function targets(queries: readonly Query[], instant = false): prometheus.DataqueryBuilder[] {
  return queries.map((q, i) => {
    const t = new prometheus.DataqueryBuilder().refId(REF_IDS[i] ?? `Q${i}`).expr(q.expr).legendFormat(q.legend).datasource(PROMETHEUS);
    if (q.exemplar) t.exemplar(true);
    return instant ? t.instant() : t.range();
  });
}

export function timeSeries(title: string, o: PanelOptions, queries: readonly Query[]): Panel {
  const b = new timeseries.PanelBuilder()
    .title(title)
    .description(o.description)
    .datasource(PROMETHEUS)
    .targets(targets(queries))
    .unit(o.unit)
    .span(o.width ?? 12)
    .height(o.height ?? 8)
    .fillOpacity(o.stack ? 30 : 10)
    .lineWidth(1)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.Table).placement(common.LegendPlacement.Right).calcs(['mean', 'max']))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  if (o.stack) b.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (o.min !== undefined) b.min(o.min);
  if (o.max !== undefined) b.max(o.max);
  return { title, queries, builder: b };
}

/** One number for the whole selection (the last value). */
export function statPanel(title: string, o: PanelOptions, queries: readonly Query[]): Panel {
  const b = new stat.PanelBuilder()
    .title(title)
    .description(o.description)
    .datasource(PROMETHEUS)
    .targets(targets(queries))
    .unit(o.unit)
    .span(o.width ?? 6)
    .height(o.height ?? 4)
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  return { title, queries, builder: b };
}

/** A bar per series, against a 0..max scale (e.g. budget used as a share of its limit). */
export function barGauge(title: string, o: PanelOptions & { readonly thresholds: readonly [number, string][] }, queries: readonly Query[]): Panel {
  const b = new bargauge.PanelBuilder()
    .title(title)
    .description(o.description)
    .datasource(PROMETHEUS)
    .targets(targets(queries, true))
    .unit(o.unit)
    .span(o.width ?? 12)
    .height(o.height ?? 8)
    .min(o.min ?? 0)
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .orientation(common.VizOrientation.Horizontal)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .thresholds(
      new dashboard.ThresholdsConfigBuilder()
        .mode(dashboard.ThresholdsMode.Absolute)
        .steps([{ value: null, color: 'green' }, ...o.thresholds.map(([value, color]) => ({ value, color }))]),
    );
  if (o.max !== undefined) b.max(o.max);
  return { title, queries, builder: b };
}

/**
 * Traces found in Tempo with TraceQL, as a table whose trace ids open the trace view. The
 * request views link to traces this way rather than by exemplars alone: it works whether or not
 * the scrape carries exemplars, and filters by the same model and provider variables.
 */
export function traceSearch(title: string, o: Omit<PanelOptions, 'unit'>, traceql: string): Panel {
  const b = new table.PanelBuilder()
    .title(title)
    .description(o.description)
    .datasource(TEMPO)
    .withTarget(new tempo.DataqueryBuilder().refId('A').datasource(TEMPO).queryType('traceql').query(traceql).limit(20).tableType(tempo.SearchTableType.Traces))
    .span(o.width ?? 12)
    .height(o.height ?? 8);
  return { title, queries: [], builder: b };
}

/** One trace by its id (from the response header a tenant quotes, x-switchyard-trace-id), in Grafana's trace view. */
export function traceById(title: string, o: Omit<PanelOptions, 'unit'>, traceIdVariable: string): Panel {
  const b = new dashboard.PanelBuilder()
    .type('traces')
    .title(title)
    .description(o.description)
    .datasource(TEMPO)
    .withTarget(new tempo.DataqueryBuilder().refId('A').datasource(TEMPO).queryType('traceql').query(`\${${traceIdVariable}}`))
    .span(o.width ?? 24)
    .height(o.height ?? 12);
  return { title, queries: [], builder: b };
}

/** A titled section; its panels follow it. */
export interface Row {
  readonly row: string;
  readonly panels: readonly Panel[];
  readonly collapsed?: boolean;
}
