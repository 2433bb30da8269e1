import type { Plan, Tenant } from '../../api/admin-types';
import { count, usd } from '../../components/format';
import { ErrorNote, Loading } from '../../components/status-note';
import { useLoad } from '../../components/use-load';
import type { Session } from '../../session/session';
import { CreditsSection } from './credits.section';
import { KeysSection } from './keys.section';
import { TenantSettingsForm } from './tenant-settings.form';

/**
 * One tenant: its settings (platform admins), its keys, its balance and credit ledger. A tenant
 * admin sees its keys and its balance; the settings and the credit form, which the API would
 * refuse it (403), are not offered. A read-only token sees everything and is offered no change.
 */
export function TenantPage({ session, tenantId }: { session: Session; tenantId: string }) {
  const base = `/tenants/${encodeURIComponent(tenantId)}`;
  const tenant = useLoad(() => session.client.get<Tenant>(base), [session, base]);
  const platform = session.tenantId === undefined;
  const platformWriter = platform && !session.readOnly;
  const plans = useLoad<{ plans: Plan[] }>(() => (platformWriter ? session.client.get<{ plans: Plan[] }>('/plans') : Promise.resolve({ plans: [] })), [session, platformWriter]);
  const t = tenant.data;

  // A tenant that does not exist (or is not this token's) has nothing below its error; nothing
  // below the heading is drawn before the tenant loads, so the keys' own 404 cannot show first.
  if (tenant.error)
    return (
      <section aria-labelledby="tenant-title">
        <h1 id="tenant-title">Tenant {tenantId}</h1>
        <ErrorNote error={tenant.error} />
      </section>
    );

  return (
    <section aria-labelledby="tenant-title">
      <h1 id="tenant-title">Tenant {tenantId}</h1>
      <Loading loading={tenant.loading && !t} />
      {t && (
        <p>
          {t.name ?? 'No name'} · RPM {count(t.rpm)} · TPM {count(t.tpm)} · budget {usd(t.budget.dailyUsd)} a day, {usd(t.budget.monthlyUsd)} a month · models {t.models.length ? t.models.join(', ') : 'all'} · plan {t.plan ?? 'none'}
        </p>
      )}
      {t && <KeysSection session={session} tenantId={tenantId} />}
      {t && <CreditsSection session={session} tenantId={tenantId} canGrant={platformWriter} />}
      {t && platformWriter && plans.data && <TenantSettingsForm key={t.id} session={session} tenant={t} plans={plans.data.plans} onSaved={tenant.reload} />}
      <ErrorNote error={plans.error} />
    </section>
  );
}
