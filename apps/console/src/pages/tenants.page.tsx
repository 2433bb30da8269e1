import { type FormEvent, useState } from 'react';
import type { Tenant } from '../api/admin-types';
import { DataTable } from '../components/data-table';
import { count, when } from '../components/format';
import { ErrorNote, Loading } from '../components/status-note';
import { describeError, useLoad } from '../components/use-load';
import type { Route } from '../session/route';
import type { Session } from '../session/session';
import { Link } from '../components/link';

/** Tenants (a platform admin's view) and the form that creates one. */
export function TenantsPage({ session, navigate }: { session: Session; navigate(route: Route): void }) {
  const tenants = useLoad(() => session.client.get<{ tenants: Tenant[] }>('/tenants'), [session]);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [rpm, setRpm] = useState('');
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setDone(undefined);
    try {
      await session.client.post('/tenants', { id: id.trim(), ...(name.trim() && { name: name.trim() }), ...(rpm && { rpm: Number(rpm) }) });
      setDone(`Tenant ${id.trim()} created.`);
      setId('');
      setName('');
      setRpm('');
      tenants.reload();
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <section aria-labelledby="tenants-title">
      <h1 id="tenants-title">Tenants and keys</h1>
      {!session.readOnly && (
      <form className="inline-form" onSubmit={(e) => void create(e)} aria-labelledby="create-tenant-title">
        <h2 id="create-tenant-title">Create a tenant</h2>
        <label htmlFor="tenant-id">Tenant id</label>
        <input id="tenant-id" required pattern="[A-Za-z0-9][A-Za-z0-9._\-]*" aria-describedby="tenant-id-hint" title="Letters, digits, dot, underscore and hyphen; starting with a letter or digit" value={id} onChange={(e) => setId(e.target.value)} />
        <span id="tenant-id-hint" className="hint">
          letters, digits, <code>.</code> <code>_</code> <code>-</code>; starts with a letter or digit
        </span>
        <label htmlFor="tenant-name">Name</label>
        <input id="tenant-name" value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="tenant-rpm">Requests per minute</label>
        <input id="tenant-rpm" type="number" min={1} value={rpm} onChange={(e) => setRpm(e.target.value)} />
        <button type="submit">Create tenant</button>
      </form>
      )}
      <ErrorNote error={error} />
      {done && (
        <p role="status" className="ok">
          {done}
        </p>
      )}
      <Loading loading={tenants.loading} />
      <ErrorNote error={tenants.error} />
      <DataTable
        caption="Tenants"
        rows={tenants.data?.tenants ?? []}
        failed={!!tenants.error}
        rowKey={(t) => t.id}
        empty="No tenants yet."
        columns={[
          { header: 'Id', cell: (t) => <Link route={{ page: 'tenant', tenantId: t.id }} navigate={navigate}>{t.id}</Link> },
          { header: 'Name', cell: (t) => t.name ?? '—' },
          { header: 'RPM', numeric: true, cell: (t) => count(t.rpm) },
          { header: 'TPM', numeric: true, cell: (t) => count(t.tpm) },
          { header: 'Models', cell: (t) => (t.models.length ? t.models.join(', ') : 'all') },
          { header: 'Plan', cell: (t) => t.plan ?? '—' },
          { header: 'Created', cell: (t) => when(t.createdAt) },
        ]}
      />
    </section>
  );
}
