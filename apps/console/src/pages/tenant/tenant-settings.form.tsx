import { useState } from 'react';
import type { Plan, Tenant } from '../../api/admin-types';
import { CheckField, Field } from '../../forms/field';
import { listOf, listText, numberOrNull, numberText } from '../../forms/form-issues';
import { FormStatus } from '../../forms/form-status';
import { LIMIT_FIELDS, LimitsFields, type LimitsText, limitsBody, limitsText } from '../../forms/limits-fields';
import { useSubmit } from '../../forms/use-submit';
import type { Session } from '../../session/session';

interface SettingsText {
  name: string;
  limits: LimitsText;
  priceMultiplier: string;
  plan: string;
  spendAlerts: string;
  corsOrigins: string;
  captureContent: boolean;
  captureBodies: boolean;
}

const FIELDS = ['name', ...LIMIT_FIELDS, 'priceMultiplier', 'plan', 'alerts.spend', 'alerts', 'observability.captureContent', 'audit.captureBodies', 'cors.origins', 'cors'];

function settingsText(t: Tenant): SettingsText {
  return {
    name: t.name ?? '',
    limits: limitsText(t),
    priceMultiplier: numberText(t.priceMultiplier),
    plan: t.plan ?? '',
    spendAlerts: listText(t.alerts.spend),
    corsOrigins: listText(t.cors.origins),
    captureContent: t.observability.captureContent,
    captureBodies: t.audit.captureBodies,
  };
}

/**
 * A tenant's settings as PATCH /tenants/{id} takes them (platform admins; a tenant admin may not
 * change its own limits). Every field is sent: present replaces, empty clears.
 */
export function TenantSettingsForm({ session, tenant, plans, onSaved }: { session: Session; tenant: Tenant; plans: Plan[]; onSaved(tenant: Tenant): void }) {
  const [form, setForm] = useState(() => settingsText(tenant));
  const submit = useSubmit(FIELDS);
  const errors = submit.issues.fields;
  const save = submit.handler(async () => {
    const saved = await session.client.patch<Tenant>(`/tenants/${encodeURIComponent(tenant.id)}`, {
      name: form.name.trim() || null,
      ...limitsBody(form.limits),
      priceMultiplier: numberOrNull(form.priceMultiplier),
      plan: form.plan || null,
      alerts: { spend: listOf(form.spendAlerts).map((p) => numberOrNull(p)) },
      observability: { captureContent: form.captureContent },
      audit: { captureBodies: form.captureBodies },
      cors: { origins: listOf(form.corsOrigins) },
    });
    onSaved(saved);
    setForm(settingsText(saved));
    return `Tenant ${tenant.id} saved.`;
  });

  return (
    <form className="edit-form" onSubmit={save} aria-labelledby="tenant-settings-title" noValidate>
      <h2 id="tenant-settings-title">Tenant settings</h2>
      <Field id="ts-name" label="Name" value={form.name} onChange={(name) => setForm({ ...form, name })} error={errors['name']} />
      <LimitsFields prefix="ts" value={form.limits} onChange={(limits) => setForm({ ...form, limits })} errors={errors} />
      <fieldset>
        <legend>Browsers</legend>
        <Field
          id="ts-cors"
          label="CORS origins"
          hint="Web apps whose pages may call the API with this tenant's keys, such as https://app.example.com; * = any."
          value={form.corsOrigins}
          onChange={(corsOrigins) => setForm({ ...form, corsOrigins })}
          error={errors['cors.origins'] ?? errors['cors']}
        />
      </fieldset>
      <fieldset>
        <legend>Billing</legend>
        <div className="field">
          <label htmlFor="ts-plan">Plan</label>
          <select id="ts-plan" value={form.plan} aria-invalid={errors['plan'] ? true : undefined} aria-describedby={errors['plan'] ? 'ts-plan-error' : undefined} onChange={(e) => setForm({ ...form, plan: e.target.value })}>
            <option value="">No plan (pay as you go)</option>
            {plans.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name ? `${p.name} (${p.id})` : p.id}
              </option>
            ))}
          </select>
          {errors['plan'] && (
            <span id="ts-plan-error" className="field-error" role="alert">
              {errors['plan']}
            </span>
          )}
        </div>
        <Field id="ts-multiplier" label="Price multiplier" inputMode="decimal" hint="1.2 = 20 % markup; empty = 1." value={form.priceMultiplier} onChange={(priceMultiplier) => setForm({ ...form, priceMultiplier })} error={errors['priceMultiplier']} />
        <Field
          id="ts-alerts"
          label="Spend alerts (% of budget)"
          hint="Ascending percentages such as 50, 80, 100; empty = none."
          value={form.spendAlerts}
          onChange={(spendAlerts) => setForm({ ...form, spendAlerts })}
          error={errors['alerts.spend'] ?? errors['alerts']}
        />
      </fieldset>
      <fieldset>
        <legend>Observability and audit</legend>
        <CheckField id="ts-capture-content" label="Prompts and completions on traces" checked={form.captureContent} onChange={(captureContent) => setForm({ ...form, captureContent })} error={errors['observability.captureContent']} />
        <CheckField id="ts-capture-bodies" label="Keep request bodies in the request audit" checked={form.captureBodies} onChange={(captureBodies) => setForm({ ...form, captureBodies })} error={errors['audit.captureBodies']} />
      </fieldset>
      <span className="actions">
        <button type="submit" disabled={submit.busy}>
          Save tenant
        </button>
      </span>
      <FormStatus submit={submit} />
    </form>
  );
}
