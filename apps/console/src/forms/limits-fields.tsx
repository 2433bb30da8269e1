import type { AccessLimits } from '../api/admin-types';
import { Field } from './field';
import { listOf, listText, numberOrNull, numberText } from './form-issues';

/** The limits a tenant and a key share, as the form holds them (text, as typed). */
export interface LimitsText {
  rpm: string;
  tpm: string;
  concurrency: string;
  dailyUsd: string;
  monthlyUsd: string;
  models: string;
  regions: string;
  ips: string;
}

/** The API paths these fields answer for, to place its complaints (form-issues.ts). */
export const LIMIT_FIELDS = ['rpm', 'tpm', 'concurrency', 'budget.dailyUsd', 'budget.monthlyUsd', 'budget', 'models', 'regions', 'ips'] as const;

export function limitsText(v: AccessLimits): LimitsText {
  return {
    rpm: numberText(v.rpm),
    tpm: numberText(v.tpm),
    concurrency: numberText(v.concurrency),
    dailyUsd: numberText(v.budget.dailyUsd),
    monthlyUsd: numberText(v.budget.monthlyUsd),
    models: listText(v.models),
    regions: listText(v.regions),
    ips: listText(v.ips),
  };
}

/** The PATCH fields (docs/admin-api.md): each present replaces, an empty number clears the limit, an empty list means any. */
export function limitsBody(t: LimitsText): Record<string, unknown> {
  return {
    rpm: numberOrNull(t.rpm),
    tpm: numberOrNull(t.tpm),
    concurrency: numberOrNull(t.concurrency),
    budget: { dailyUsd: numberOrNull(t.dailyUsd), monthlyUsd: numberOrNull(t.monthlyUsd) },
    models: listOf(t.models),
    regions: listOf(t.regions),
    ips: listOf(t.ips),
  };
}

/** The limit inputs, each labelled (ids start with `prefix`, so two forms on a page do not clash). */
export function LimitsFields({ prefix, value, onChange, errors }: { prefix: string; value: LimitsText; onChange(next: LimitsText): void; errors: Record<string, string> }) {
  const set = (field: keyof LimitsText) => (text: string) => onChange({ ...value, [field]: text });
  return (
    <>
      <fieldset>
        <legend>Rate limits (empty: no limit)</legend>
        <Field id={`${prefix}-rpm`} label="Requests per minute" inputMode="numeric" value={value.rpm} onChange={set('rpm')} error={errors['rpm']} />
        <Field id={`${prefix}-tpm`} label="Tokens per minute" inputMode="numeric" value={value.tpm} onChange={set('tpm')} error={errors['tpm']} />
        <Field id={`${prefix}-concurrency`} label="Concurrent requests" inputMode="numeric" value={value.concurrency} onChange={set('concurrency')} error={errors['concurrency']} />
      </fieldset>
      <fieldset>
        <legend>Budgets in USD (empty: none)</legend>
        <Field id={`${prefix}-daily`} label="Daily budget (USD)" inputMode="decimal" value={value.dailyUsd} onChange={set('dailyUsd')} error={errors['budget.dailyUsd'] ?? errors['budget']} />
        <Field id={`${prefix}-monthly`} label="Monthly budget (USD)" inputMode="decimal" value={value.monthlyUsd} onChange={set('monthlyUsd')} error={errors['budget.monthlyUsd']} />
      </fieldset>
      <fieldset>
        <legend>Allow-lists (comma-separated; empty: any)</legend>
        <Field id={`${prefix}-models`} label="Allowed models" hint="Public model names; * matches any characters." value={value.models} onChange={set('models')} error={errors['models']} />
        <Field id={`${prefix}-regions`} label="Allowed regions" value={value.regions} onChange={set('regions')} error={errors['regions']} />
        <Field id={`${prefix}-ips`} label="Allowed client IPs" hint="Addresses or CIDR ranges such as 10.0.0.0/8." value={value.ips} onChange={set('ips')} error={errors['ips']} />
      </fieldset>
    </>
  );
}
