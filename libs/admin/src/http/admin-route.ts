import { HttpCode, RequestMapping, RequestMethod, SetMetadata, UseInterceptors, applyDecorators } from '@nestjs/common';
import type { z } from 'zod';
import type { RouteAccess } from '../roles/route-access';
import { AdminResponseInterceptor } from './admin-response.interceptor';

export const ADMIN_PREFIX = '/admin/v1';
export const ADMIN_ROUTE = Symbol('AdminRoute');

export const ADMIN_HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type AdminHttpMethod = (typeof ADMIN_HTTP_METHODS)[number];

/**
 * One operation of the admin API. The same object mounts the Nest route, validates the request
 * (`params`, `query`, `body`) and describes the operation in the OpenAPI document, so the
 * document cannot drift from what the server accepts.
 */
export interface AdminRouteSpec {
  method: AdminHttpMethod;
  /** Under /admin/v1, OpenAPI style: `/tenants/{tenantId}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Success status and body. */
  status: 200 | 201;
  response: z.ZodType;
  /** Also answers `text/csv` when the client sends `Accept: text/csv` (reports). */
  csv?: true;
  /** Who may call it beyond platform admins (docs/architecture.md, "Admin roles"). */
  access?: RouteAccess;
}

/** Keeps the literal types of a route, so handlers get typed inputs. */
export function adminRoute<const S extends AdminRouteSpec>(spec: S): S {
  return spec;
}

type Parsed<T> = T extends z.ZodType ? z.output<T> : undefined;

/** Who made a change and from where; written to the audit log. */
export interface AuditContext {
  /**
   * The caller: `token:<name>`, `oidc:<subject>`, or for SWITCHYARD_ADMIN_TOKEN `bootstrap`
   * (`bootstrap:<label>` with the `x-switchyard-actor` header, a label, not an identity).
   */
  actor: string;
  /** The client socket's address. */
  sourceIp: string | undefined;
}

/** What a handler receives: the validated request of its route. */
export interface RouteInput<S extends AdminRouteSpec> {
  params: Parsed<S['params']>;
  query: Parsed<S['query']>;
  body: Parsed<S['body']>;
  audit: AuditContext;
  /**
   * Response fields the caller may not see (its route's `access.platformResponseFields`, for a
   * tenant admin). JSON answers lose them on the way out by themselves; a handler that writes
   * CSV passes this to `toCsv`, which leaves out their columns.
   */
  withheld: ReadonlySet<string>;
}

/** The response a handler returns for route S. */
export type RouteOutput<S extends AdminRouteSpec> = z.input<S['response']>;

/** Full Nest path of a route: `/admin/v1/tenants/:tenantId`. */
export function nestPathOf(spec: Pick<AdminRouteSpec, 'path'>): string {
  return `${ADMIN_PREFIX}${spec.path.replace(/\{(\w+)\}/g, ':$1')}`;
}

/** Mounts a handler as the route `spec` describes, its answer filtered by the caller's role. */
export function AdminRoute(spec: AdminRouteSpec): MethodDecorator {
  return applyDecorators(
    RequestMapping({ path: nestPathOf(spec), method: RequestMethod[spec.method] }),
    HttpCode(spec.status),
    SetMetadata(ADMIN_ROUTE, spec),
    UseInterceptors(new AdminResponseInterceptor(spec)),
  );
}
