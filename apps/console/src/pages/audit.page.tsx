import { type FormEvent, useState } from 'react';
import type { AuditRow } from '../api/admin-types';
import { DataTable } from '../components/data-table';
import { when } from '../components/format';
import { ErrorNote, Loading } from '../components/status-note';
import { useLoad } from '../components/use-load';
import type { Session } from '../session/session';

const PAGE = 100;
// The entities the admin API audits (its `entity` column; docs/admin-api.md, audit).
const ENTITIES = ['tenant', 'key', 'provider', 'model', 'deployment', 'price', 'plan', 'credit', 'admin-token', 'request-bodies'] as const;

/** The admin audit log (GET /audit): who changed what, newest first, paged back by time. */
export function AuditPage({ session }: { session: Session }) {
  const [entity, setEntity] = useState('');
  const [actor, setActor] = useState('');
  const [applied, setApplied] = useState<{ entity: string; actor: string; before: string | undefined }>({ entity: '', actor: '', before: undefined });
  const page = useLoad(
    () => session.client.get<{ rows: AuditRow[] }>('/audit', { entity: applied.entity || undefined, actor: applied.actor || undefined, tenant: session.tenantId, before: applied.before, limit: PAGE }),
    [session, applied],
  );
  const rows = page.data?.rows ?? [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setApplied({ entity: entity.trim(), actor: actor.trim(), before: undefined });
  };
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form className="inline-form" onSubmit={submit}>
        <label htmlFor="audit-entity">Entity</label>
        <select id="audit-entity" value={entity} onChange={(e) => setEntity(e.target.value)}>
          <option value="">any</option>
          {ENTITIES.map((e) => (
            <option key={e} value={e}>
              {e}
            </option>
          ))}
        </select>
        <label htmlFor="audit-actor">Actor</label>
        <input id="audit-actor" value={actor} onChange={(e) => setActor(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      <Loading loading={page.loading} />
      <ErrorNote error={page.error} />
      <DataTable
        caption="Changes, newest first"
        rows={rows}
        failed={!!page.error}
        rowKey={(r) => r.id}
        empty="No changes match."
        columns={[
          { header: 'At', cell: (r) => when(r.at) },
          { header: 'Actor', cell: (r) => r.actor },
          { header: 'Action', cell: (r) => r.action },
          { header: 'Entity', cell: (r) => r.entity },
          { header: 'Entity id', cell: (r) => <code>{r.entityId}</code> },
          {
            header: 'State after the change',
            cell: (r) =>
              r.after === null ? (
                '—'
              ) : (
                <details>
                  <summary>
                    {r.entity} {r.entityId} after {r.action}
                  </summary>
                  <pre>{JSON.stringify(r.after, null, 2)}</pre>
                </details>
              ),
          },
        ]}
      />
      <nav aria-label="Audit pages" className="pager">
        <button type="button" disabled={applied.before === undefined} onClick={() => setApplied({ ...applied, before: undefined })}>
          Newest
        </button>
        <button type="button" disabled={rows.length < PAGE} onClick={() => setApplied({ ...applied, before: rows[rows.length - 1]?.at })}>
          Older
        </button>
      </nav>
    </section>
  );
}
