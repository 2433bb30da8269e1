/**
 * Where a route finds the tenant it concerns: `path:tenantId` (a path parameter),
 * `query:tenant` (a query parameter, a filter) or `body:tenantId` (a JSON body field).
 */
export type TenantLocator = `path:${string}` | `query:${string}` | `body:${string}`;

/**
 * What a route needs, declared once on its {@link AdminRouteSpec} (`access`). Without it a
 * route is for platform admins, and for read-only admins when it is a GET: a new route is
 * closed to tenant admins until it says where its tenant is.
 */
export interface RouteAccess {
  /** Present: tenant admins may call the route for their own tenant, found here. */
  tenant?: TenantLocator;
  /** A non-GET route that changes nothing (a query with a body): read-only admins may call it. */
  readsOnly?: true;
  /**
   * Body fields only platform admins may set: settings that would loosen a policy the platform
   * set for the tenant (a key's guardrails override its tenant's). A tenant admin naming one
   * gets 403.
   */
  platformFields?: readonly string[];
  /**
   * Response fields only platform and read-only admins see: what the operator pays upstream and
   * earns. A tenant admin gets the answer without them, at any depth of the JSON, and without
   * the CSV columns they fill (route-response.filter.ts, applied to every admin route).
   */
  platformResponseFields?: readonly string[];
}
