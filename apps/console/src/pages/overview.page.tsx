import type { DeploymentHealth, RollupRow, Rollups } from '../api/admin-types';
import { DataTable } from '../components/data-table';
import { count, daysAgo, sumUsd, usd } from '../components/format';
import { ErrorNote, Loading } from '../components/status-note';
import { useLoad } from '../components/use-load';
import type { Session } from '../session/session';

const DAYS = 14;

/** Traffic, errors and spend per day over the last two weeks, from the usage rollups. */
export function OverviewPage({ session }: { session: Session }) {
  const rollups = useLoad(
    () => session.client.get<Rollups>('/usage/rollups', { granularity: 'day', from: daysAgo(DAYS - 1), groupBy: 'tenant', tenant: session.tenantId, limit: 1000 }),
    [session],
  );
  // Latency and circuits are the router's live view, not the rollups': platform and read-only admins only.
  const health = useLoad(
    () => (session.tenantId ? Promise.resolve(undefined) : session.client.get<{ deployments: DeploymentHealth[] }>('/routing/health')),
    [session],
  );
  const deployments = (health.data?.deployments ?? []).filter((d) => d.windowRequests > 0 || d.ewmaTotalMs > 0);
  const latency = deployments.length ? Math.round(deployments.reduce((n, d) => n + d.ewmaTotalMs, 0) / deployments.length) : undefined;
  const open = (health.data?.deployments ?? []).filter((d) => d.circuit !== 'closed').length;
  // One row per day and tenant: summed per day here.
  const rows = byDay(rollups.data?.rows ?? []);
  const requests = rows.reduce((n, r) => n + r.requests, 0);
  const errors = rows.reduce((n, r) => n + r.errors, 0);
  const max = Math.max(1, ...rows.map((r) => r.requests));
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <Loading loading={rollups.loading} />
      <ErrorNote error={rollups.error} />
      <p className="hint">
        From the usage rollups: requests that were admitted (answered, failed upstream or abandoned). Refused ones (a bad key, a limit, a refused body) are
        not billed and appear only in the request log.
      </p>
      {/* Not before the rollups arrived: zeros while loading would read as "no traffic". */}
      <dl className="stats" hidden={!rollups.data || !!rollups.error}>
        <div>
          <dt>Admitted requests ({DAYS} days)</dt>
          <dd>{count(requests)}</dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd>{count(errors)}</dd>
        </div>
        <div>
          <dt>Error rate</dt>
          <dd>{requests ? `${((errors / requests) * 100).toFixed(1)}%` : '—'}</dd>
        </div>
        <div>
          <dt>Spend</dt>
          <dd>{usd(sumUsd(rows.map((r) => r.costUsd)))}</dd>
        </div>
        {health.data && (
          <>
            <div>
              <dt>Latency now (avg of deployments)</dt>
              <dd>{latency === undefined ? '—' : `${latency} ms`}</dd>
            </div>
            <div>
              <dt>Circuits not closed</dt>
              <dd>{count(open)}</dd>
            </div>
          </>
        )}
      </dl>
      <DataTable
        caption="Per day (UTC)"
        rows={rows}
        failed={!!rollups.error}
        rowKey={(r) => r.bucket}
        empty="No traffic in this period."
        columns={[
          { header: 'Day', cell: (r) => r.bucket.slice(0, 10) },
          { header: 'Requests', numeric: true, cell: (r) => count(r.requests) },
          { header: 'Traffic', cell: (r) => <meter min={0} max={max} value={r.requests} aria-label={`${r.requests} requests`} /> },
          { header: 'Errors', numeric: true, cell: (r) => count(r.errors) },
          { header: 'Input tokens', numeric: true, cell: (r) => count(r.inputTokens) },
          { header: 'Output tokens', numeric: true, cell: (r) => count(r.outputTokens) },
          { header: 'Spend', numeric: true, cell: (r) => usd(r.costUsd) },
        ]}
      />
    </section>
  );
}

function byDay(rows: RollupRow[]): RollupRow[] {
  const days = new Map<string, RollupRow>();
  for (const r of rows) {
    const d = days.get(r.bucket);
    if (!d) days.set(r.bucket, { ...r, tenant: undefined });
    else days.set(r.bucket, { ...d, requests: d.requests + r.requests, errors: d.errors + r.errors, inputTokens: d.inputTokens + r.inputTokens, outputTokens: d.outputTokens + r.outputTokens, costUsd: sumUsd([d.costUsd, r.costUsd]) });
  }
  return [...days.values()];
}
