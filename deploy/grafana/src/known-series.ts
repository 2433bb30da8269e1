import { METRICS } from '@switchyard/telemetry';
import { seriesIn } from './promql-series';

/**
 * The router's health gauges, served by the ingress since before the metric catalogue; the
 * catalogue lists them in a comment (libs/telemetry/src/metrics/metric-catalogue.ts), and the
 * names are kept. Once the catalogue declares them as entries, read them from there.
 */
export const HEALTH_SERIES = {
  circuitState: 'switchyard_deployment_circuit_state',
  coolingDown: 'switchyard_deployment_cooling_down',
  ejected: 'switchyard_deployment_ejected',
  inFlight: 'switchyard_deployment_in_flight',
  ttftEwmaMs: 'switchyard_deployment_ttft_ewma_ms',
  windowFailures: 'switchyard_deployment_window_failures',
  retryBudgetAvailable: 'switchyard_retry_budget_available',
  retriesRefused: 'switchyard_retries_refused_total',
} as const;

/** prom-client 15's default metrics (collectDefaultMetrics) that the dashboards read. */
export const PROCESS_SERIES = {
  cpuSeconds: 'process_cpu_seconds_total',
  residentMemory: 'process_resident_memory_bytes',
  openFds: 'process_open_fds',
  maxFds: 'process_max_fds',
  startTime: 'process_start_time_seconds',
  heapUsed: 'nodejs_heap_size_used_bytes',
  heapTotal: 'nodejs_heap_size_total_bytes',
  eventLoopLagP99: 'nodejs_eventloop_lag_p99_seconds',
  activeHandles: 'nodejs_active_handles',
  gcDuration: 'nodejs_gc_duration_seconds',
} as const;

/** Series Prometheus writes itself for every target it scrapes. */
export const SCRAPE_SERIES = { up: 'up' } as const;

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/** Every series name a query may read: the catalogue (a histogram as its three series), the health gauges, process metrics and `up`. */
export function knownSeries(): ReadonlySet<string> {
  const names = new Set<string>();
  for (const m of Object.values(METRICS)) {
    if (m.type === 'histogram') for (const s of HISTOGRAM_SUFFIXES) names.add(m.name + s);
    else names.add(m.name);
  }
  for (const group of [HEALTH_SERIES, PROCESS_SERIES, SCRAPE_SERIES]) for (const n of Object.values(group)) names.add(n);
  for (const s of HISTOGRAM_SUFFIXES) names.add(PROCESS_SERIES.gcDuration + s);
  names.delete(PROCESS_SERIES.gcDuration);
  return names;
}

/** The series of `exprs` that no Switchyard process exposes (empty when all are known). */
export function unknownSeries(exprs: Iterable<string>): string[] {
  const known = knownSeries();
  const unknown = new Set<string>();
  for (const e of exprs) for (const s of seriesIn(e)) if (!known.has(s)) unknown.add(s);
  return [...unknown];
}
