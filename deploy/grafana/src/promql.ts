import type { MetricSpec } from '@switchyard/telemetry';

/**
 * PromQL for the dashboards, built from the catalogue's specs (a renamed series breaks the
 * build) and Grafana's template variables. Filters use regex matchers so a multi-value
 * variable and its "All" value (`.*`) work alike.
 */
export type Filter = 'model' | 'provider' | 'tenant' | 'job';
const MATCHERS: Record<Filter, string> = {
  model: 'model=~"$model"',
  provider: 'provider=~"$provider"',
  tenant: 'tenant=~"$tenant"',
  job: 'job=~"$job"',
};

/** Grafana's rate window: at least four scrape intervals, whatever the zoom. */
export const RATE_WINDOW = '$__rate_interval';

type Histogram = MetricSpec & { type: 'histogram' };

/** A selector: the series name and the variable filters, plus fixed matchers. */
export function sel(name: string, filters: readonly Filter[] = [], extra: readonly string[] = []): string {
  const m = [...filters.map((f) => MATCHERS[f]), ...extra];
  return m.length ? `${name}{${m.join(', ')}}` : name;
}

export function by(labels: readonly string[]): string {
  return labels.length ? ` by (${labels.join(', ')})` : '';
}

/** Per-second rate of a counter, summed by `labels`. */
export function rateOf(name: string, labels: readonly string[], filters: readonly Filter[] = [], extra: readonly string[] = []): string {
  return `sum${by(labels)} (rate(${sel(name, filters, extra)}[${RATE_WINDOW}]))`;
}

/** Requests (observations) per second of a histogram, summed by `labels`. */
export function countRate(h: Histogram, labels: readonly string[], filters: readonly Filter[] = [], extra: readonly string[] = []): string {
  return rateOf(`${h.name}_count`, labels, filters, extra);
}

/** The q-quantile of a histogram, by `labels`. */
export function quantile(q: number, h: Histogram, labels: readonly string[], filters: readonly Filter[] = [], extra: readonly string[] = []): string {
  return `histogram_quantile(${q}, ${rateOf(`${h.name}_bucket`, ['le', ...labels], filters, extra)})`;
}

/**
 * `expr` with Grafana's variables given plain values, as Prometheus itself can run it: every
 * variable matches everything (`.*`), rate windows and the range are `window`.
 */
export function resolveVariables(expr: string, window: string): string {
  return expr
    .replace(/\$__(?:rate_interval|range|interval)\b/g, window)
    .replace(/\$\{\w+(?::\w+)?\}|\$\w+/g, '.*');
}
