import { usdText } from '@switchyard/shared';
import type { WebhookFormat } from '@switchyard/config';
import type { Alert, BudgetAlert, HealthAlert, SpendAlert, WebhookDelivery } from './alert.types';

// What a webhook receives (docs/architecture.md §4, "Notifications"). `json`: the structured
// alert alone. `slack`: a Slack incoming-webhook message — `text` (the notification's fallback
// line), `blocks` (one mrkdwn section and a context line) — with the same structured alert in
// `metadata` (Slack's message metadata: `event_type` and `event_payload`), so one URL can feed a
// channel and a program alike.

/** The structured form: snake_case keys, amounts in USD, times in ISO 8601. Version 1. */
export type AlertPayload = Record<string, string | number | undefined>;

export function alertPayload(delivery: WebhookDelivery): AlertPayload {
  const a = delivery.alert;
  const common = { version: 1, id: delivery.id, type: a.type, at: new Date(a.at).toISOString() };
  switch (a.type) {
    case 'budget':
      return {
        ...common,
        level: a.level,
        scope: a.scope,
        tenant: a.tenantId,
        key: a.keyId,
        period: a.period,
        period_id: a.periodId,
        spend_usd: round(a.spentUsd),
        limit_usd: a.limitUsd,
        ratio: a.limitUsd > 0 ? round(a.spentUsd / a.limitUsd) : 1,
        threshold: a.thresholdRatio,
      };
    case 'health':
      return {
        ...common,
        transition: a.transition,
        state: stateOf(a),
        deployment: a.deploymentId,
        model: a.model,
        provider: a.providerId,
        upstream_model: a.upstreamModel,
        until: a.until === undefined ? undefined : new Date(a.until).toISOString(),
      };
    case 'spend':
      return {
        ...common,
        tenant: a.tenantId,
        basis: a.basis,
        plan: a.planId,
        period: 'monthly',
        period_id: a.periodId,
        threshold_percent: a.thresholdPercent,
        unit: a.unit,
        spent: round(a.spent),
        limit: a.limit,
        ratio: a.limit > 0 ? round(a.spent / a.limit) : 1,
      };
  }
}

/** The request body for one delivery in one format (JSON text: what is signed is what is sent). */
export function renderWebhookBody(delivery: WebhookDelivery, format: WebhookFormat): string {
  const payload = alertPayload(delivery);
  switch (format) {
    case 'json':
      return JSON.stringify(payload);
    case 'slack': {
      const text = summaryOf(delivery.alert);
      return JSON.stringify({
        text,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text } },
          { type: 'context', elements: [{ type: 'mrkdwn', text: `Switchyard ${delivery.alert.type} alert · ${payload['at']}` }] },
        ],
        metadata: { event_type: `switchyard_${delivery.alert.type}`, event_payload: payload },
      });
    }
  }
}

/** One line a person reads in a notification. Ids are operator-chosen (URL-safe), never free text. */
export function summaryOf(alert: Alert): string {
  switch (alert.type) {
    case 'budget':
      return budgetLine(alert);
    case 'health':
      return healthLine(alert);
    case 'spend':
      return spendLine(alert);
  }
}

function spendLine(a: SpendAlert): string {
  const of = a.basis === 'plan' ? `the usage included in plan *${a.planId ?? ''}*` : a.basis === 'budget' ? 'its monthly budget' : 'its balance';
  const amount = (v: number) => (a.unit === 'usd' ? usdText(v) : `${Math.round(v).toLocaleString('en-US')} tokens`);
  return `:chart_with_upwards_trend: Tenant *${a.tenantId}* has used ${a.thresholdPercent} % of ${of} this month: ${amount(a.spent)} of ${amount(a.limit)}.`;
}

function budgetLine(a: BudgetAlert): string {
  const who = a.scope === 'tenant' ? `Tenant *${a.tenantId}*` : `Key *${a.keyId ?? ''}* of tenant *${a.tenantId}*`;
  const share = a.limitUsd > 0 ? Math.floor((a.spentUsd / a.limitUsd) * 100) : 100;
  const amounts = `${usdText(a.spentUsd)} of ${usdText(a.limitUsd)} (${share} %)`;
  return a.level === 'exhausted'
    ? `:no_entry: ${who} has used its ${a.period} budget: ${amounts}; requests are refused until the period ends.`
    : `:warning: ${who} has used ${Math.round(a.thresholdRatio * 100)} % of its ${a.period} budget: ${amounts}.`;
}

function healthLine(a: HealthAlert): string {
  const dep = `Deployment *${a.deploymentId}* (${a.model} on ${a.providerId}, ${a.upstreamModel})`;
  const until = a.until === undefined ? '' : ` until ${new Date(a.until).toISOString()}`;
  switch (a.transition) {
    case 'circuit_opened':
      return `:red_circle: ${dep}: circuit opened, out of rotation${until}; probes decide when it comes back.`;
    case 'circuit_closed':
      return `:large_green_circle: ${dep}: circuit closed, back in rotation.`;
    case 'ejected':
      return `:large_orange_circle: ${dep}: ejected after consecutive failures${until}.`;
  }
}

function stateOf(a: HealthAlert): string {
  switch (a.transition) {
    case 'circuit_opened':
      return 'open';
    case 'circuit_closed':
      return 'closed';
    case 'ejected':
      return 'ejected';
  }
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
