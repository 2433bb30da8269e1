import type { AdminRouteSpec } from '../http/admin-route';
import type { AdminPrincipal } from './admin-principal';

const NONE: ReadonlySet<string> = new Set();

/**
 * The response fields `principal` may not see on route `spec`: its `platformResponseFields` for
 * a tenant admin (the operator's upstream cost and margin are a business secret), none for
 * platform and read-only admins (operator staff). docs/architecture.md, "Admin roles".
 */
export function withheldResponseFields(principal: AdminPrincipal, spec: Pick<AdminRouteSpec, 'access'>): ReadonlySet<string> {
  switch (principal.role) {
    case 'platform':
    case 'read-only':
      return NONE;
    case 'tenant': {
      const fields = spec.access?.platformResponseFields;
      return fields?.length ? new Set(fields) : NONE;
    }
  }
}

/**
 * `value` without the properties named in `fields`, at any depth of its plain objects and
 * arrays (a statement holds them in its lines and in its totals). Copies only what it changes
 * the path to; anything that is not a plain object or array is returned as it is.
 */
export function omitFields<T>(value: T, fields: ReadonlySet<string>): T {
  return fields.size === 0 ? value : (strip(value, fields) as T);
}

function strip(value: unknown, fields: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => strip(v, fields));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!fields.has(k)) out[k] = strip(v, fields);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
