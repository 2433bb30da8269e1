import { type FormEvent, useState } from 'react';
import type { RequestRow } from '../api/admin-types';
import { DataTable } from '../components/data-table';
import { download } from '../components/download';
import { when } from '../components/format';
import { KeyLabel, useKeyNames } from '../components/key-names';
import { ErrorNote, Loading } from '../components/status-note';
import { TenantOptions } from '../components/tenant-options';
import { describeError, useLoad } from '../components/use-load';
import type { Session } from '../session/session';

const OUTCOMES = ['', 'ok', 'error', 'aborted', 'refused'] as const;
const PAGE = 100;

interface Filters {
  tenant: string;
  model: string;
  outcome: string;
  cursor: string | undefined;
}

/** The request audit (GET /audit/requests), newest first, one page at a time. */
export function RequestsPage({ session }: { session: Session }) {
  const [form, setForm] = useState<Filters>({ tenant: session.tenantId ?? '', model: '', outcome: '', cursor: undefined });
  const [applied, setApplied] = useState(form);
  const [cursors, setCursors] = useState<(string | undefined)[]>([]);
  const query = { tenant: applied.tenant || undefined, model: applied.model || undefined, outcome: applied.outcome || undefined, cursor: applied.cursor, limit: PAGE };
  const page = useLoad(() => session.client.get<{ rows: RequestRow[]; nextCursor: string | null }>('/audit/requests', query), [session, applied]);
  const [error, setError] = useState<string>();
  const keyNames = useKeyNames(session, (page.data?.rows ?? []).map((r) => r.tenantId));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setCursors([]);
    setApplied({ ...form, tenant: form.tenant.trim(), model: form.model.trim(), cursor: undefined });
  };
  const exportCsv = async () => {
    setError(undefined);
    try {
      download('requests.csv', await session.client.csv('/audit/requests', query));
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <section aria-labelledby="requests-title">
      <h1 id="requests-title">Request log</h1>
      <form className="inline-form" onSubmit={submit}>
        <label htmlFor="req-tenant">Tenant</label>
        <TenantOptions session={session} id="req-tenant-options" />
        <input id="req-tenant" list={session.tenantId ? undefined : 'req-tenant-options'} value={form.tenant} readOnly={session.tenantId !== undefined} onChange={(e) => setForm({ ...form, tenant: e.target.value })} />
        <label htmlFor="req-model">Model</label>
        <input id="req-model" value={form.model} onChange={(e) => setForm({ ...form, model: e.target.value })} />
        <label htmlFor="req-outcome">Outcome</label>
        <select id="req-outcome" value={form.outcome} onChange={(e) => setForm({ ...form, outcome: e.target.value })}>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o || 'any'}
            </option>
          ))}
        </select>
        <button type="submit">Search</button>
        <button type="button" onClick={() => void exportCsv()}>
          Export page CSV
        </button>
      </form>
      <ErrorNote error={error} />
      <Loading loading={page.loading} />
      <ErrorNote error={page.error} />
      <DataTable
        caption="Requests, newest first"
        rows={page.data?.rows ?? []}
        failed={!!page.error}
        rowKey={(r) => r.requestId}
        empty="No requests match."
        columns={[
          { header: 'Started', cell: (r) => when(r.startedAt) },
          { header: 'Request id', cell: (r) => <code>{r.requestId}</code> },
          { header: 'Tenant', cell: (r) => orDash(r.tenantId) },
          { header: 'Key', cell: (r) => <KeyLabel keyId={r.keyId} keys={keyNames} /> },
          { header: 'Endpoint', cell: (r) => orDash(r.endpoint) },
          // A refused request may have no model (its body was refused) and never has a provider.
          { header: 'Model', cell: (r) => orDash(r.model) },
          { header: 'Provider', cell: (r) => orDash(r.providerId) },
          { header: 'Outcome', cell: (r) => `${r.outcome}${r.errorKind ? ` (${r.errorKind})` : ''}` },
          { header: 'Status', numeric: true, cell: (r) => r.httpStatus },
        ]}
      />
      <nav aria-label="Request pages" className="pager">
        <button
          type="button"
          disabled={cursors.length === 0}
          onClick={() => {
            const back = cursors.slice(0, -1);
            setCursors(back);
            setApplied({ ...applied, cursor: cursors[cursors.length - 1] });
          }}
        >
          Newer
        </button>
        <button
          type="button"
          disabled={!page.data?.nextCursor}
          onClick={() => {
            setCursors([...cursors, applied.cursor]);
            setApplied({ ...applied, cursor: page.data?.nextCursor ?? undefined });
          }}
        >
          Older
        </button>
      </nav>
    </section>
  );
}

/** An absent value, null or empty alike, shown one way. */
function orDash(v: string | null | undefined): string {
  return v ? v : '—';
}
