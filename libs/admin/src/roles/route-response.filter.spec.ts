import { OPERATOR_COST_FIELDS } from '../schemas/common.schemas';
import type { AdminPrincipal } from './admin-principal';
import { omitFields, withheldResponseFields } from './route-response.filter';

const platform: AdminPrincipal = { source: 'token', name: 'ops', role: 'platform', tenantId: undefined };
const readOnly: AdminPrincipal = { source: 'token', name: 'auditor', role: 'read-only', tenantId: undefined };
const acme: AdminPrincipal = { source: 'oidc', name: 'erin', role: 'tenant', tenantId: 'acme' };
const statementRoute = { access: { tenant: 'path:tenantId' as const, platformResponseFields: OPERATOR_COST_FIELDS } };

describe(withheldResponseFields.name, () => {
  it("withholds a route's platform response fields from a tenant admin only", () => {
    expect([...withheldResponseFields(acme, statementRoute)]).toEqual([...OPERATOR_COST_FIELDS]);
    expect(withheldResponseFields(platform, statementRoute).size).toBe(0);
    expect(withheldResponseFields(readOnly, statementRoute).size).toBe(0);
  });

  it('withholds nothing on a route that declares no platform response fields', () => {
    expect(withheldResponseFields(acme, { access: { tenant: 'query:tenant' } }).size).toBe(0);
    expect(withheldResponseFields(acme, {}).size).toBe(0);
  });
});

describe(omitFields.name, () => {
  const hidden = new Set(['marginUsd', 'upstreamCostUsd']);

  it('leaves the named fields out at every depth, in objects and arrays, and keeps the rest', () => {
    const statement = {
      tenantId: 'acme',
      lines: [{ model: 'm', costUsd: '1.000000000', upstreamCostUsd: '0.5', marginUsd: '0.5' }, { model: 'n', costUsd: '2', upstreamCostUsd: null, marginUsd: null }],
      usage: { requests: 3, costUsd: '3', upstreamCostUsd: '0.5', marginUsd: '0.5' },
      balance: null,
      tags: ['marginUsd'],
    };
    expect(omitFields(statement, hidden)).toEqual({
      tenantId: 'acme',
      lines: [{ model: 'm', costUsd: '1.000000000' }, { model: 'n', costUsd: '2' }],
      usage: { requests: 3, costUsd: '3' },
      balance: null,
      tags: ['marginUsd'],
    });
    // Left out, not set to undefined: the key is gone.
    expect(Object.keys(omitFields(statement, hidden).usage)).toEqual(['requests', 'costUsd']);
  });

  it('does not change what it is given', () => {
    const page = { rows: [{ costUsd: '1', marginUsd: '0.1' }] };
    omitFields(page, hidden);
    expect(page).toEqual({ rows: [{ costUsd: '1', marginUsd: '0.1' }] });
  });

  it('returns text (a CSV answer), primitives and non-plain objects as they are', () => {
    const at = new Date(0);
    expect(omitFields('a,margin_usd\r\n', hidden)).toBe('a,margin_usd\r\n');
    expect(omitFields(undefined, hidden)).toBeUndefined();
    expect(omitFields(at, hidden)).toBe(at);
  });

  it('returns the same object when nothing is withheld', () => {
    const page = { rows: [{ marginUsd: '0.1' }] };
    expect(omitFields(page, new Set())).toBe(page);
  });
});
