import type { Tenant } from '../api/admin-types';
import type { Session } from '../session/session';
import { useLoad } from './use-load';

/**
 * The tenants a platform or read-only admin can pick from, as a datalist for a tenant field:
 * the field still takes any id (a tenant deleted since keeps its usage and statements).
 */
export function TenantOptions({ session, id }: { session: Session; id: string }) {
  const tenants = useLoad(() => (session.tenantId ? Promise.resolve({ tenants: [] as Tenant[] }) : session.client.get<{ tenants: Tenant[] }>('/tenants')), [session]);
  return (
    <datalist id={id}>
      {(tenants.data?.tenants ?? []).map((t) => (
        <option key={t.id} value={t.id}>
          {t.name ?? t.id}
        </option>
      ))}
    </datalist>
  );
}
