import { AdminClient } from '../api/admin-client';
import { AdminError } from '../api/admin-error';
import type { AuditRow, Tenant } from '../api/admin-types';

/**
 * Who signed in, as far as the console can tell from the API's answers: the admin API has no
 * "who am I" route, so the console asks for the tenant list. A platform or read-only token gets
 * it; a tenant admin's token is refused (403) and is then scoped to its tenant, which its own
 * admin-token audit row names (a tenant admin reads the audit rows of its tenant). The API
 * enforces every role itself; this only decides what the console offers.
 */
export interface Session {
  token: string;
  client: AdminClient;
  /** Set for a tenant admin's token: the one tenant it administers. */
  tenantId: string | undefined;
}

const STORAGE_KEY = 'switchyard.console.token';
const TENANT_KEY = 'switchyard.console.tenant';

/** Checks the token against the API and remembers it for this browser tab only. */
export async function signIn(token: string, tenantHint: string): Promise<Session> {
  const client = new AdminClient(token);
  let tenantId: string | undefined;
  try {
    await client.get<{ tenants: Tenant[] }>('/tenants');
  } catch (err) {
    if (!(err instanceof AdminError) || err.status !== 403) throw err;
    tenantId = tenantHint.trim() || (await ownTenant(client));
    if (!tenantId) throw new AdminError(403, 'forbidden', 'This token administers one tenant: enter its id.');
    // A wrong hint answers 404 here, before the console is shown.
    await client.get<Tenant>(`/tenants/${encodeURIComponent(tenantId)}`);
  }
  sessionStorage.setItem(STORAGE_KEY, token);
  if (tenantId) sessionStorage.setItem(TENANT_KEY, tenantId);
  else sessionStorage.removeItem(TENANT_KEY);
  return { token, client, tenantId };
}

/** The session this tab signed in earlier, if any (sessionStorage ends with the tab). */
export function restoreSession(): Session | undefined {
  const token = sessionStorage.getItem(STORAGE_KEY);
  if (!token) return undefined;
  return { token, client: new AdminClient(token), tenantId: sessionStorage.getItem(TENANT_KEY) ?? undefined };
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  sessionStorage.removeItem(TENANT_KEY);
}

async function ownTenant(client: AdminClient): Promise<string | undefined> {
  const { rows } = await client.get<{ rows: AuditRow[] }>('/audit', { entity: 'admin-token', limit: 1 });
  const after = rows[0]?.after;
  if (after && typeof after === 'object' && 'tenantId' in after && typeof after.tenantId === 'string') return after.tenantId;
  return undefined;
}
