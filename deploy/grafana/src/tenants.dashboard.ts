import { METRICS } from '@switchyard/telemetry';
import type { SwitchyardDashboard } from './dashboard.builder';
import { barGauge, statPanel, timeSeries } from './panels';
import type { Row } from './panels';
import { RATE_WINDOW, rateOf, sel } from './promql';

const { tokens, cost, limitRefusals, budgetUsed, budgetLimit } = METRICS;
const TM = ['tenant', 'model'] as const;
const HOUR = 3600;

/** Spend against limit per tenant and period; a budget without a limit (unlimited) has no ratio. */
const budgetShare = `max by (tenant, period) (${sel(budgetUsed.name, ['tenant'])}) / max by (tenant, period) (${sel(budgetLimit.name, ['tenant'])})`;

const rows: Row[] = [
  {
    row: 'In the selected range',
    panels: [
      statPanel('Cost', { description: 'US dollars recorded in the ledger over the selected time range.', unit: 'currencyUSD' }, [{ expr: `sum(increase(${sel(cost.name, TM)}[$__range]))`, legend: 'cost' }]),
      statPanel('Input tokens', { description: 'Input tokens recorded over the selected time range.', unit: 'short' }, [{ expr: `sum(increase(${sel(tokens.name, TM, ['direction="input"'])}[$__range]))`, legend: 'input' }]),
      statPanel('Output tokens', { description: 'Output tokens recorded over the selected time range.', unit: 'short' }, [{ expr: `sum(increase(${sel(tokens.name, TM, ['direction="output"'])}[$__range]))`, legend: 'output' }]),
      statPanel('Limit refusals', { description: 'Requests refused by a rate, concurrency or budget limit over the selected time range.', unit: 'short' }, [{ expr: `sum(increase(${sel(limitRefusals.name, ['tenant'])}[$__range]))`, legend: 'refusals' }]),
    ],
  },
  {
    row: 'Usage and cost',
    panels: [
      timeSeries('Tokens by tenant', { description: 'Tokens per second recorded in the ledger, input and output.', unit: 'short', stack: true }, [
        { expr: rateOf(tokens.name, ['tenant', 'direction'], TM), legend: '{{tenant}} {{direction}}', key: true },
      ]),
      timeSeries('Tokens by model', { description: 'Tokens per second recorded in the ledger by public model.', unit: 'short', stack: true }, [
        { expr: rateOf(tokens.name, ['model', 'direction'], TM), legend: '{{model}} {{direction}}' },
      ]),
      timeSeries('Cost per hour by tenant', { description: 'Spend rate in US dollars per hour.', unit: 'currencyUSD', stack: true }, [
        { expr: `${rateOf(cost.name, ['tenant'], TM)} * ${HOUR}`, legend: '{{tenant}}', key: true },
      ]),
      timeSeries('Cost per hour by model', { description: 'Spend rate in US dollars per hour by public model.', unit: 'currencyUSD', stack: true }, [
        { expr: `${rateOf(cost.name, ['model'], TM)} * ${HOUR}`, legend: '{{model}}' },
      ]),
    ],
  },
  {
    row: 'Limits and budgets',
    panels: [
      barGauge('Budget used', { description: 'Spend in the current period as a share of the tenant budget; the SwitchyardTenantBudgetNearlySpent alert fires at 90 %. Unlimited budgets are not shown.', unit: 'percentunit', max: 1, thresholds: [[0.75, 'orange'], [0.9, 'red']] }, [
        { expr: budgetShare, legend: '{{tenant}} {{period}}', key: true },
      ]),
      timeSeries('Budget used and limit', { description: 'US dollars spent in the current period against the budget for it.', unit: 'currencyUSD' }, [
        { expr: `max by (tenant, period) (${sel(budgetUsed.name, ['tenant'])})`, legend: 'used {{tenant}} {{period}}' },
        { expr: `max by (tenant, period) (${sel(budgetLimit.name, ['tenant'])})`, legend: 'limit {{tenant}} {{period}}' },
      ]),
      timeSeries('Limit refusals by tenant and reason', { description: 'Requests refused per second: rpm, tpm, concurrency, daily_budget or monthly_budget.', unit: 'reqps', stack: true, width: 24 }, [
        { expr: `sum by (tenant, reason) (rate(${sel(limitRefusals.name, ['tenant'])}[${RATE_WINDOW}]))`, legend: '{{tenant}} {{reason}}' },
      ]),
    ],
  },
];

export const tenants: SwitchyardDashboard = {
  uid: 'switchyard-tenants',
  file: 'tenants.json',
  title: 'Switchyard / Tenants',
  description: 'Per tenant: tokens and cost from the ledger, limit refusals, and budgets used against their limits.',
  variables: ['datasource', 'tenant', 'model'],
  rows,
};
