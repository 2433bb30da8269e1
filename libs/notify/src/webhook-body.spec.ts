import type { BudgetAlert, HealthAlert, WebhookDelivery } from './alert.types';
import { renderWebhookBody } from './webhook-body';

const at = Date.UTC(2026, 11, 6, 12, 30, 0);
const budget: BudgetAlert = { type: 'budget', level: 'threshold', scope: 'tenant', tenantId: 'acme', period: 'monthly', periodId: '202612', spentUsd: 451.25, limitUsd: 500, thresholdRatio: 0.9, at };
const health: HealthAlert = { type: 'health', transition: 'circuit_opened', deploymentId: 'dep-1', model: 'gpt-4o-mini', providerId: 'openai-main', upstreamModel: 'gpt-4o-mini-2024-07-18', until: at + 30_000, at };
const delivery = (alert: BudgetAlert | HealthAlert): WebhookDelivery => ({ id: 'the-id', webhook: 'ops', alert });

describe(renderWebhookBody.name, () => {
  it('json: the structured budget alert only', () => {
    expect(JSON.parse(renderWebhookBody(delivery(budget), 'json'))).toEqual({
      version: 1,
      id: 'the-id',
      type: 'budget',
      at: '2026-12-06T12:30:00.000Z',
      level: 'threshold',
      scope: 'tenant',
      tenant: 'acme',
      period: 'monthly',
      period_id: '202612',
      spend_usd: 451.25,
      limit_usd: 500,
      ratio: 0.9025,
      threshold: 0.9,
    });
  });

  it('json: the structured health alert only', () => {
    expect(JSON.parse(renderWebhookBody(delivery(health), 'json'))).toEqual({
      version: 1,
      id: 'the-id',
      type: 'health',
      at: '2026-12-06T12:30:00.000Z',
      transition: 'circuit_opened',
      state: 'open',
      deployment: 'dep-1',
      model: 'gpt-4o-mini',
      provider: 'openai-main',
      upstream_model: 'gpt-4o-mini-2024-07-18',
      until: '2026-12-06T12:30:30.000Z',
    });
  });

  it('slack: text and blocks a channel shows, the structured alert in metadata', () => {
    const body = JSON.parse(renderWebhookBody(delivery(budget), 'slack')) as Record<string, unknown>;
    expect(body['text']).toBe(':warning: Tenant *acme* has used 90 % of its monthly budget: $451.25 of $500.00 (90 %).');
    expect(body['blocks']).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: body['text'] } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Switchyard budget alert · 2026-12-06T12:30:00.000Z' }] },
    ]);
    expect(body['metadata']).toEqual({ event_type: 'switchyard_budget', event_payload: JSON.parse(renderWebhookBody(delivery(budget), 'json')) });
  });

  it('slack: says which key, and that requests are refused once a budget is exhausted', () => {
    const key: BudgetAlert = { ...budget, scope: 'key', keyId: 'k-42', level: 'exhausted', period: 'daily', periodId: '20261206', spentUsd: 10, limitUsd: 10, thresholdRatio: 1 };
    const body = JSON.parse(renderWebhookBody(delivery(key), 'slack')) as { text: string };
    expect(body.text).toBe(':no_entry: Key *k-42* of tenant *acme* has used its daily budget: $10.00 of $10.00 (100 %); requests are refused until the period ends.');
  });

  it.each([
    ['circuit_opened', ':red_circle: Deployment *dep-1* (gpt-4o-mini on openai-main, gpt-4o-mini-2024-07-18): circuit opened, out of rotation until 2026-12-06T12:30:30.000Z; probes decide when it comes back.'],
    ['circuit_closed', ':large_green_circle: Deployment *dep-1* (gpt-4o-mini on openai-main, gpt-4o-mini-2024-07-18): circuit closed, back in rotation.'],
    ['ejected', ':large_orange_circle: Deployment *dep-1* (gpt-4o-mini on openai-main, gpt-4o-mini-2024-07-18): ejected after consecutive failures until 2026-12-06T12:30:30.000Z.'],
  ] as const)('slack: a %s line', (transition, text) => {
    const alert: HealthAlert = { ...health, transition, until: transition === 'circuit_closed' ? undefined : health.until };
    expect((JSON.parse(renderWebhookBody(delivery(alert), 'slack')) as { text: string }).text).toBe(text);
  });
});
