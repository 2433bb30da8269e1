import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { METRICS } from '@switchyard/telemetry';
import { SCRAPE_SERIES } from './known-series';

/** Data source references through the dashboard's variables, so one import fits any Grafana. */
export const PROMETHEUS = { type: 'prometheus', uid: '${datasource}' };
export const TEMPO = { type: 'tempo', uid: '${tempo}' };

export type VariableName = 'datasource' | 'tempo' | 'model' | 'provider' | 'tenant' | 'job' | 'trace_id';

function labelValues(name: string, label: string, title: string, description: string): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(title)
    .description(description)
    .datasource(PROMETHEUS)
    .query(`label_values(${label})`)
    .definition(`label_values(${label})`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    // The regex matchers of promql.ts take `.*` as "every value", including series that lack it.
    .allValue('.*')
    .current({ text: 'All', value: '$__all', selected: true });
}

const VARIABLES: Record<VariableName, () => cog.Builder<dashboard.VariableModel>> = {
  datasource: () => new dashboard.DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus').description('The Prometheus that scrapes Switchyard.'),
  tempo: () => new dashboard.DatasourceVariableBuilder('tempo').label('Tempo').type('tempo').description('The Tempo that receives Switchyard\'s traces (OTEL_EXPORTER_OTLP_ENDPOINT).'),
  model: () => labelValues('model', `${METRICS.requestDuration.name}_count, model`, 'Model', 'Public model names, as clients ask for them.'),
  provider: () => labelValues('provider', `${METRICS.requestDuration.name}_count, provider`, 'Provider', 'Configured provider ids that served the requests.'),
  tenant: () => labelValues('tenant', `${METRICS.tokens.name}, tenant`, 'Tenant', 'Tenant ids from the configuration.'),
  // Scrape jobs are named switchyard-<process> (deploy/prometheus/README.md).
  job: () => labelValues('job', `${SCRAPE_SERIES.up}{job=~"switchyard-.*"}, job`, 'Job', 'Prometheus scrape jobs, one per Switchyard process kind.'),
  trace_id: () => new dashboard.TextBoxVariableBuilder('trace_id').label('Trace id').description('A trace id a tenant quoted from a response header; shown in the trace row.'),
};

export function variables(names: readonly VariableName[]): cog.Builder<dashboard.VariableModel>[] {
  return names.map((n) => VARIABLES[n]());
}
