import { useEffect, useRef, useState } from 'react';
import type { Key } from '../../api/admin-types';
import { Field } from '../../forms/field';
import { FormStatus } from '../../forms/form-status';
import { LIMIT_FIELDS, LimitsFields, type LimitsText, limitsBody, limitsText } from '../../forms/limits-fields';
import { useSubmit } from '../../forms/use-submit';
import type { Session } from '../../session/session';

const FIELDS = ['name', ...LIMIT_FIELDS, 'expiresAt'];

interface KeyText {
  name: string;
  limits: LimitsText;
  /** `YYYY-MM-DDTHH:MM` in UTC, as a datetime-local input holds it. */
  expiresAt: string;
}

function keyText(k: Key): KeyText {
  return { name: k.name ?? '', limits: limitsText(k), expiresAt: k.expiresAt ? k.expiresAt.slice(0, 16) : '' };
}

/** The input's wall-clock time read as UTC (the label says so), as the API's ISO 8601 with a zone. */
function expiresAtBody(text: string): string | null {
  const t = text.trim();
  if (!t) return null;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(t) ? `${t}:00Z` : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(t) ? `${t}Z` : t;
}

/**
 * A key's name, limits, budgets, allow-lists and expiry (PATCH …/keys/{id}); a tenant admin may
 * change all of these for its own keys. Focus moves to the form when it opens.
 */
export function KeySettingsForm({ session, tenantId, keyRow, onSaved, onClose }: { session: Session; tenantId: string; keyRow: Key; onSaved(): void; onClose(): void }) {
  const [form, setForm] = useState(() => keyText(keyRow));
  const submit = useSubmit(FIELDS);
  const errors = submit.issues.fields;
  const heading = useRef<HTMLHeadingElement>(null);
  const label = keyRow.name ?? keyRow.prefix;
  useEffect(() => heading.current?.focus(), [keyRow.id]);
  const save = submit.handler(async () => {
    const saved = await session.client.patch<Key>(`/tenants/${encodeURIComponent(tenantId)}/keys/${keyRow.id}`, {
      name: form.name.trim() || null,
      ...limitsBody(form.limits),
      expiresAt: expiresAtBody(form.expiresAt),
    });
    setForm(keyText(saved));
    onSaved();
    return `Key ${saved.name ?? saved.prefix} saved.`;
  });

  return (
    <form className="edit-form" onSubmit={save} aria-labelledby="key-settings-title" noValidate>
      <h2 id="key-settings-title" tabIndex={-1} ref={heading}>
        Settings of key {label}
      </h2>
      <Field id="ks-name" label="Key name" value={form.name} onChange={(name) => setForm({ ...form, name })} error={errors['name']} />
      <LimitsFields prefix="ks" value={form.limits} onChange={(limits) => setForm({ ...form, limits })} errors={errors} />
      <fieldset>
        <legend>Expiry</legend>
        <Field id="ks-expires" type="datetime-local" label="Expires at (UTC)" hint="Empty: never expires." value={form.expiresAt} onChange={(expiresAt) => setForm({ ...form, expiresAt })} error={errors['expiresAt']} />
      </fieldset>
      <span className="actions">
        <button type="submit" disabled={submit.busy}>
          Save key
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </span>
      <FormStatus submit={submit} />
    </form>
  );
}
