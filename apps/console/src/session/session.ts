import { AdminClient } from '../api/admin-client';
import { AdminError } from '../api/admin-error';
import type { AdminToken, AuditRow, Tenant } from '../api/admin-types';

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
  /** A named read-only token: the console offers no change (the API would refuse it, 403). */
  readOnly?: boolean;
}

const STORAGE_KEY = 'switchyard.console.token';
const TENANT_KEY = 'switchyard.console.tenant';
const READ_ONLY_KEY = 'switchyard.console.read-only';

/** Checks the token against the API and remembers it for this browser tab only. */
export async function signIn(token: string, tenantHint: string): Promise<Session> {
  const client = new AdminClient(token);
  let tenantId: string | undefined;
  let readOnly = false;
  try {
    await client.get<{ tenants: Tenant[] }>('/tenants');
    readOnly = await isReadOnly(client, token);
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
  if (readOnly) sessionStorage.setItem(READ_ONLY_KEY, '1');
  else sessionStorage.removeItem(READ_ONLY_KEY);
  return { token, client, tenantId, readOnly };
}

/** The session this tab signed in earlier, if any (sessionStorage ends with the tab). */
export function restoreSession(): Session | undefined {
  const token = sessionStorage.getItem(STORAGE_KEY);
  if (!token) return undefined;
  return { token, client: new AdminClient(token), tenantId: sessionStorage.getItem(TENANT_KEY) ?? undefined, readOnly: sessionStorage.getItem(READ_ONLY_KEY) === '1' };
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
  sessionStorage.removeItem(TENANT_KEY);
  sessionStorage.removeItem(READ_ONLY_KEY);
}

async function ownTenant(client: AdminClient): Promise<string | undefined> {
  const { rows } = await client.get<{ rows: AuditRow[] }>('/audit', { entity: 'admin-token', limit: 1 });
  const after = rows[0]?.after;
  if (after && typeof after === 'object' && 'tenantId' in after && typeof after.tenantId === 'string') return after.tenantId;
  return undefined;
}

/**
 * Whether a token that may read the tenant list is a named read-only one: the token list (which
 * platform and read-only admins may read) names each token's role and its secret's first
 * characters. The bootstrap token is in no list: it is a platform admin's.
 */
async function isReadOnly(client: AdminClient, token: string): Promise<boolean> {
  try {
    const { tokens } = await client.get<{ tokens: AdminToken[] }>('/admin-tokens');
    return tokens.some((t) => t.status === 'active' && t.role === 'read-only' && t.prefix.length > 0 && token.startsWith(t.prefix));
  } catch {
    return false;
  }
}
