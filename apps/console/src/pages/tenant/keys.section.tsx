import { type FormEvent, useState } from 'react';
import type { Key, KeyWithSecret } from '../../api/admin-types';
import { DataTable } from '../../components/data-table';
import { count, usd, when } from '../../components/format';
import { SecretOnce } from '../../components/secret-once';
import { ErrorNote, Loading } from '../../components/status-note';
import { describeError, useLoad } from '../../components/use-load';
import type { Session } from '../../session/session';
import { KeySettingsForm } from './key-settings.form';

/** One tenant's keys: create (the secret shown once), edit, rotate, revoke. */
export function KeysSection({ session, tenantId }: { session: Session; tenantId: string }) {
  const base = `/tenants/${encodeURIComponent(tenantId)}`;
  const keys = useLoad(() => session.client.get<{ keys: Key[] }>(`${base}/keys`), [session, base]);
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<{ label: string; value: string }>();
  const [editing, setEditing] = useState<string>();
  const [error, setError] = useState<string>();

  const act = async (what: () => Promise<void>) => {
    setError(undefined);
    try {
      await what();
      keys.reload();
    } catch (err) {
      setError(describeError(err));
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const made = await session.client.post<KeyWithSecret>(`${base}/keys`, name.trim() ? { name: name.trim() } : {});
      setSecret({ label: `New key ${made.key.name ?? made.key.prefix}`, value: made.secret });
      setName('');
    });
  };
  const revoke = (key: Key) => {
    if (!confirm(`Revoke key ${key.name ?? key.prefix}? Requests with it stop at once.`)) return;
    void act(async () => {
      await session.client.post(`${base}/keys/${key.id}/revoke`);
      setSecret(undefined);
    });
  };
  const rotate = (key: Key) =>
    void act(async () => {
      const made = await session.client.post<KeyWithSecret>(`${base}/keys/${key.id}/rotate`, {});
      setSecret({ label: `Rotated key ${made.key.name ?? made.key.prefix} (the old secret works for 24 hours)`, value: made.secret });
    });
  const editedKey = keys.data?.keys.find((k) => k.id === editing);

  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">Keys</h2>
      <form className="inline-form" onSubmit={create} aria-labelledby="create-key-title">
        <h3 id="create-key-title">Create a key</h3>
        <label htmlFor="key-name">Key name</label>
        <input id="key-name" value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit">Create key</button>
      </form>
      {secret && <SecretOnce label={secret.label} secret={secret.value} onDismiss={() => setSecret(undefined)} />}
      <ErrorNote error={error} />
      <Loading loading={keys.loading} />
      <ErrorNote error={keys.error} />
      <DataTable
        caption={`Keys of ${tenantId}`}
        rows={keys.data?.keys ?? []}
        rowKey={(k) => k.id}
        empty="No keys yet."
        columns={[
          { header: 'Name', cell: (k) => k.name ?? '—' },
          { header: 'Prefix', cell: (k) => <code>{k.prefix}</code> },
          { header: 'Status', cell: (k) => k.status + (k.rotation?.previousActive ? ` (old secret ${k.rotation.previousPrefix} until ${when(k.rotation.previousExpiresAt)})` : '') },
          { header: 'RPM', numeric: true, cell: (k) => count(k.rpm) },
          { header: 'TPM', numeric: true, cell: (k) => count(k.tpm) },
          { header: 'Budget day / month', cell: (k) => `${usd(k.budget.dailyUsd)} / ${usd(k.budget.monthlyUsd)}` },
          { header: 'Models', cell: (k) => (k.models.length ? k.models.join(', ') : 'all') },
          { header: 'Expires', cell: (k) => (k.expiresAt ? when(k.expiresAt) : 'never') },
          { header: 'Id', cell: (k) => <code>{k.id}</code> },
          { header: 'Created', cell: (k) => when(k.createdAt) },
          {
            header: 'Actions',
            cell: (k) => (
              <span className="actions">
                <button type="button" onClick={() => setEditing(k.id)} aria-label={`Edit key ${k.name ?? k.prefix}`}>
                  Edit
                </button>
                {k.status === 'active' && (
                  <>
                    <button type="button" onClick={() => rotate(k)} aria-label={`Rotate key ${k.name ?? k.prefix}`}>
                      Rotate
                    </button>
                    <button type="button" className="danger" onClick={() => revoke(k)} aria-label={`Revoke key ${k.name ?? k.prefix}`}>
                      Revoke
                    </button>
                  </>
                )}
              </span>
            ),
          },
        ]}
      />
      {editedKey && <KeySettingsForm key={editedKey.id} session={session} tenantId={tenantId} keyRow={editedKey} onSaved={keys.reload} onClose={() => setEditing(undefined)} />}
    </section>
  );
}
