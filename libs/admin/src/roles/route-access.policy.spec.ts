import { AdminError } from '../http/admin.error';
import type { AdminRouteSpec } from '../http/admin-route';
import type { AdminPrincipal } from './admin-principal';
import { authorizeRoute, type AccessRequest } from './route-access.policy';

const platform: AdminPrincipal = { source: 'token', name: 'ops', role: 'platform', tenantId: undefined };
const readOnly: AdminPrincipal = { source: 'token', name: 'auditor', role: 'read-only', tenantId: undefined };
const acme: AdminPrincipal = { source: 'token', name: 'acme-admin', role: 'tenant', tenantId: 'acme' };

type Spec = Pick<AdminRouteSpec, 'method' | 'path' | 'access'>;
const listProviders: Spec = { method: 'GET', path: '/providers' };
const createProvider: Spec = { method: 'POST', path: '/providers' };
const createKey: Spec = { method: 'POST', path: '/tenants/{tenantId}/keys', access: { tenant: 'path:tenantId' } };
const usage: Spec = { method: 'GET', path: '/usage', access: { tenant: 'query:tenant' } };
const credit: Spec = { method: 'POST', path: '/credits', access: { tenant: 'body:tenantId' } };
const exportQuery: Spec = { method: 'POST', path: '/exports/query', access: { readsOnly: true } };

function refusal(principal: AdminPrincipal, spec: Spec, req: AccessRequest = {}): { status: number; type: string } {
  try {
    authorizeRoute(principal, spec, req);
  } catch (error) {
    if (error instanceof AdminError) return { status: error.status, type: error.type };
    throw error;
  }
  return { status: 200, type: 'allowed' };
}

describe(authorizeRoute.name, () => {
  it('lets a platform admin call every route, whatever tenant it names', () => {
    for (const spec of [listProviders, createProvider, createKey, usage, credit]) {
      expect(refusal(platform, spec, { params: { tenantId: 'other' }, query: { tenant: 'other' }, body: '{"tenantId":"other"}' })).toEqual({ status: 200, type: 'allowed' });
    }
  });

  it('lets a read-only admin read everything and change nothing (403)', () => {
    expect(refusal(readOnly, listProviders).status).toBe(200);
    expect(refusal(readOnly, usage).status).toBe(200);
    expect(refusal(readOnly, exportQuery).status).toBe(200);
    expect(refusal(readOnly, createProvider)).toEqual({ status: 403, type: 'forbidden' });
    expect(refusal(readOnly, createKey, { params: { tenantId: 'acme' } })).toEqual({ status: 403, type: 'forbidden' });
  });

  it('keeps a tenant admin off the routes that declare no tenant (403), reads included', () => {
    expect(refusal(acme, listProviders)).toEqual({ status: 403, type: 'forbidden' });
    expect(refusal(acme, createProvider)).toEqual({ status: 403, type: 'forbidden' });
    expect(refusal(acme, exportQuery)).toEqual({ status: 403, type: 'forbidden' });
  });

  it("lets a tenant admin at its own tenant's objects and answers 404 for another's", () => {
    expect(refusal(acme, createKey, { params: { tenantId: 'acme' } }).status).toBe(200);
    expect(refusal(acme, createKey, { params: { tenantId: 'globex' } })).toEqual({ status: 404, type: 'not_found' });
    expect(refusal(acme, createKey, { params: {} })).toEqual({ status: 404, type: 'not_found' });
  });

  it("narrows a tenant admin's query to its tenant, and refuses a filter naming another (403)", () => {
    const req: AccessRequest = { query: { model: 'gpt-4o' } };
    authorizeRoute(acme, usage, req);
    expect(req.query).toEqual({ model: 'gpt-4o', tenant: 'acme' });
    expect(refusal(acme, usage, { query: { tenant: 'acme' } }).status).toBe(200);
    expect(refusal(acme, usage, { query: { tenant: 'globex' } })).toEqual({ status: 403, type: 'forbidden' });
    // ?tenant=acme&tenant=globex arrives as a list: not its own tenant.
    expect(refusal(acme, usage, { query: { tenant: ['acme', 'globex'] } })).toEqual({ status: 403, type: 'forbidden' });
  });

  it("fills a tenant admin's body in with its tenant, empty bodies included, and refuses another's", () => {
    const req: AccessRequest = { body: '{"amountUsd":5}' };
    authorizeRoute(acme, credit, req);
    expect(req.body).toEqual({ amountUsd: 5, tenantId: 'acme' });
    const empty: AccessRequest = { body: '' };
    authorizeRoute(acme, credit, empty);
    expect(empty.body).toEqual({ tenantId: 'acme' });
    expect(refusal(acme, credit, { body: '{"tenantId":"globex"}' })).toEqual({ status: 403, type: 'forbidden' });
  });

  it("refuses a tenant admin the fields that would loosen the platform's policy, and lets a platform admin set them", () => {
    const keyWithPolicy: Spec = { method: 'PATCH', path: '/tenants/{tenantId}/keys/{keyId}', access: { tenant: 'path:tenantId', platformFields: ['guardrails'] } };
    const params = { tenantId: 'acme', keyId: 'k1' };
    const loosen = '{"guardrails":{"pii":{"action":"detect"}}}';

    expect(refusal(acme, keyWithPolicy, { params, body: loosen })).toEqual({ status: 403, type: 'forbidden' });
    expect(refusal(acme, keyWithPolicy, { params, body: '{"name":"ci","rpm":10}' })).toEqual({ status: 200, type: 'allowed' });
    expect(refusal(platform, keyWithPolicy, { params, body: loosen })).toEqual({ status: 200, type: 'allowed' });
  });

  it('leaves a body that is no JSON object to the route to refuse', () => {
    const req: AccessRequest = { body: '[1' };
    authorizeRoute(acme, credit, req);
    expect(req.body).toBe('[1');
  });
});
