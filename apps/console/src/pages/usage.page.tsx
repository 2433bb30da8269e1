import { type FormEvent, useEffect, useState } from 'react';
import type { Rollups, Statement } from '../api/admin-types';
import { DataTable } from '../components/data-table';
import { download } from '../components/download';
import { count, daysAgo, sumUsd, thisMonth, usd } from '../components/format';
import { KeyLabel, useKeyNames } from '../components/key-names';
import { TenantOptions } from '../components/tenant-options';
import { ErrorNote, Loading } from '../components/status-note';
import { describeError, useLoad } from '../components/use-load';
import type { Session } from '../session/session';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The UTC day after `day` (YYYY-MM-DD). */
function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Usage per day, tenant and model (rollups), and a tenant's monthly statement, both exportable as CSV. */
export function UsagePage({ session }: { session: Session }) {
  const [tenant, setTenant] = useState(session.tenantId ?? '');
  const [from, setFrom] = useState(daysAgo(29));
  const [to, setTo] = useState('');
  const [applied, setApplied] = useState({ tenant: session.tenantId ?? '', from, to });
  // The API's `to` is exclusive; the form's "To" day is included, so the day after it is sent.
  const query = { granularity: 'day', from: applied.from, to: applied.to ? dayAfter(applied.to) : undefined, tenant: applied.tenant || undefined, groupBy: 'tenant,key,model', limit: 1000 };
  const rollups = useLoad(() => session.client.get<Rollups>('/usage/rollups', query), [session, applied]);
  const keyNames = useKeyNames(session, (rollups.data?.rows ?? []).map((r) => r.tenant));
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
          setApplied({ tenant: tenant.trim(), from, to });
        }}
      >
        <label htmlFor="usage-tenant">Tenant</label>
        <TenantOptions session={session} id="usage-tenant-options" />
        <input id="usage-tenant" list={session.tenantId ? undefined : 'usage-tenant-options'} value={tenant} readOnly={session.tenantId !== undefined} onChange={(e) => setTenant(e.target.value)} />
        <label htmlFor="usage-from">From (UTC day)</label>
        <input id="usage-from" type="date" pattern="\d{4}-\d{2}-\d{2}" placeholder="YYYY-MM-DD" value={from} onChange={(e) => setFrom(e.target.value)} />
        <label htmlFor="usage-to">To (UTC day, included)</label>
        <input id="usage-to" type="date" pattern="\d{4}-\d{2}-\d{2}" placeholder="YYYY-MM-DD" min={from} value={to} onChange={(e) => setTo(e.target.value)} />
        <button type="submit">Show usage</button>
        <button type="button" onClick={() => void exportRollups()}>
          Export usage CSV
        </button>
      </form>
      <ErrorNote error={error} />
      <Loading loading={rollups.loading} />
      <ErrorNote error={rollups.error} />
      <DataTable
        caption="Usage per day, tenant, key and model"
        rows={rollups.data?.rows ?? []}
        failed={!!rollups.error}
        rowKey={(r) => `${r.bucket}|${r.tenant ?? ''}|${r.key ?? ''}|${r.model ?? ''}`}
        empty="No usage in this period."
        columns={[
          { header: 'Day', cell: (r) => r.bucket.slice(0, 10) },
          { header: 'Tenant', cell: (r) => r.tenant ?? '—' },
          { header: 'Key', cell: (r) => (r.key ? <KeyLabel keyId={r.key} keys={keyNames} /> : '—') },
          { header: 'Model', cell: (r) => r.model ?? '—' },
          { header: 'Requests', numeric: true, cell: (r) => count(r.requests) },
          { header: 'Errors', numeric: true, cell: (r) => count(r.errors) },
          { header: 'Input tokens', numeric: true, cell: (r) => count(r.inputTokens) },
          { header: 'Output tokens', numeric: true, cell: (r) => count(r.outputTokens) },
          { header: 'Cost (USD)', numeric: true, cell: (r) => <span title={r.costUsd}>{r.costUsd}</span> },
        ]}
      />
      <StatementPanel session={session} tenant={tenant.trim()} />
    </section>
  );
}

function StatementPanel({ session, tenant }: { session: Session; tenant: string }) {
  const [month, setMonth] = useState(thisMonth());
  const [shown, setShown] = useState<Statement>();
  const [error, setError] = useState<string>();
  const path = `/tenants/${encodeURIComponent(tenant)}/statements/${month}`;
  // What is shown belongs to the inputs it was asked with: another tenant or month clears it (and its error).
  useEffect(() => {
    setShown(undefined);
    setError(undefined);
  }, [tenant, month]);

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
        <input id="statement-month" type="month" pattern="\d{4}-\d{2}" placeholder="YYYY-MM" aria-describedby="statement-month-hint" value={month} onChange={(e) => setMonth(e.target.value)} />
        <span id="statement-month-hint" className="hint">
          YYYY-MM
        </span>
        <button type="submit" disabled={!tenant || !MONTH.test(month)}>
          Show statement
        </button>
        <button type="button" disabled={!tenant || !MONTH.test(month)} onClick={() => void exportCsv()}>
          Export statement CSV
        </button>
      </form>
      {!tenant && <p className="hint">Type a tenant in the Tenant field above to see its statement.</p>}
      <ErrorNote error={error} />
      {shown && <StatementView session={session} statement={shown} />}
    </div>
  );
}

/** Section kinds as the API names them (docs/admin-api.md, statements) and as a reader does. */
const SECTION_TITLES: Record<string, string> = { plan: 'Plan', credits: 'Credits received' };

/** A ledger label's leading kind (`top_up: …`, `adjustment: …`) in words. */
function itemLabel(label: string): string {
  return label.replace(/^([a-z]+(?:_[a-z]+)*): /, (_, kind: string) => `${kind.charAt(0).toUpperCase()}${kind.slice(1).replace(/_/g, '-')}: `);
}

function StatementView({ session, statement }: { session: Session; statement: Statement }) {
  const keyNames = useKeyNames(session, [statement.tenantId]);
  // What the month's usage costs on the plan: usage plus the plan section (fee, included usage
  // taken off, overage markup). Credits are money received, shown apart, not netted here.
  const plan = statement.sections.filter((s) => s.kind !== 'credits');
  const credits = statement.sections.find((s) => s.kind === 'credits');
  const total = sumUsd([statement.usage.costUsd, ...plan.map((s) => s.totalUsd)]);
  return (
    <>
      <DataTable
        caption={`Statement of ${statement.tenantId} for ${statement.month}: ${count(statement.usage.requests)} requests, ${usd(statement.usage.costUsd)}`}
        rows={statement.lines}
        rowKey={(l) => `${l.model}|${l.keyId}`}
        empty="No usage this month."
        columns={[
          { header: 'Model', cell: (l) => l.model },
          { header: 'Key', cell: (l) => <KeyLabel keyId={l.keyId} keys={keyNames} /> },
          { header: 'Requests', numeric: true, cell: (l) => count(l.requests) },
          { header: 'Errors', numeric: true, cell: (l) => count(l.errors) },
          { header: 'Cost (USD)', numeric: true, cell: (l) => l.costUsd },
        ]}
      />
      {statement.sections.map((s) => (
        <DataTable
          key={s.kind}
          caption={`${SECTION_TITLES[s.kind] ?? s.kind}: ${usd(s.totalUsd)}`}
          rows={s.lines}
          rowKey={(l, i) => `${i}|${l.label}`}
          empty="Nothing."
          columns={[
            { header: 'Item', cell: (l) => itemLabel(l.label) },
            { header: 'Amount (USD)', numeric: true, cell: (l) => l.amountUsd },
          ]}
        />
      ))}
      <dl className="stats" aria-label="Statement totals">
        <div>
          <dt>Total for {statement.month}{plan.length ? ' (usage + plan)' : ' (usage)'}</dt>
          <dd data-testid="statement-total">{usd(total)}</dd>
        </div>
        {credits && (
          <div>
            <dt>Credits received (not deducted above)</dt>
            <dd>{usd(credits.totalUsd)}</dd>
          </div>
        )}
      </dl>
    </>
  );
}
