import type { DeploymentHealth, Model, Provider } from '../api/admin-types';
import { DataTable } from '../components/data-table';
import { ErrorNote, Loading } from '../components/status-note';
import { useLoad } from '../components/use-load';
import type { Session } from '../session/session';

interface DeploymentRow {
  id: string;
  model: string;
  provider: string;
  upstream: string;
  priority: number;
  weight: number;
  health: DeploymentHealth | undefined;
}

/** Providers, and each model's deployments with the router's live health (GET /routing/health). */
export function ProvidersPage({ session }: { session: Session }) {
  const providers = useLoad(() => session.client.get<{ providers: Provider[] }>('/providers'), [session]);
  const models = useLoad(() => session.client.get<{ models: Model[] }>('/models'), [session]);
  // Served by the ingress beside the admin API; a gateway without it leaves the column empty.
  const health = useLoad(() => session.client.get<{ deployments: DeploymentHealth[] }>('/routing/health'), [session]);
  const byId = new Map((health.data?.deployments ?? []).map((d) => [d.deploymentId, d]));
  const rows: DeploymentRow[] = (models.data?.models ?? []).flatMap((m) =>
    m.deployments.map((d) => ({ id: d.id, model: m.name, provider: d.provider, upstream: d.model, priority: d.priority, weight: d.weight, health: byId.get(d.id) })),
  );
  const now = Date.now();
  return (
    <section aria-labelledby="providers-title">
      <h1 id="providers-title">Providers and models</h1>
      <Loading loading={providers.loading || models.loading} />
      <ErrorNote error={providers.error} />
      <DataTable
        caption="Providers"
        rows={providers.data?.providers ?? []}
        failed={!!providers.error}
        rowKey={(p) => p.id}
        empty="No providers."
        columns={[
          { header: 'Id', cell: (p) => p.id },
          { header: 'Type', cell: (p) => p.type },
          { header: 'Base URL', cell: (p) => <code>{p.baseUrl}</code> },
          { header: 'Region', cell: (p) => p.region ?? '—' },
        ]}
      />
      <ErrorNote error={models.error} />
      <ErrorNote error={health.error && `Live health unavailable: ${health.error}`} />
      <button type="button" onClick={health.reload}>
        Refresh health
      </button>
      <DataTable
        caption="Deployments (tier order) with live health"
        rows={rows}
        failed={!!models.error}
        rowKey={(r) => r.id}
        empty="No models."
        columns={[
          { header: 'Model', cell: (r) => r.model },
          { header: 'Provider', cell: (r) => r.provider },
          { header: 'Upstream model', cell: (r) => r.upstream },
          { header: 'Priority', numeric: true, cell: (r) => r.priority },
          { header: 'Weight', numeric: true, cell: (r) => r.weight },
          { header: 'Circuit', cell: (r) => <span className={`circuit ${r.health?.circuit ?? ''}`}>{r.health?.circuit ?? 'unknown'}</span> },
          { header: 'State', cell: (r) => stateOf(r.health, now) },
          { header: 'In flight', numeric: true, cell: (r) => r.health?.inFlight ?? '—' },
          { header: 'Failures / requests (window)', numeric: true, cell: (r) => (r.health ? `${r.health.windowFailures} / ${r.health.windowRequests}` : '—') },
          { header: 'Latency (avg ms)', numeric: true, cell: (r) => (r.health ? Math.round(r.health.ewmaTotalMs) : '—') },
        ]}
      />
    </section>
  );
}

function stateOf(h: DeploymentHealth | undefined, now: number): string {
  if (!h) return '—';
  if (h.ejectedUntil > now) return `ejected until ${new Date(h.ejectedUntil).toISOString()}`;
  if (h.cooldownUntil > now) return `cooling down until ${new Date(h.cooldownUntil).toISOString()}`;
  return 'serving';
}
