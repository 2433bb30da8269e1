import { AdminError } from '../http/admin.error';
import type { AdminRouteSpec } from '../http/admin-route';
import type { AdminPrincipal } from './admin-principal';
import type { TenantLocator } from './route-access';

/** The parts of a request the policy reads, and for tenant admins narrows (Fastify's request). */
export interface AccessRequest {
  params?: unknown;
  query?: unknown;
  body?: unknown;
}

/**
 * Decides whether `principal` may call route `spec`, from the route's one declaration
 * (`spec.access`, docs/architecture.md "Admin roles"). Throws the refusal: 403 for a route the
 * role may not use, 404 for another tenant's object (a tenant admin cannot tell it from one
 * that does not exist). A tenant admin's query or body that leaves the tenant out gets the
 * admin's own filled in, so a listing never shows another tenant's rows.
 */
export function authorizeRoute(principal: AdminPrincipal, spec: Pick<AdminRouteSpec, 'method' | 'path' | 'access'>, req: AccessRequest): void {
  switch (principal.role) {
    case 'platform':
      return;
    case 'read-only':
      if (spec.method === 'GET' || spec.access?.readsOnly) return;
      throw AdminError.forbidden(`the admin token "${principal.name}" is read-only: ${spec.method} ${spec.path} changes state`);
    case 'tenant':
      if (!spec.access?.tenant || principal.tenantId === undefined) {
        throw AdminError.forbidden(`the admin token "${principal.name}" administers one tenant: ${spec.method} ${spec.path} concerns the whole platform`);
      }
      scopeToTenant(principal.tenantId, spec.access.tenant, req);
      refusePlatformFields(principal, spec.access.platformFields, req);
      return;
  }
}

function scopeToTenant(own: string, locator: TenantLocator, req: AccessRequest): void {
  const colon = locator.indexOf(':');
  const where = locator.slice(0, colon) as 'path' | 'query' | 'body';
  const field = locator.slice(colon + 1);
  switch (where) {
    case 'path': {
      const named = record(req.params)?.[field];
      // The same answer as for a tenant that does not exist (TenantsAdminService).
      if (named !== own) throw AdminError.notFound(`tenant "${typeof named === 'string' ? named : ''}" not found`);
      return;
    }
    case 'query': {
      const query = record(req.query) ?? {};
      req.query = fillTenant(query, field, own, 'query');
      return;
    }
    case 'body': {
      const body = jsonObject(req.body);
      // Not an object: the route's own validation refuses it (400) before the handler runs.
      if (body) req.body = fillTenant(body, field, own, 'body');
      return;
    }
  }
}

function refusePlatformFields(principal: AdminPrincipal, fields: readonly string[] | undefined, req: AccessRequest): void {
  if (!fields?.length) return;
  const body = jsonObject(req.body);
  const named = body ? fields.filter((f) => body[f] !== undefined) : [];
  if (named.length) throw AdminError.forbidden(`the admin token "${principal.name}" administers one tenant: ${named.join(', ')} may be set by a platform admin only`);
}

function fillTenant(values: Record<string, unknown>, field: string, own: string, where: string): Record<string, unknown> {
  const named = values[field];
  if (named === undefined) return { ...values, [field]: own };
  if (named === own) return values;
  throw AdminError.forbidden(`a tenant admin token may only name its own tenant: ${where} ${field} must be "${own}" or left out`);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The body as the admin API reads it: text (the ingress reads every body as text) or parsed. */
function jsonObject(raw: unknown): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'string') return record(raw);
  // An empty body is `{}` to the route (route-input.parser.ts): the tenant is filled in.
  if (raw.trim() === '') return {};
  try {
    return record(JSON.parse(raw));
  } catch {
    return undefined;
  }
}
