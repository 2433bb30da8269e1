import { collectDefaultMetrics, type Metric, Registry } from 'prom-client';
import { LATENCY_BUCKETS, METRICS, type MetricKey, OVERHEAD_BUCKETS } from './metric-catalogue';
import { CounterSeries, GaugeSeries, HistogramSeries, type RegistryMetric } from './metric-series';

type Catalogue = typeof METRICS;
type LabelOf<K extends MetricKey> = Catalogue[K]['labels'][number];

/** The typed series of one catalogue entry: its label names are the only ones a call site can write. */
export type SeriesOf<K extends MetricKey> = Catalogue[K]['type'] extends 'histogram'
  ? HistogramSeries<LabelOf<K>>
  : Catalogue[K]['type'] extends 'counter'
    ? CounterSeries<LabelOf<K>>
    : GaugeSeries<LabelOf<K>>;

export type SwitchyardSeries = { readonly [K in MetricKey]: SeriesOf<K> };

/** Buckets per histogram: time inside Switchyard needs sub-millisecond ones, the rest request-length ones. */
function bucketsOf(key: MetricKey): readonly number[] {
  return key === 'gatewayOverhead' ? OVERHEAD_BUCKETS : LATENCY_BUCKETS;
}

function seriesOf(key: MetricKey): CounterSeries<string> | HistogramSeries<string> | GaugeSeries<string> {
  const spec = METRICS[key];
  switch (spec.type) {
    case 'counter':
      return new CounterSeries(spec.name, spec.help, spec.labels);
    case 'histogram':
      return new HistogramSeries(spec.name, spec.help, spec.labels, bucketsOf(key));
    case 'gauge':
      return new GaugeSeries(spec.name, spec.help, spec.labels);
  }
}

/**
 * Every catalogue series in one prom-client registry. A process holds one (`processMetrics()`);
 * its GET /metrics renders `registry`. Built eagerly and cheaply: a series nobody observes is
 * rendered as its HELP and TYPE lines only.
 */
export class SwitchyardMetrics {
  readonly registry = new Registry();
  readonly series: SwitchyardSeries;
  private processMetricsOn = false;

  constructor() {
    const series: Record<string, RegistryMetric> = {};
    for (const key of Object.keys(METRICS) as MetricKey[]) {
      const s = seriesOf(key);
      series[key] = s;
      // Our series have the shape the registry reads (`get()`, name, help, type); see metric-series.ts for why they are ours.
      this.registry.registerMetric(s as unknown as Metric);
    }
    this.series = series as unknown as SwitchyardSeries;
  }

  /**
   * Node's process metrics (process_*, nodejs_*: CPU, memory, event loop lag, GC) from
   * prom-client's defaults; once per registry. Only processes that serve /metrics turn them on:
   * the event-loop monitor samples continuously.
   */
  collectProcessMetrics(): void {
    if (this.processMetricsOn) return;
    this.processMetricsOn = true;
    collectDefaultMetrics({ register: this.registry });
  }

  /** The Prometheus text format of everything registered. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

let processWide: SwitchyardMetrics | undefined;

/**
 * The process's registry: every lib of the process observes into it, and its metrics server
 * renders it. Standalone, which runs every service in one process, thus exposes all series from
 * one /metrics.
 */
export function processMetrics(): SwitchyardMetrics {
  processWide ??= new SwitchyardMetrics();
  return processWide;
}

/** Shorthand for `processMetrics().series`, what call sites observe into. */
export function metricSeries(): SwitchyardSeries {
  return processMetrics().series;
}
