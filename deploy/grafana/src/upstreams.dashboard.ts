import { METRICS } from '@switchyard/telemetry';
import type { SwitchyardDashboard } from './dashboard.builder';
import { HEALTH_SERIES as H } from './known-series';
import { timeSeries } from './panels';
import type { Row } from './panels';
import { quantile, rateOf, sel } from './promql';

const { attempts, upstreamDuration, timeToFirstToken: ttft } = METRICS;
const F = ['model', 'provider'] as const;
const D = '{{deployment}} ({{provider}}, {{model}})';
// The health gauges are the router's view, served by every ingress replica: max, not sum.
const gauge = (name: string, extra: string[] = []) => `max by (model, provider, deployment) (${sel(name, F, extra)})`;

const rows: Row[] = [
  {
    row: 'Health',
    panels: [
      timeSeries('Circuits not closed', { description: '1 while a deployment\'s circuit is open (no traffic) or half-open (probing). The SwitchyardCircuitOpen alert fires after 5 minutes.', unit: 'short', min: 0, max: 1 }, [
        { expr: gauge(H.circuitState, ['state="open"']), legend: `open ${D}`, key: true },
        { expr: gauge(H.circuitState, ['state="half-open"']), legend: `half-open ${D}` },
      ]),
      timeSeries('Cooling down and ejected', { description: '1 while a deployment waits out an upstream 429 retry-after (cooling down), or is ejected as a latency or error outlier.', unit: 'short', min: 0, max: 1 }, [
        { expr: gauge(H.coolingDown), legend: `cooling down ${D}` },
        { expr: gauge(H.ejected), legend: `ejected ${D}` },
      ]),
      timeSeries('In flight by deployment', { description: 'Requests in flight to each deployment.', unit: 'short', min: 0 }, [{ expr: gauge(H.inFlight), legend: D }]),
      timeSeries('Failures in the circuit window', { description: 'Failures the circuit breaker counts in its current window.', unit: 'short', min: 0 }, [{ expr: gauge(H.windowFailures), legend: D }]),
    ],
  },
  {
    row: 'Latency',
    panels: [
      timeSeries('Time to first token p95 by provider', { description: 'Streaming requests, 95th percentile, by public model and provider (measured at the ingress).', unit: 's' }, [
        { expr: quantile(0.95, ttft, ['model', 'provider'], F), legend: '{{model}} · {{provider}}' },
      ]),
      timeSeries('Time to first token, moving average', { description: 'The router\'s moving average of time to first token per deployment, which weighs its choice.', unit: 'ms' }, [{ expr: gauge(H.ttftEwmaMs), legend: D }]),
      timeSeries('Upstream call duration by deployment', { description: 'One upstream call, request sent to last byte read, measured by the adapter: 50th and 95th percentiles.', unit: 's', width: 24 }, [
        { expr: quantile(0.5, upstreamDuration, ['provider', 'deployment'], ['provider']), legend: 'p50 {{deployment}} ({{provider}})' },
        { expr: quantile(0.95, upstreamDuration, ['provider', 'deployment'], ['provider']), legend: 'p95 {{deployment}} ({{provider}})', key: true },
      ]),
    ],
  },
  {
    row: 'Attempts, errors and retries',
    panels: [
      timeSeries('Attempts by outcome', { description: 'Upstream calls per second by provider and outcome: ok, or the error kind.', unit: 'reqps', stack: true }, [
        { expr: rateOf(attempts.name, ['provider', 'outcome'], ['provider']), legend: '{{provider}} {{outcome}}', key: true },
      ]),
      timeSeries('Attempts by kind', { description: 'Upstream calls per second: first, retry, fallback or hedge.', unit: 'reqps', stack: true }, [
        { expr: rateOf(attempts.name, ['provider', 'kind'], ['provider']), legend: '{{provider}} {{kind}}' },
      ]),
      timeSeries('Upstream errors by deployment', { description: 'Failed upstream calls per second by deployment and error kind.', unit: 'reqps', stack: true }, [
        { expr: rateOf(attempts.name, ['provider', 'deployment', 'outcome'], ['provider'], ['outcome!="ok"']), legend: '{{deployment}} ({{provider}}) {{outcome}}' },
      ]),
      timeSeries('Retries and the retry budget', { description: 'Retries made and refused per second, and the retries the budget allows right now.', unit: 'short' }, [
        { expr: rateOf(attempts.name, [], ['provider'], ['kind="retry"']), legend: 'retries/s' },
        { expr: `sum (rate(${H.retriesRefused}[$__rate_interval]))`, legend: 'refused/s' },
        { expr: `max (${H.retryBudgetAvailable})`, legend: 'budget available' },
      ]),
    ],
  },
];

export const upstreams: SwitchyardDashboard = {
  uid: 'switchyard-upstreams',
  file: 'upstreams.json',
  title: 'Switchyard / Upstreams',
  description: 'Providers and their deployments: circuit, cooldown and ejection state, time to first token, upstream latency, attempts by outcome and retries.',
  variables: ['datasource', 'provider', 'model'],
  rows,
};
