import { useState } from 'react';
import type { Plan, PlanOverage } from '../../api/admin-types';
import { Field, FieldError } from '../../forms/field';
import { numberOrNull, numberText } from '../../forms/form-issues';
import { FormStatus } from '../../forms/form-status';
import { useSubmit } from '../../forms/use-submit';
import type { Session } from '../../session/session';

type IncludedUnit = 'none' | 'usd' | 'tokens';

interface PlanText {
  id: string;
  name: string;
  monthlyFeeUsd: string;
  includedUnit: IncludedUnit;
  included: string;
  overage: PlanOverage;
  overageMultiplier: string;
}

const FIELDS = ['id', 'name', 'monthlyFeeUsd', 'included.usd', 'included.tokens', 'included', 'overage', 'overageMultiplier'];
const EMPTY: PlanText = { id: '', name: '', monthlyFeeUsd: '', includedUnit: 'none', included: '', overage: 'price', overageMultiplier: '' };

function planText(p: Plan): PlanText {
  const unit: IncludedUnit = p.included?.usd !== undefined ? 'usd' : p.included?.tokens !== undefined ? 'tokens' : 'none';
  return {
    id: p.id,
    name: p.name ?? '',
    monthlyFeeUsd: numberText(p.monthlyFeeUsd),
    includedUnit: unit,
    included: numberText(unit === 'usd' ? p.included?.usd : unit === 'tokens' ? p.included?.tokens : undefined),
    overage: p.overage,
    overageMultiplier: numberText(p.overageMultiplier),
  };
}

/** The fields POST /plans and PATCH /plans/{id} share (docs/admin-api.md): empty clears, or leaves the fee at its default. */
function planBody(t: PlanText): Record<string, unknown> {
  const fee = numberOrNull(t.monthlyFeeUsd);
  return {
    name: t.name.trim() || null,
    ...(fee !== null && { monthlyFeeUsd: fee }),
    included: t.includedUnit === 'none' ? null : { [t.includedUnit]: numberOrNull(t.included) },
    overage: t.overage,
    overageMultiplier: numberOrNull(t.overageMultiplier),
  };
}

/** Creates a plan (no `plan` given) or edits one; the tenants on a plan follow its change at once. */
export function PlanForm({ session, plan, onSaved, onClose }: { session: Session; plan?: Plan; onSaved(): void; onClose?(): void }) {
  const [form, setForm] = useState(() => (plan ? planText(plan) : EMPTY));
  const submit = useSubmit(FIELDS);
  const errors = submit.issues.fields;
  const p = plan ? `plan-${plan.id}` : 'new-plan';
  const save = submit.handler(async () => {
    if (plan) {
      const saved = await session.client.patch<Plan>(`/plans/${encodeURIComponent(plan.id)}`, planBody(form));
      setForm(planText(saved));
      onSaved();
      return `Plan ${saved.id} saved.`;
    }
    const made = await session.client.post<Plan>('/plans', { id: form.id.trim(), ...planBody(form) });
    setForm(EMPTY);
    onSaved();
    return `Plan ${made.id} created.`;
  });
  const title = plan ? `Edit plan ${plan.id}` : 'Create a plan';

  return (
    <form className="edit-form" onSubmit={save} aria-label={title} noValidate>
      <h2>{title}</h2>
      {!plan && <Field id={`${p}-id`} label="Plan id" required value={form.id} onChange={(id) => setForm({ ...form, id })} error={errors['id']} />}
      <Field id={`${p}-name`} label="Plan name" value={form.name} onChange={(name) => setForm({ ...form, name })} error={errors['name']} />
      <Field id={`${p}-fee`} label="Monthly fee (USD)" inputMode="decimal" hint="Charged each month whatever the usage; empty = 0." value={form.monthlyFeeUsd} onChange={(monthlyFeeUsd) => setForm({ ...form, monthlyFeeUsd })} error={errors['monthlyFeeUsd']} />
      <fieldset>
        <legend>Included each month</legend>
        <div className="field">
          <label htmlFor={`${p}-unit`}>Included unit</label>
          <select id={`${p}-unit`} value={form.includedUnit} onChange={(e) => setForm({ ...form, includedUnit: e.target.value as IncludedUnit })}>
            <option value="none">Nothing included</option>
            <option value="usd">USD of usage</option>
            <option value="tokens">Tokens (input + output)</option>
          </select>
        </div>
        {form.includedUnit !== 'none' && (
          <Field
            id={`${p}-included`}
            label={form.includedUnit === 'usd' ? 'Included USD' : 'Included tokens'}
            inputMode="decimal"
            value={form.included}
            onChange={(included) => setForm({ ...form, included })}
            error={errors[`included.${form.includedUnit}`] ?? errors['included']}
          />
        )}
      </fieldset>
      <fieldset>
        <legend>Past the included usage</legend>
        <div className="field">
          <label htmlFor={`${p}-overage`}>Overage</label>
          <select id={`${p}-overage`} value={form.overage} onChange={(e) => setForm({ ...form, overage: e.target.value as PlanOverage })}>
            <option value="price">Charged at the price</option>
            <option value="stop">Refused</option>
          </select>
          <FieldError id={`${p}-overage-error`} error={errors['overage']} />
        </div>
        <Field id={`${p}-multiplier`} label="Overage multiplier" inputMode="decimal" hint="Charged overage only: the catalogue price times this; empty = 1." value={form.overageMultiplier} onChange={(overageMultiplier) => setForm({ ...form, overageMultiplier })} error={errors['overageMultiplier']} />
      </fieldset>
      <span className="actions">
        <button type="submit" disabled={submit.busy}>
          {plan ? 'Save plan' : 'Create plan'}
        </button>
        {onClose && (
          <button type="button" onClick={onClose}>
            Close
          </button>
        )}
      </span>
      <FormStatus submit={submit} />
    </form>
  );
}
