import { useState } from 'react';
import { AdminError } from '../../api/admin-error';
import type { Plan, Tenant } from '../../api/admin-types';
import { FieldError } from '../../forms/field';
import { FormStatus } from '../../forms/form-status';
import { useSubmit } from '../../forms/use-submit';
import type { Session } from '../../session/session';

/** Puts a tenant on a plan, or takes it off (PATCH /tenants/{id} with `plan`). */
export function PlanAssignForm({ session, plans, tenants, onSaved }: { session: Session; plans: Plan[]; tenants: Tenant[]; onSaved(): void }) {
  const [tenantId, setTenantId] = useState('');
  const [planId, setPlanId] = useState('');
  const submit = useSubmit(['plan']);
  const assign = submit.handler(async () => {
    if (!tenantId) throw new AdminError(0, 'input', 'Choose a tenant.');
    await session.client.patch<Tenant>(`/tenants/${encodeURIComponent(tenantId)}`, { plan: planId || null });
    onSaved();
    return planId ? `Tenant ${tenantId} is on plan ${planId}.` : `Tenant ${tenantId} is on no plan.`;
  });

  return (
    <form className="inline-form" onSubmit={assign} aria-labelledby="assign-plan-title" noValidate>
      <h2 id="assign-plan-title">Assign a plan</h2>
      <label htmlFor="assign-tenant">Tenant</label>
      <select id="assign-tenant" value={tenantId} onChange={(e) => setTenantId(e.target.value)}>
        <option value="">Choose a tenant</option>
        {tenants.map((t) => (
          <option key={t.id} value={t.id}>
            {t.id}
            {t.plan ? ` (now ${t.plan})` : ''}
          </option>
        ))}
      </select>
      <label htmlFor="assign-plan">Plan</label>
      <select id="assign-plan" value={planId} aria-describedby={submit.issues.fields['plan'] ? 'assign-plan-error' : undefined} onChange={(e) => setPlanId(e.target.value)}>
        <option value="">No plan (pay as you go)</option>
        {plans.map((p) => (
          <option key={p.id} value={p.id}>
            {p.id}
          </option>
        ))}
      </select>
      <button type="submit" disabled={submit.busy}>
        Assign plan
      </button>
      <FieldError id="assign-plan-error" error={submit.issues.fields['plan']} />
      <FormStatus submit={submit} />
    </form>
  );
}
