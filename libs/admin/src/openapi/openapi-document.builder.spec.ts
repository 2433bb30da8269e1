import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ADMIN_CONTROLLERS } from '../admin.controllers';
import { adminRoutesOf, buildOpenApiDocument } from './openapi-document.builder';

/** What Nest actually mounts: every handler's method and path, read from its decorators. */
function mountedRoutes(): { method: string; path: string }[] {
  return ADMIN_CONTROLLERS.flatMap((c) =>
    Object.getOwnPropertyNames(c.prototype)
      .filter((name) => name !== 'constructor')
      .map((name) => (c.prototype as Record<string, object>)[name] as object)
      .filter((handler) => Reflect.hasMetadata(PATH_METADATA, handler))
      .map((handler) => ({
        method: RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod].toLowerCase(),
        path: (Reflect.getMetadata(PATH_METADATA, handler) as string).replace(/:(\w+)/g, '{$1}'),
      })),
  );
}

describe(buildOpenApiDocument.name, () => {
  const document = buildOpenApiDocument(adminRoutesOf(ADMIN_CONTROLLERS));

  it('documents every route the controllers mount, and nothing else', () => {
    const mounted = mountedRoutes();
    expect(mounted.length).toBeGreaterThan(20);
    for (const { method, path } of mounted) expect({ method, path, documented: Boolean(document.paths[path]?.[method]) }).toEqual({ method, path, documented: true });
    const documented = Object.entries(document.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`));
    expect(documented.sort()).toEqual(mounted.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('is an OpenAPI 3.1 document with unique operation ids and the bearer scheme', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document['security']).toEqual([{ adminToken: [] }]);
    const ids = Object.values(document.paths).flatMap((ops) => Object.values(ops).map((op) => (op as { operationId: string }).operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('describes bodies with the same schemas that validate them (strict objects, named fields)', () => {
    const create = document.paths['/admin/v1/tenants']?.['post'] as { requestBody: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> } };
    const schema = create.requestBody.content['application/json']?.schema;
    expect(create.requestBody.required).toBe(true);
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false, required: ['id'] });
    expect(Object.keys(schema?.['properties'] as object)).toEqual(expect.arrayContaining(['id', 'rpm', 'budget', 'ips', 'metadata']));
    const rotate = document.paths['/admin/v1/tenants/{tenantId}/keys/{keyId}/rotate']?.['post'] as { requestBody: { required: boolean }; parameters: { name: string; in: string }[] };
    expect(rotate.requestBody.required).toBe(false);
    expect(rotate.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:tenantId', 'path:keyId', 'header:x-switchyard-actor']);
  });

  it("lists the response fields tenant admins do not get, and leaves them out of the responses' required fields", () => {
    const statement = document.paths['/admin/v1/tenants/{tenantId}/statements/{month}']?.['get'] as { 'x-switchyard-access': Record<string, unknown>; responses: Record<string, { content: Record<string, { schema: { properties: Record<string, { required?: string[] }> } }> }> };
    expect(statement['x-switchyard-access']).toEqual({
      roles: ['platform', 'read-only', 'tenant'],
      tenantFrom: 'path:tenantId',
      hiddenFromTenantAdmins: ['upstreamCostUsd', 'upstreamCostNanoUsd', 'marginUsd', 'marginNanoUsd', 'costedRequests'],
    });
    const usage = statement.responses['200']?.content['application/json']?.schema.properties['usage'];
    expect(usage?.required).toEqual(expect.arrayContaining(['requests', 'costUsd']));
    expect(usage?.required).not.toEqual(expect.arrayContaining(['marginUsd']));
    expect((document.paths['/admin/v1/providers']?.['get'] as { 'x-switchyard-access': object })['x-switchyard-access']).toEqual({ roles: ['platform', 'read-only'] });
  });
});
