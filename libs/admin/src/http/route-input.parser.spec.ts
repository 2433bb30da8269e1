import { z } from 'zod';
import { adminRoute } from './admin-route';
import { AdminError } from './admin.error';
import { parseRouteInput, type RawAdminRequest } from './route-input.parser';

const route = adminRoute({
  method: 'POST',
  path: '/things/{thingId}',
  operationId: 'createThing',
  summary: 'test',
  tag: 'test',
  params: z.strictObject({ thingId: z.guid() }),
  query: z.strictObject({ dryRun: z.enum(['true', 'false']).optional() }),
  body: z.strictObject({ name: z.string(), budget: z.strictObject({ dailyUsd: z.number().min(0) }).optional(), tags: z.array(z.string()).optional() }),
  status: 201,
  response: z.object({}),
});

const ID = '6f1c1d1e-0000-4000-8000-000000000001';
const request = (over: Partial<RawAdminRequest> = {}): RawAdminRequest => ({ params: { thingId: ID }, query: {}, body: '{"name":"n"}', headers: {}, socketIp: '10.1.2.3', ...over });

function refusal(over: Partial<RawAdminRequest>): AdminError {
  try {
    parseRouteInput(route, request(over));
  } catch (error) {
    if (error instanceof AdminError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe(parseRouteInput.name, () => {
  it('returns the typed params, query and body, and audits the bootstrap token as "bootstrap" from the socket address', () => {
    const input = parseRouteInput(route, request({ query: { dryRun: 'true' }, body: '{"name":"n","tags":["a"]}' }));
    expect(input).toEqual({ params: { thingId: ID }, query: { dryRun: 'true' }, body: { name: 'n', tags: ['a'] }, audit: { actor: 'bootstrap', sourceIp: '10.1.2.3' }, withheld: new Set() });
  });

  it("tells the handler which response fields its route keeps from a tenant admin, and none for operator staff", () => {
    const report = { ...route, access: { tenant: 'path:thingId' as const, platformResponseFields: ['marginUsd'] } };
    const tenant = { source: 'token' as const, name: 'acme-admin', role: 'tenant' as const, tenantId: 'acme' };
    expect([...parseRouteInput(report, request({ principal: tenant })).withheld]).toEqual(['marginUsd']);
    expect(parseRouteInput(report, request({ principal: { ...tenant, role: 'read-only', tenantId: undefined } })).withheld.size).toBe(0);
    expect(parseRouteInput(report, request()).withheld.size).toBe(0);
  });

  it('labels the actor with x-switchyard-actor, and refuses a label that could forge log lines', () => {
    expect(parseRouteInput(route, request({ headers: { 'x-switchyard-actor': 'alice@ops' } })).audit.actor).toBe('bootstrap:alice@ops');
    expect(refusal({ headers: { 'x-switchyard-actor': 'alice\nadmin' } }).message).toContain('x-switchyard-actor');
  });

  it('audits a named token and an OIDC subject under their own names, ignoring the label', () => {
    const label = { 'x-switchyard-actor': 'alice' };
    expect(parseRouteInput(route, request({ headers: label, principal: { source: 'token', name: 'ci-deploy', role: 'platform', tenantId: undefined } })).audit.actor).toBe('token:ci-deploy');
    expect(parseRouteInput(route, request({ headers: label, principal: { source: 'oidc', name: 'auth0|42', role: 'tenant', tenantId: 'acme' } })).audit.actor).toBe('oidc:auth0|42');
  });

  it('answers 400 for malformed JSON without quoting the body', () => {
    const e = refusal({ body: '{"name": "sk-live-SECRET' });
    expect(e.status).toBe(400);
    expect(e.type).toBe('invalid_request');
    expect(e.message).toMatch(/^the body is not valid JSON/);
    expect(e.message).not.toContain('SECRET');
  });

  it('names every bad field by its path, never echoing values', () => {
    const e = refusal({ body: JSON.stringify({ name: 7, budget: { dailyUsd: -1 }, tags: ['ok', 3], colour: 'sk-live-SECRET' }) });
    expect(e.status).toBe(400);
    expect(e.message).toContain('name: expected a string');
    expect(e.message).toContain('budget.dailyUsd: too small');
    expect(e.message).toContain('tags[1]: expected a string');
    expect(e.message).toContain('colour: unknown field');
    expect(e.message).not.toContain('SECRET');
  });

  it.each([
    ['null', 'body: expected an object'],
    ['[1,2]', 'body: expected an object'],
    ['"text"', 'body: expected an object'],
    ['', 'name: required'],
  ])('refuses the body %j with a 400 (%s)', (body, message) => {
    expect(refusal({ body }).message).toBe(message);
  });

  it('answers 404 for a malformed path id (it names nothing) and 400 for a bad query', () => {
    expect(refusal({ params: { thingId: 'not-a-uuid' } }).status).toBe(404);
    expect(refusal({ query: { dryRun: 'maybe' } }).status).toBe(400);
    expect(refusal({ query: { dryRun: ['true', 'false'] } }).message).toContain('dryRun');
  });

  describe('text the database cannot store (issue 10)', () => {
    it.each([
      ['a NUL in a string field', String.raw`{"name":"ac\u0000me"}`, 'name: contains a NUL character'],
      ['a lone surrogate in a list', String.raw`{"name":"n","tags":["ok","\ud800"]}`, 'tags[1]: contains a NUL character'],
      ['a NUL in a key', String.raw`{"name":"n","budget":{"daily\u0000Usd":1}}`, 'budget.daily\uFFFDUsd (a key): contains'],
    ])('answers 400 for %s, naming it, before the schema looks', (_what, body, message) => {
      const e = refusal({ body });
      expect(e.status).toBe(400);
      expect(e.message).toContain(JSON.parse(`"${message}"`) as string);
    });

    it('checks an already-parsed body too', () => {
      expect(refusal({ body: { name: 'x\u0000' } as unknown }).status).toBe(400);
    });

    it('answers 400 for a NUL in the query and 404 for one in a path id', () => {
      expect(refusal({ query: { dryRun: 'true\u0000' } }).message).toMatch(/^query\.dryRun: contains/);
      expect(refusal({ params: { thingId: `${ID}\u0000` } }).status).toBe(404);
    });

    it('lets an emoji (a valid surrogate pair) through', () => {
      expect(parseRouteInput(route, request({ body: String.raw`{"name":"\ud83d\ude00"}` })).body).toEqual({ name: '\u{1F600}' });
    });
  });
});
