import { useState } from 'react';
import type { Plan, Tenant } from '../../api/admin-types';
import { DataTable } from '../../components/data-table';
import { count, usd, when } from '../../components/format';
import { ErrorNote, Loading } from '../../components/status-note';
import { useLoad } from '../../components/use-load';
import type { Session } from '../../session/session';
import { PlanAssignForm } from './plan-assign.form';
import { PlanForm } from './plan.form';

function includedText(p: Plan): string {
  if (p.included?.usd !== undefined) return `${usd(p.included.usd)} of usage`;
  if (p.included?.tokens !== undefined) return `${count(p.included.tokens)} tokens`;
  return 'nothing';
}

/** Plans (platform admins): list, create, edit, and which tenant is on which. A read-only token only lists them. */
export function PlansPage({ session }: { session: Session }) {
  const plans = useLoad(() => session.client.get<{ plans: Plan[] }>('/plans'), [session]);
  const tenants = useLoad(() => session.client.get<{ tenants: Tenant[] }>('/tenants'), [session]);
  const [editing, setEditing] = useState<string>();
  const reload = () => {
    plans.reload();
    tenants.reload();
  };
  const edited = plans.data?.plans.find((p) => p.id === editing);
  const writable = !session.readOnly;

  return (
    <section aria-labelledby="plans-title">
      <h1 id="plans-title">Plans</h1>
      <Loading loading={plans.loading} />
      <ErrorNote error={plans.error} />
      <DataTable
        caption="Plans"
        rows={plans.data?.plans ?? []}
        failed={!!plans.error}
        rowKey={(p) => p.id}
        empty="No plans yet: every tenant pays as it goes."
        columns={[
          { header: 'Id', cell: (p) => p.id },
          { header: 'Name', cell: (p) => p.name ?? '—' },
          { header: 'Monthly fee', numeric: true, cell: (p) => usd(p.monthlyFeeUsd) },
          { header: 'Included', cell: includedText },
          { header: 'Overage', cell: (p) => (p.overage === 'stop' ? 'refused' : `charged × ${p.overageMultiplier ?? 1}`) },
          { header: 'Tenants', numeric: true, cell: (p) => count(p.tenants) },
          { header: 'Updated', cell: (p) => when(p.updatedAt) },
          {
            header: 'Actions',
            cell: (p) =>
              writable ? (
                <button type="button" onClick={() => setEditing(p.id)} aria-label={`Edit plan ${p.id}`}>
                  Edit
                </button>
              ) : (
                '—'
              ),
          },
        ]}
      />
      {writable && edited && <PlanForm key={edited.id} session={session} plan={edited} onSaved={reload} onClose={() => setEditing(undefined)} />}
      {writable && <PlanForm session={session} onSaved={reload} />}
      <ErrorNote error={tenants.error} />
      {writable && plans.data && tenants.data && <PlanAssignForm session={session} plans={plans.data.plans} tenants={tenants.data.tenants} onSaved={reload} />}
    </section>
  );
}
