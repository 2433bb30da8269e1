import { type SpendAlert, alertKey } from './alert.types';
import { periodEnd } from './notifier';
import { renderWebhookBody } from './webhook-body';

// The body of a spend alert (issue 16), in both formats, and its dedupe key.

const at = Date.UTC(2026, 11, 6, 12, 30, 0);
const plan: SpendAlert = { type: 'spend', tenantId: 'acme', basis: 'plan', planId: 'capped', periodId: '202612', thresholdPercent: 80, unit: 'tokens', spent: 4_100_000, limit: 5_000_000, at };

describe('spend alert bodies', () => {
  it('json: the structured alert, with its unit', () => {
    expect(JSON.parse(renderWebhookBody({ id: alertKey(plan), webhook: 'billing', alert: plan }, 'json'))).toEqual({
      version: 1,
      id: 'spend|acme|plan|202612|80',
      type: 'spend',
      at: '2026-12-06T12:30:00.000Z',
      tenant: 'acme',
      basis: 'plan',
      plan: 'capped',
      period: 'monthly',
      period_id: '202612',
      threshold_percent: 80,
      unit: 'tokens',
      spent: 4_100_000,
      limit: 5_000_000,
      ratio: 0.82,
    });
  });

  it('slack: one line naming the tenant, the basis and the amounts', () => {
    const budget: SpendAlert = { ...plan, basis: 'budget', planId: undefined, unit: 'usd', spent: 251.5, limit: 500, thresholdPercent: 50 };
    const body = JSON.parse(renderWebhookBody({ id: alertKey(budget), webhook: 'ops', alert: budget }, 'slack')) as { text: string; metadata: { event_type: string } };
    expect(body.text).toBe(':chart_with_upwards_trend: Tenant *acme* has used 50 % of its monthly budget this month: $251.50 of $500.00.');
    expect(body.metadata.event_type).toBe('switchyard_spend');
    const tokens = JSON.parse(renderWebhookBody({ id: alertKey(plan), webhook: 'ops', alert: plan }, 'slack')) as { text: string };
    expect(tokens.text).toBe(':chart_with_upwards_trend: Tenant *acme* has used 80 % of the usage included in plan *capped* this month: 4,100,000 tokens of 5,000,000 tokens.');
  });

  it('is one per tenant, basis, month and threshold, claimed until the month ends', () => {
    expect(alertKey({ ...plan, thresholdPercent: 100 })).toBe('spend|acme|plan|202612|100');
    expect(alertKey({ ...plan, basis: 'budget' })).toBe('spend|acme|budget|202612|80');
    expect(periodEnd({ period: 'monthly', periodId: plan.periodId })).toBe(Date.UTC(2027, 0, 1));
  });
});
