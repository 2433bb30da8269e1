import type { Type } from '@nestjs/common';
import { z } from 'zod';
import { ADMIN_ERROR_TYPES } from '../http/admin.error';
import { ADMIN_PREFIX, ADMIN_ROUTE, type AdminRouteSpec } from '../http/admin-route';
import { ACTOR_HEADER } from '../http/route-input.parser';

type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown> & { openapi: string; paths: Record<string, Record<string, unknown>> };

/** Every route a controller mounts with `@AdminRoute`, in declaration order. */
export function adminRoutesOf(controllers: readonly Type[]): AdminRouteSpec[] {
  return controllers.flatMap((c) =>
    Object.getOwnPropertyNames(c.prototype)
      .map((name) => Reflect.getMetadata(ADMIN_ROUTE, (c.prototype as Record<string, unknown>)[name] as object) as AdminRouteSpec | undefined)
      .filter((spec): spec is AdminRouteSpec => spec !== undefined),
  );
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const errorSchema = z.object({ error: z.object({ type: z.enum(ADMIN_ERROR_TYPES), message: z.string() }) });
const ERROR_RESPONSES = {
  '400': { description: 'Invalid request: the message names the field (`budget.dailyUsd: …`).' },
  '401': { description: 'Missing, wrong, revoked or expired admin token.' },
  '403': { description: 'The token\'s role may not use this route (`x-switchyard-access` says who may), or a tenant admin named another tenant in a filter.' },
  '404': { description: 'Not found — or the admin API is disabled (no admin token configured).' },
  '409': { description: 'Conflict with the stored state (already exists, still in use, revoked).' },
};

function parameters(spec: AdminRouteSpec): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [['path', spec.params], ['query', spec.query]] as const) {
    if (!schema) continue;
    const s = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(s.properties ?? {})) {
      const { description, ...rest } = property;
      out.push({ name, in: where, required: where === 'path' || (s.required ?? []).includes(name), ...(description !== undefined && { description }), schema: rest });
    }
  }
  if (spec.method !== 'GET') {
    out.push({ name: ACTOR_HEADER, in: 'header', required: false, description: 'With the bootstrap token, recorded in the audit log as `bootstrap:<label>`: a label, not an identity. Named and OIDC tokens are recorded under their own name.', schema: { type: 'string', pattern: '^[A-Za-z0-9._@+-]{1,64}$' } });
  }
  return out;
}

/** A body whose fields are all optional may be left out (it is then `{}`). */
function requestBody(body: z.ZodType): JsonSchema {
  const schema = jsonSchema(body, 'input');
  const required = Array.isArray(schema['required']) && schema['required'].length > 0;
  return { required, content: { 'application/json': { schema } } };
}

function operation(spec: AdminRouteSpec): JsonSchema {
  const errors = Object.fromEntries(Object.keys(ERROR_RESPONSES).map((code) => [code, { $ref: `#/components/responses/E${code}` }]));
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description && { description: spec.description }),
    tags: [spec.tag],
    'x-switchyard-access': accessOf(spec),
    parameters: parameters(spec),
    ...(spec.body && { requestBody: requestBody(spec.body) }),
    responses: {
      [String(spec.status)]: {
        description: 'Success',
        content: { 'application/json': { schema: jsonSchema(spec.response, 'output') }, ...(spec.csv && { 'text/csv': { schema: { type: 'string' } } }) },
      },
      ...errors,
    },
  };
}

/** Who may call a route (docs/admin-api.md, "Roles"), from its one declaration. */
function accessOf(spec: AdminRouteSpec): JsonSchema {
  const reads = spec.method === 'GET' || spec.access?.readsOnly === true;
  const roles = ['platform', ...(reads ? ['read-only'] : []), ...(spec.access?.tenant ? ['tenant'] : [])];
  const platformOnly = spec.access?.tenant ? spec.access.platformResponseFields : undefined;
  return { roles, ...(spec.access?.tenant && { tenantFrom: spec.access.tenant }), ...(platformOnly?.length && { hiddenFromTenantAdmins: [...platformOnly] }) };
}

/** The OpenAPI 3.1 document of the admin API, built from the routes' own zod schemas. */
export function buildOpenApiDocument(routes: readonly AdminRouteSpec[]): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const spec of routes) {
    const path = `${ADMIN_PREFIX}${spec.path}`;
    paths[path] = { ...paths[path], [spec.method.toLowerCase()]: operation(spec) };
  }
  const error = jsonSchema(errorSchema, 'output');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchyard admin API',
      version: 'v1',
      description:
        'Tenants, virtual keys, providers, models, prices, usage and the audit log. Every route needs `Authorization: Bearer <token>`: SWITCHYARD_ADMIN_TOKEN (the bootstrap platform admin), a named admin token (`sy-admin-…`, role platform, tenant or read-only) or, when configured, an OIDC JWT; with no SWITCHYARD_ADMIN_TOKEN configured every route answers 404. Each operation\'s `x-switchyard-access` lists the roles that may call it. Every change is audited and reaches every replica within a second.',
    },
    security: [{ adminToken: [] }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'SWITCHYARD_ADMIN_TOKEN, a named admin token (sy-admin-…) or an OIDC JWT' } },
      schemas: { Error: error },
      responses: Object.fromEntries(
        Object.entries(ERROR_RESPONSES).map(([code, r]) => [`E${code}`, { ...r, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
      ),
    },
  };
}
