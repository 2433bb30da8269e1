import { METRICS } from '@switchyard/telemetry';
import { statPanel, timeSeries, traceById, traceSearch } from './panels';
import type { Row } from './panels';
import { countRate, quantile, rateOf } from './promql';
import type { SwitchyardDashboard } from './dashboard.builder';

const { requestDuration: req, timeToFirstToken: ttft, gatewayOverhead: overhead, cacheLookups } = METRICS;
const F = ['model', 'provider'] as const;
const MP = ['model', 'provider'];
const ERRORS = ['status_class="5xx"'];
// The request's public model and configured provider id as the spans carry them
// (switchyard.model, switchyard.provider.id: the same values as the metrics' model and provider
// labels; gen_ai.provider.name is the provider's type, which the variables do not hold).
// `{ a } && { b }` asks for traces holding both spans: the error may sit on another span.
const SPANS = 'span.switchyard.model =~ "${model:regex}" && span.switchyard.provider.id =~ "${provider:regex}"';

const rows: Row[] = [
  {
    row: 'At a glance',
    panels: [
      statPanel('Requests per second', { description: 'Client requests answered, every status.', unit: 'reqps' }, [{ expr: countRate(req, [], F), legend: 'requests/s' }]),
      statPanel('Server errors', { description: 'Share of requests answered 5xx.', unit: 'percentunit' }, [{ expr: `${countRate(req, [], F, ERRORS)} / ${countRate(req, [], F)}`, legend: '5xx' }]),
      statPanel('Latency p95', { description: 'Request duration, 95th percentile, first byte in to last byte out.', unit: 's' }, [{ expr: quantile(0.95, req, [], F), legend: 'p95' }]),
      statPanel('Gateway overhead p99', { description: 'Time spent inside Switchyard, upstream calls excluded, 99th percentile.', unit: 's' }, [{ expr: quantile(0.99, overhead, [], F), legend: 'p99' }]),
    ],
  },
  {
    row: 'Requests',
    panels: [
      timeSeries('Requests by model and provider', { description: 'Client requests per second by public model and the provider that served them.', unit: 'reqps', stack: true }, [
        { expr: countRate(req, MP, F), legend: '{{model}} · {{provider}}', key: true },
      ]),
      timeSeries('Answers by status class', { description: 'Client requests per second by HTTP status class.', unit: 'reqps', stack: true }, [
        { expr: countRate(req, ['status_class'], F), legend: '{{status_class}}', key: true },
      ]),
      timeSeries('Server error rate by model and provider', { description: 'Share of requests answered 5xx; the SwitchyardHighErrorRate alert fires above 5 % for 10 minutes.', unit: 'percentunit', min: 0 }, [
        { expr: `${countRate(req, MP, F, ERRORS)} / ${countRate(req, MP, F)}`, legend: '{{model}} · {{provider}}' },
      ]),
      timeSeries('Response cache hit ratio by model', { description: 'Cache hits over lookups; models without a cache do not look up.', unit: 'percentunit', min: 0, max: 1 }, [
        { expr: `${rateOf(cacheLookups.name, ['model'], ['model'], ['result="hit"'])} / ${rateOf(cacheLookups.name, ['model'], ['model'])}`, legend: '{{model}}' },
      ]),
    ],
  },
  {
    row: 'Latency',
    panels: [
      timeSeries('Request duration', { description: 'First byte in to last byte out: 50th, 95th and 99th percentiles over the selection. Exemplars, when scraped, link to their traces.', unit: 's' }, [
        { expr: quantile(0.5, req, [], F), legend: 'p50' },
        { expr: quantile(0.95, req, [], F), legend: 'p95', key: true, exemplar: true },
        { expr: quantile(0.99, req, [], F), legend: 'p99' },
      ]),
      timeSeries('Request duration p95 by model and provider', { description: '95th percentile of request duration.', unit: 's' }, [
        { expr: quantile(0.95, req, MP, F), legend: '{{model}} · {{provider}}', key: true },
      ]),
      timeSeries('Time to first token by model and provider', { description: 'Streaming requests: request in to first content event out. The SwitchyardSlowTimeToFirstToken alert fires on p95 above 5 s.', unit: 's' }, [
        { expr: quantile(0.5, ttft, MP, F), legend: 'p50 {{model}} · {{provider}}' },
        { expr: quantile(0.95, ttft, MP, F), legend: 'p95 {{model}} · {{provider}}', key: true, exemplar: true },
      ]),
      timeSeries('Gateway overhead by model and provider', { description: 'Time inside Switchyard, upstream excluded: what the gateway adds to a request.', unit: 's' }, [
        { expr: quantile(0.5, overhead, MP, F), legend: 'p50 {{model}} · {{provider}}' },
        { expr: quantile(0.99, overhead, MP, F), legend: 'p99 {{model}} · {{provider}}', key: true },
      ]),
    ],
  },
  {
    row: 'Traces (Tempo)',
    panels: [
      traceSearch('Failed requests', { description: 'Recent traces of the selected models and providers with an error span; a trace id opens the trace.' }, `{ ${SPANS} } && { status = error }`),
      traceSearch('Slow requests', { description: 'Recent traces of the selected models and providers with a span over 5 s.' }, `{ ${SPANS} } && { duration > 5s }`),
    ],
  },
  {
    row: 'Trace by id',
    collapsed: true,
    panels: [traceById('Trace', { description: 'The trace whose id is in the Trace id box: every hop, attempt and the billing insert.' }, 'trace_id')],
  },
];

export const overview: SwitchyardDashboard = {
  uid: 'switchyard-overview',
  file: 'overview.json',
  title: 'Switchyard / Overview',
  description: 'Client traffic: rate, errors, latency, time to first token and gateway overhead by model and provider, with traces from Tempo.',
  variables: ['datasource', 'tempo', 'model', 'provider', 'trace_id'],
  rows,
};
