/**
 * Admin API roles (docs/architecture.md, "Admin roles"):
 * - `platform`: everything;
 * - `tenant`: the routes that concern one tenant (its keys, usage, audit rows), for its own
 *   tenant only;
 * - `read-only`: every read a platform admin may make (GET, and the routes that declare
 *   `readsOnly`), no change.
 */
export const ADMIN_ROLES = ['platform', 'tenant', 'read-only'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** Where an admin's identity comes from. */
export type AdminPrincipalSource = 'bootstrap' | 'token' | 'oidc';

/** Who calls the admin API, as the guard established it. */
export interface AdminPrincipal {
  source: AdminPrincipalSource;
  /** The token's name (`token`), the JWT's subject (`oidc`), `bootstrap` for SWITCHYARD_ADMIN_TOKEN. */
  name: string;
  role: AdminRole;
  /** The tenant a `tenant` admin administers; undefined for the other roles. */
  tenantId: string | undefined;
}

export const BOOTSTRAP_PRINCIPAL: AdminPrincipal = { source: 'bootstrap', name: 'bootstrap', role: 'platform', tenantId: undefined };

/**
 * The audit log's actor: `bootstrap` (or `bootstrap:<label>` with the x-switchyard-actor header,
 * the only way to tell apart people sharing that token), `token:<name>`, `oidc:<subject>`.
 * Named and OIDC identities are the identity itself: the label header is not appended to them.
 */
export function actorOf(principal: AdminPrincipal, label: string | undefined): string {
  switch (principal.source) {
    case 'bootstrap':
      return label === undefined ? 'bootstrap' : `bootstrap:${label}`;
    case 'token':
      return `token:${principal.name}`;
    case 'oidc':
      return `oidc:${principal.name}`;
  }
}
