import { useState } from 'react';
import type { AdminRole, AdminToken, AdminTokenWithSecret } from '../api/admin-types';
import { DataTable } from '../components/data-table';
import { when } from '../components/format';
import { SecretOnce } from '../components/secret-once';
import { ErrorNote, Loading } from '../components/status-note';
import { describeError, useLoad } from '../components/use-load';
import { Field } from '../forms/field';
import { FormStatus } from '../forms/form-status';
import { useSubmit } from '../forms/use-submit';
import type { Session } from '../session/session';

const ROLES: { value: AdminRole; label: string }[] = [
  { value: 'platform', label: 'Platform: everything' },
  { value: 'read-only', label: 'Read-only: every page, no change' },
  { value: 'tenant', label: "Tenant admin: one tenant's keys, usage and logs" },
];

/**
 * Named admin tokens (platform admins; read-only admins may list them): create one with a role
 * — its secret shown once — and revoke. A revoked token's row stays, so the audit log keeps its name.
 * A read-only token only lists them.
 */
export function AdminTokensPage({ session }: { session: Session }) {
  const tokens = useLoad(() => session.client.get<{ tokens: AdminToken[] }>('/admin-tokens'), [session]);
  const [name, setName] = useState('');
  const [role, setRole] = useState<AdminRole>('tenant');
  const [tenantId, setTenantId] = useState('');
  const [secret, setSecret] = useState<{ label: string; value: string }>();
  const [error, setError] = useState<string>();
  const submit = useSubmit(['name', 'role', 'tenantId']);
  const errors = submit.issues.fields;
  const writable = !session.readOnly;

  const create = submit.handler(async () => {
    const made = await session.client.post<AdminTokenWithSecret>('/admin-tokens', { name: name.trim(), role, ...(role === 'tenant' && { tenantId: tenantId.trim() }) });
    setSecret({ label: `New admin token ${made.token.name} (${made.token.role}${made.token.tenantId ? ` of ${made.token.tenantId}` : ''})`, value: made.secret });
    setName('');
    setTenantId('');
    tokens.reload();
    return `Admin token ${made.token.name} created.`;
  });
  const revoke = async (token: AdminToken) => {
    if (!confirm(`Revoke admin token ${token.name}? Its holder is signed out at once.`)) return;
    setError(undefined);
    try {
      await session.client.delete(`/admin-tokens/${token.id}`);
      tokens.reload();
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <section aria-labelledby="tokens-title">
      <h1 id="tokens-title">Admin tokens</h1>
      {writable && (
      <form className="edit-form" onSubmit={create} aria-labelledby="create-token-title" noValidate>
        <h2 id="create-token-title">Create an admin token</h2>
        <Field id="token-name" label="Token name" hint="Letters, digits and . _ @ + -; the audit log names its actions token:<name>. Never reused." value={name} onChange={setName} error={errors['name']} />
        <div className="field">
          <label htmlFor="token-role">Role</label>
          <select id="token-role" value={role} onChange={(e) => setRole(e.target.value as AdminRole)}>
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        {role === 'tenant' && <Field id="token-tenant" label="Tenant it administers" value={tenantId} onChange={setTenantId} error={errors['tenantId']} />}
        <span className="actions">
          <button type="submit" disabled={submit.busy}>
            Create admin token
          </button>
        </span>
        <FormStatus submit={submit} />
      </form>
      )}
      {secret && <SecretOnce label={secret.label} secret={secret.value} onDismiss={() => setSecret(undefined)} />}
      <ErrorNote error={error} />
      <Loading loading={tokens.loading} />
      <ErrorNote error={tokens.error} />
      <DataTable
        caption="Named admin tokens"
        rows={tokens.data?.tokens ?? []}
        failed={!!tokens.error}
        rowKey={(t) => t.id}
        empty="No named admin tokens yet (the bootstrap token is not listed)."
        columns={[
          { header: 'Name', cell: (t) => t.name },
          { header: 'Role', cell: (t) => t.role },
          { header: 'Tenant', cell: (t) => t.tenantId ?? '—' },
          { header: 'Prefix', cell: (t) => <code>{t.prefix}</code> },
          { header: 'Status', cell: (t) => (t.revokedAt ? `${t.status} ${when(t.revokedAt)}` : t.status) },
          { header: 'Created', cell: (t) => when(t.createdAt) },
          {
            header: 'Actions',
            cell: (t) =>
              t.status === 'active' && writable ? (
                <button type="button" className="danger" onClick={() => void revoke(t)} aria-label={`Revoke admin token ${t.name}`}>
                  Revoke
                </button>
              ) : (
                '—'
              ),
          },
        ]}
      />
    </section>
  );
}
