import { type FormEvent, useState } from 'react';
import type { Rollups, Statement } from '../api/admin-types';
import { DataTable } from '../components/data-table';
import { download } from '../components/download';
import { count, daysAgo, thisMonth, usd } from '../components/format';
import { ErrorNote, Loading } from '../components/status-note';
import { describeError, useLoad } from '../components/use-load';
import type { Session } from '../session/session';

/** Usage per day, tenant and model (rollups), and a tenant's monthly statement, both exportable as CSV. */
export function UsagePage({ session }: { session: Session }) {
  const [tenant, setTenant] = useState(session.tenantId ?? '');
  const [from, setFrom] = useState(daysAgo(29));
  const [applied, setApplied] = useState({ tenant: session.tenantId ?? '', from });
  const query = { granularity: 'day', from: applied.from, tenant: applied.tenant || undefined, groupBy: 'tenant,model', limit: 1000 };
  const rollups = useLoad(() => session.client.get<Rollups>('/usage/rollups', query), [session, applied]);
  const [error, setError] = useState<string>();

  const exportRollups = async () => {
    setError(undefined);
    try {
      download(`usage-${applied.tenant || 'all'}-from-${applied.from}.csv`, await session.client.csv('/usage/rollups', query));
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <section aria-labelledby="usage-title">
      <h1 id="usage-title">Usage and statements</h1>
      <form
        className="inline-form"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          setApplied({ tenant: tenant.trim(), from });
        }}
      >
        <label htmlFor="usage-tenant">Tenant</label>
        <input id="usage-tenant" value={tenant} readOnly={session.tenantId !== undefined} onChange={(e) => setTenant(e.target.value)} />
        <label htmlFor="usage-from">From (UTC day)</label>
        <input id="usage-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        <button type="submit">Show usage</button>
        <button type="button" onClick={() => void exportRollups()}>
          Export usage CSV
        </button>
      </form>
      <ErrorNote error={error} />
      <Loading loading={rollups.loading} />
      <ErrorNote error={rollups.error} />
      <DataTable
        caption="Usage per day, tenant and model"
        rows={rollups.data?.rows ?? []}
        rowKey={(r) => `${r.bucket}|${r.tenant ?? ''}|${r.model ?? ''}`}
        empty="No usage in this period."
        columns={[
          { header: 'Day', cell: (r) => r.bucket.slice(0, 10) },
          { header: 'Tenant', cell: (r) => r.tenant ?? '—' },
          { header: 'Model', cell: (r) => r.model ?? '—' },
          { header: 'Requests', numeric: true, cell: (r) => count(r.requests) },
          { header: 'Errors', numeric: true, cell: (r) => count(r.errors) },
          { header: 'Input tokens', numeric: true, cell: (r) => count(r.inputTokens) },
          { header: 'Output tokens', numeric: true, cell: (r) => count(r.outputTokens) },
          { header: 'Cost (USD)', numeric: true, cell: (r) => <span title={r.costUsd}>{r.costUsd}</span> },
        ]}
      />
      <StatementPanel session={session} tenant={applied.tenant} />
    </section>
  );
}

function StatementPanel({ session, tenant }: { session: Session; tenant: string }) {
  const [month, setMonth] = useState(thisMonth());
  const [shown, setShown] = useState<Statement>();
  const [error, setError] = useState<string>();
  const path = `/tenants/${encodeURIComponent(tenant)}/statements/${month}`;

  const load = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    try {
      setShown(await session.client.get<Statement>(path));
    } catch (err) {
      setShown(undefined);
      setError(describeError(err));
    }
  };
  const exportCsv = async () => {
    setError(undefined);
    try {
      download(`statement-${tenant}-${month}.csv`, await session.client.csv(path));
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <div aria-labelledby="statement-title">
      <h2 id="statement-title">Monthly statement</h2>
      <form className="inline-form" onSubmit={(e) => void load(e)}>
        <label htmlFor="statement-month">Month</label>
        <input id="statement-month" type="month" value={month} onChange={(e) => setMonth(e.target.value)} />
        <button type="submit" disabled={!tenant}>
          Show statement
        </button>
        <button type="button" disabled={!tenant} onClick={() => void exportCsv()}>
          Export statement CSV
        </button>
      </form>
      {!tenant && <p className="hint">Choose a tenant above to see its statement.</p>}
      <ErrorNote error={error} />
      {shown && (
        <>
          <DataTable
            caption={`Statement of ${shown.tenantId} for ${shown.month}: ${count(shown.usage.requests)} requests, ${usd(shown.usage.costUsd)}`}
            rows={shown.lines}
            rowKey={(l) => `${l.model}|${l.keyId}`}
            empty="No usage this month."
            columns={[
              { header: 'Model', cell: (l) => l.model },
              { header: 'Key', cell: (l) => <code>{l.keyId}</code> },
              { header: 'Requests', numeric: true, cell: (l) => count(l.requests) },
              { header: 'Errors', numeric: true, cell: (l) => count(l.errors) },
              { header: 'Cost (USD)', numeric: true, cell: (l) => l.costUsd },
            ]}
          />
          {shown.sections.map((s) => (
            <DataTable
              key={s.kind}
              caption={`${s.kind}: ${usd(s.totalUsd)}`}
              rows={s.lines}
              rowKey={(l, i) => `${i}|${l.label}`}
              empty="Nothing."
              columns={[
                { header: 'Item', cell: (l) => l.label },
                { header: 'Amount (USD)', numeric: true, cell: (l) => l.amountUsd },
              ]}
            />
          ))}
        </>
      )}
    </div>
  );
}
