import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { AuditRow, Key, KeyWithSecret } from '../../api/admin-types';
import { DataTable } from '../../components/data-table';
import { count, usd, when } from '../../components/format';
import { RotateConfirm } from '../../components/rotate-confirm';
import { SecretOnce } from '../../components/secret-once';
import { ErrorNote, Loading } from '../../components/status-note';
import { describeError, useLoad } from '../../components/use-load';
import type { Session } from '../../session/session';
import { KeySettingsForm } from './key-settings.form';

/** One tenant's keys: create (the secret shown once), edit, rotate, revoke. */
export function KeysSection({ session, tenantId }: { session: Session; tenantId: string }) {
  const base = `/tenants/${encodeURIComponent(tenantId)}`;
  const keys = useLoad(() => session.client.get<{ keys: Key[] }>(`${base}/keys`), [session, base]);
  // Keys the config file declared (their audit rows were written by the file's apply): rotating
  // one here leaves the old secret in the file and its environment.
  const audit = useLoad(() => session.client.get<{ rows: AuditRow[] }>('/audit', { entity: 'key', tenant: tenantId, limit: 1000 }), [session, tenantId]);
  const fromFile = new Set((audit.data?.rows ?? []).filter(declaredByFile).map((r) => r.entityId));
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<{ label: string; value: string }>();
  const [editing, setEditing] = useState<string>();
  const [error, setError] = useState<string>();
  // What just happened (revoked, stored), announced and focused so the keyboard does not fall to the page's top.
  const [done, setDone] = useState<string>();
  const [rotating, setRotating] = useState<Key>();
  const doneNote = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (done) doneNote.current?.focus();
  }, [done]);

  const act = async (what: () => Promise<void>) => {
    setError(undefined);
    setDone(undefined);
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
      setDone(`Key ${key.name ?? key.prefix} revoked.`);
    });
  };
  const rotate = (key: Key, graceSeconds: number, graceText: string) =>
    void act(async () => {
      const made = await session.client.post<KeyWithSecret>(`${base}/keys/${key.id}/rotate`, { graceSeconds });
      setRotating(undefined);
      setSecret({ label: `Rotated key ${made.key.name ?? made.key.prefix} (${graceText})`, value: made.secret });
    });
  const editedKey = keys.data?.keys.find((k) => k.id === editing);
  // A read-only token is offered no change: no create, edit, rotate or revoke.
  const writable = !session.readOnly;

  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">Keys</h2>
      {writable && (
      <form className="inline-form" onSubmit={create} aria-labelledby="create-key-title">
        <h3 id="create-key-title">Create a key</h3>
        <label htmlFor="key-name">Key name</label>
        <input id="key-name" value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit">Create key</button>
      </form>
      )}
      {rotating && <RotateConfirm keyLabel={rotating.name ?? rotating.prefix} fromConfigFile={fromFile.has(rotating.id)} onRotate={(grace, text) => rotate(rotating, grace, text)} onCancel={() => setRotating(undefined)} />}
      {secret && (
        <SecretOnce
          label={secret.label}
          secret={secret.value}
          onDismiss={() => {
            setSecret(undefined);
            setDone('The secret is hidden now; it cannot be shown again.');
          }}
        />
      )}
      <p role="status" className="ok" tabIndex={-1} ref={doneNote}>
        {done}
      </p>
      <ErrorNote error={error} />
      <Loading loading={keys.loading} />
      <ErrorNote error={keys.error} />
      <DataTable
        caption={`Keys of ${tenantId}`}
        rows={keys.data?.keys ?? []}
        failed={!!keys.error}
        rowKey={(k) => k.id}
        empty="No keys yet."
        columns={[
          { header: 'Name', cell: (k) => k.name ?? '—' },
          { header: 'Prefix', cell: (k) => <code className="prefix">{k.prefix}</code> },
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
            cell: (k) =>
              writable ? (
                <span className="actions">
                  <button type="button" onClick={() => setEditing(k.id)} aria-label={`Edit key ${k.name ?? k.prefix}`}>
                    Edit
                  </button>
                  {k.status === 'active' && (
                    <>
                      <button type="button" onClick={() => setRotating(k)} aria-label={`Rotate key ${k.name ?? k.prefix}`}>
                        Rotate
                      </button>
                      <button type="button" className="danger" onClick={() => revoke(k)} aria-label={`Revoke key ${k.name ?? k.prefix}`}>
                        Revoke
                      </button>
                    </>
                  )}
                </span>
              ) : (
                '—'
              ),
          },
        ]}
      />
      {writable && editedKey && <KeySettingsForm key={editedKey.id} session={session} tenantId={tenantId} keyRow={editedKey} onSaved={keys.reload} onClose={() => setEditing(undefined)} />}
    </section>
  );
}

/** An audit row of a key written by the config file's apply (at start, actor `config`; `switchyard apply`, `cli`), whose state names `tenant`, not `tenantId`. */
function declaredByFile(r: AuditRow): boolean {
  const after = r.after;
  return r.actor === 'config' || r.actor === 'cli' || (after !== null && typeof after === 'object' && 'tenant' in after);
}
