import { applyMigrations, createDatabase, recordUsageBatch, type Database } from '@switchyard/db';
import { LocalOidcIssuer, ProviderSimulator } from '@switchyard/testing';
import { AdminClient, type AdminResponse } from './support/admin-client';
import { startAdminReplica, type AdminReplica } from './support/admin-replica';
import { createTestDatabase } from './support/postgres-harness';
import { GATEWAY_SECRETS, writeGatewayConfig } from './support/gateway-config';
import { type RunningApp, eventually, freePort, startApp, waitForReady } from './support/process-harness';

// Admin roles (issue 18) on real Postgres and Redis. First three replicas of the admin API in this
// process — two of one region (one Redis config bus), one of another region (its own Redis,
// following the change feed) — called over HTTP with named tokens and OIDC JWTs from a local
// issuer whose key set a local HTTP server serves; then the built standalone app, configured by its environment.

const BOOTSTRAP = 'roles-bootstrap-token-0123456789abcdef';
const REGION_REDIS = process.env['TEST_ROLES_REDIS_URL'] ?? 'redis://127.0.0.1:6379/7';
const OTHER_REGION_REDIS = process.env['TEST_ROLES_OTHER_REDIS_URL'] ?? 'redis://127.0.0.1:6379/8';
const AUDIENCE = 'switchyard-admin';
const USAGE_AT = new Date();
const MONTH = USAGE_AT.toISOString().slice(0, 7);
/** What only operator staff see (docs/admin-api.md, "Roles"): JSON fields and CSV columns. */
const OPERATOR_FIELDS = ['upstreamCostUsd', 'upstreamCostNanoUsd', 'marginUsd', 'marginNanoUsd', 'costedRequests'];
const OPERATOR_COLUMNS = ['upstream_cost_usd', 'margin_usd', 'costed_requests'];

type Kind = 'platform' | 'read-only' | 'tenant';
interface Principal {
  label: string;
  kind: Kind;
  client: AdminClient;
}
interface Row {
  route: string;
  call: (who: string) => [method: string, path: string, body?: unknown];
  expect: Record<Kind, number>;
}

/** One admin call that must answer `status` (else the test fails showing the answer). */
async function want<T = Record<string, unknown>>(client: AdminClient, status: number, method: string, path: string, body?: unknown): Promise<AdminResponse<T>> {
  const res = await client.call<T>(method, path, body);
  if (res.status !== status) throw new Error(`${method} ${path} → ${res.status}, expected ${status}: ${res.text}`);
  return res;
}

describe('admin roles (Postgres, Redis, OIDC)', () => {
  let pg: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let issuer: LocalOidcIssuer;
  let a: AdminReplica;
  let b: AdminReplica;
  let otherRegion: AdminReplica;
  let bootstrap: AdminClient;
  let globexKeyId = '';
  const principals: Principal[] = [];

  const jwt = (claims: Record<string, unknown>) =>
    issuer.sign({ iss: issuer.issuer, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 600, iat: Math.floor(Date.now() / 1000), ...claims });

  async function namedToken(name: string, role: Kind, tenantId?: string): Promise<string> {
    const res = await want<{ secret: string }>(bootstrap, 201, 'POST', '/admin-tokens', { name, role, ...(tenantId && { tenantId }) });
    return res.body.secret;
  }

  beforeAll(async () => {
    pg = await createTestDatabase('sy_roles');
    db = await createDatabase({ databaseUrl: pg.url });
    await applyMigrations(db);
    issuer = await LocalOidcIssuer.start();
    const oidc = { issuer: issuer.issuer, audience: AUDIENCE, jwks: { url: issuer.jwksUrl }, roleClaim: 'switchyard_role', tenantClaim: 'switchyard_tenant' };
    a = await startAdminReplica({ db, redisUrl: REGION_REDIS, bootstrapToken: BOOTSTRAP, oidc });
    b = await startAdminReplica({ db, redisUrl: REGION_REDIS, bootstrapToken: BOOTSTRAP, oidc });
    otherRegion = await startAdminReplica({ db, redisUrl: OTHER_REGION_REDIS, bootstrapToken: BOOTSTRAP, oidc, configFeedPollMs: 200 });
    bootstrap = new AdminClient(a.url, BOOTSTRAP);
    await want(bootstrap, 201, 'POST', '/tenants', { id: 'acme' });
    await want(bootstrap, 201, 'POST', '/tenants', { id: 'globex' });
    await want(bootstrap, 201, 'POST', '/tenants/acme/keys', { name: 'acme-app' });
    globexKeyId = (await want<{ key: { id: string } }>(bootstrap, 201, 'POST', '/tenants/globex/keys', { name: 'globex-app' })).body.key.id;
    // Billing's own insert, so the rollups and statements have the rows too; the deployment
    // declares an upstream cost, so each row has the operator's upstream cost and margin.
    await recordUsageBatch(
      db,
      ['acme', 'globex'].map((tenantId) => ({
        requestId: `req-${tenantId}`, tenantId, keyId: `key-${tenantId}`, model: 'gpt-4o-mini', dialect: 'openai', stream: false, status: 'ok' as const, httpStatus: 200,
        inputTokens: 10, outputTokens: 5, costUsd: '0.001', upstreamCostUsd: '0.0007', latencyMs: 20, startedAt: USAGE_AT, finishedAt: USAGE_AT,
      })),
    );
    principals.push(
      { label: 'token ops', kind: 'platform', client: new AdminClient(a.url, await namedToken('ops', 'platform')) },
      { label: 'token auditor', kind: 'read-only', client: new AdminClient(a.url, await namedToken('auditor', 'read-only')) },
      { label: 'token acme-admin', kind: 'tenant', client: new AdminClient(a.url, await namedToken('acme-admin', 'tenant', 'acme')) },
      { label: 'oidc platform', kind: 'platform', client: new AdminClient(a.url, jwt({ sub: 'carol', switchyard_role: 'platform' })) },
      { label: 'oidc read-only', kind: 'read-only', client: new AdminClient(a.url, jwt({ sub: 'dave', switchyard_role: 'read-only' })) },
      { label: 'oidc tenant', kind: 'tenant', client: new AdminClient(a.url, jwt({ sub: 'erin', switchyard_role: 'tenant', switchyard_tenant: 'acme' })) },
    );
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close(), otherRegion?.close()]);
    await issuer?.close();
    await db?.close();
    await pg?.drop();
  });

  // Each row: a representative route of a kind, and what each role gets. Writes that succeed
  // are made unique per principal, so each principal's call stands on its own.
  const MATRIX: Row[] = [
    { route: 'list providers', call: () => ['GET', '/providers'], expect: { platform: 200, 'read-only': 200, tenant: 403 } },
    // 400: past authorization, refused by the body's validation.
    { route: 'create a provider', call: () => ['POST', '/providers', {}], expect: { platform: 400, 'read-only': 403, tenant: 403 } },
    { route: 'list models', call: () => ['GET', '/models'], expect: { platform: 200, 'read-only': 200, tenant: 403 } },
    { route: 'apply a config', call: () => ['POST', '/config/apply', {}], expect: { platform: 400, 'read-only': 403, tenant: 403 } },
    { route: 'list tenants', call: () => ['GET', '/tenants'], expect: { platform: 200, 'read-only': 200, tenant: 403 } },
    { route: 'create a tenant', call: (who) => ['POST', '/tenants', { id: `t-${who}` }], expect: { platform: 201, 'read-only': 403, tenant: 403 } },
    { route: 'get its own tenant', call: () => ['GET', '/tenants/acme'], expect: { platform: 200, 'read-only': 200, tenant: 200 } },
    { route: "get another tenant", call: () => ['GET', '/tenants/globex'], expect: { platform: 200, 'read-only': 200, tenant: 404 } },
    { route: 'change its own tenant\'s limits', call: () => ['PATCH', '/tenants/acme', { rpm: 100 }], expect: { platform: 200, 'read-only': 403, tenant: 403 } },
    { route: 'list its own keys', call: () => ['GET', '/tenants/acme/keys'], expect: { platform: 200, 'read-only': 200, tenant: 200 } },
    { route: "list another tenant's keys", call: () => ['GET', '/tenants/globex/keys'], expect: { platform: 200, 'read-only': 200, tenant: 404 } },
    { route: 'create its own key', call: (who) => ['POST', '/tenants/acme/keys', { name: who }], expect: { platform: 201, 'read-only': 403, tenant: 201 } },
    { route: 'create a key for another tenant', call: (who) => ['POST', '/tenants/globex/keys', { name: who }], expect: { platform: 201, 'read-only': 403, tenant: 404 } },
    { route: "revoke another tenant's key", call: () => ['POST', `/tenants/globex/keys/${globexKeyId}/revoke`], expect: { platform: 200, 'read-only': 403, tenant: 404 } },
    { route: 'read usage', call: () => ['GET', '/usage'], expect: { platform: 200, 'read-only': 200, tenant: 200 } },
    { route: "read another tenant's usage", call: () => ['GET', '/usage?tenant=globex'], expect: { platform: 200, 'read-only': 200, tenant: 403 } },
    { route: 'read the audit log', call: () => ['GET', '/audit'], expect: { platform: 200, 'read-only': 200, tenant: 200 } },
    { route: 'list admin tokens', call: () => ['GET', '/admin-tokens'], expect: { platform: 200, 'read-only': 200, tenant: 403 } },
    { route: 'create an admin token', call: (who) => ['POST', '/admin-tokens', { name: `by-${who}`, role: 'read-only' }], expect: { platform: 201, 'read-only': 403, tenant: 403 } },
    { route: 'read the OpenAPI document', call: () => ['GET', '/openapi.json'], expect: { platform: 200, 'read-only': 200, tenant: 403 } },
  ];

  it('answers every role on every kind of route as its role allows, refusals in the admin error shape', async () => {
    const got: string[] = [];
    const expected: string[] = [];
    for (const row of MATRIX) {
      for (const p of principals) {
        const [method, path, body] = row.call(p.label.replace(/\W+/g, '-'));
        const res = await p.client.call(method, path, body);
        got.push(`${p.label} ${row.route}: ${res.status}`);
        expected.push(`${p.label} ${row.route}: ${row.expect[p.kind]}`);
        if (res.status >= 400) expect(res.body).toEqual({ error: { type: expect.any(String), message: expect.any(String) } });
        if (res.status === 403) expect(res.body).toMatchObject({ error: { type: 'forbidden' } });
      }
    }
    expect(got).toEqual(expected);
  });

  it("narrows a tenant admin's listings to its own tenant", async () => {
    const acme = principals.find((p) => p.label === 'token acme-admin')!.client;
    const usage = await want<{ rows: { tenantId: string }[] }>(acme, 200, 'GET', '/usage');
    expect(usage.body.rows.map((r) => r.tenantId)).toEqual(['acme']);
    expect((await want<{ rows: { tenantId: string }[] }>(bootstrap, 200, 'GET', '/usage')).body.rows.map((r) => r.tenantId)).toEqual(['acme', 'globex']);
    const audit = await want<{ rows: { entity: string; entityId: string; after: { tenantId?: string } | null; before: { tenantId?: string } | null }[] }>(acme, 200, 'GET', '/audit?limit=1000');
    expect(audit.body.rows.length).toBeGreaterThan(0);
    for (const r of audit.body.rows) expect(r.entityId === 'acme' || r.after?.tenantId === 'acme' || r.before?.tenantId === 'acme').toBe(true);
  });

  it("keeps the operator's upstream cost and margin from tenant admins, JSON and CSV, and shows them to platform and read-only admins", async () => {
    const everyone: Principal[] = [{ label: 'bootstrap', kind: 'platform', client: bootstrap }, ...principals];
    const operatorKeys = (o: object) => OPERATOR_FIELDS.filter((k) => k in o);
    const csvHeader = (text: string) => (text.split('\r\n')[0] ?? '').split(',');
    for (const p of everyone) {
      const staff = p.kind !== 'tenant';
      const shown = staff ? 'shown' : 'absent';
      const usage = await want<{ rows: Record<string, unknown>[] }>(p.client, 200, 'GET', '/usage?tenant=acme');
      const rollups = await want<{ rows: Record<string, unknown>[] }>(p.client, 200, 'GET', '/usage/rollups?tenant=acme&groupBy=tenant');
      const statement = await want<{ lines: Record<string, unknown>[]; usage: Record<string, unknown> }>(p.client, 200, 'GET', `/tenants/acme/statements/${MONTH}`);
      expect({ who: p.label, shown, usage: usage.body.rows.map(operatorKeys), rollups: rollups.body.rows.map(operatorKeys), lines: statement.body.lines.map(operatorKeys), total: operatorKeys(statement.body.usage) }).toEqual({
        who: p.label,
        shown,
        usage: [staff ? ['upstreamCostUsd', 'marginUsd', 'costedRequests'] : []],
        rollups: [staff ? ['upstreamCostUsd', 'marginUsd', 'costedRequests'] : []],
        lines: [staff ? OPERATOR_FIELDS : []],
        total: staff ? OPERATOR_FIELDS : [],
      });
      // The rest of the answer is the same for every role.
      expect([usage.body.rows[0]?.['costUsd'], rollups.body.rows[0]?.['costUsd'], statement.body.usage['costUsd']]).toEqual([0.001, '0.001000000', '0.001000000']);
      if (staff) expect([usage.body.rows[0]?.['marginUsd'], rollups.body.rows[0]?.['marginUsd'], statement.body.usage['marginNanoUsd']]).toEqual([0.0003, '0.000300000', '300000']);

      const csv = { accept: 'text/csv' };
      const rollupsCsv = await p.client.call('GET', '/usage/rollups?tenant=acme&groupBy=tenant', undefined, csv);
      const statementCsv = await p.client.call('GET', `/tenants/acme/statements/${MONTH}`, undefined, csv);
      expect([rollupsCsv.status, statementCsv.status]).toEqual([200, 200]);
      for (const text of [rollupsCsv.text, statementCsv.text]) {
        expect({ who: p.label, shown, columns: csvHeader(text).filter((c) => OPERATOR_COLUMNS.includes(c)) }).toEqual({ who: p.label, shown, columns: staff ? OPERATOR_COLUMNS : [] });
        // Every row as wide as the header: the cells went with their columns.
        for (const line of text.split('\r\n').filter(Boolean)) expect(line.split(',').length).toBe(csvHeader(text).length);
        expect(text.includes('0.000700000') || text.includes('0.000300000')).toBe(staff);
      }
    }
  });

  it("audits each change under the token's name: token:<name>, oidc:<subject>, bootstrap:<label>", async () => {
    const ops = principals.find((p) => p.label === 'token ops')!.client;
    const oidc = principals.find((p) => p.label === 'oidc tenant')!.client;
    const byOps = (await want<{ key: { id: string } }>(ops, 201, 'POST', '/tenants/acme/keys', { name: 'by-ops' })).body.key.id;
    const byOidc = (await want<{ key: { id: string } }>(oidc, 201, 'POST', '/tenants/acme/keys', { name: 'by-erin' })).body.key.id;
    const byBootstrap = (await want<{ key: { id: string } }>(bootstrap.withActor('alice'), 201, 'POST', '/tenants/acme/keys', { name: 'by-alice' })).body.key.id;
    const actorOf = async (entityId: string) => (await want<{ rows: { actor: string }[] }>(bootstrap, 200, 'GET', `/audit?entity=key&entityId=${entityId}`)).body.rows.map((r) => r.actor);
    expect(await actorOf(byOps)).toEqual(['token:ops']);
    expect(await actorOf(byOidc)).toEqual(['oidc:erin']);
    expect(await actorOf(byBootstrap)).toEqual(['bootstrap:alice']);
    // The audit filter by actor finds a token's actions.
    const rows = (await want<{ rows: { action: string; entity: string }[] }>(bootstrap, 200, 'GET', '/audit?actor=token:ops')).body.rows;
    expect(rows.length).toBeGreaterThan(0);
  });

  it('shows a secret once, stores it hashed, and refuses a revoked token on every replica and region', async () => {
    const created = await want<{ token: { id: string; prefix: string; status: string }; secret: string }>(bootstrap, 201, 'POST', '/admin-tokens', { name: 'ci-deploy', role: 'platform' });
    const { token, secret } = created.body;
    expect(secret.startsWith(token.prefix)).toBe(true);
    expect(token.status).toBe('active');
    const listed = await want(bootstrap, 200, 'GET', '/admin-tokens');
    expect(listed.text).not.toContain(secret);
    const [stored] = await pg.query<{ hash: string }>('SELECT hash FROM admin_tokens WHERE id = $1', [token.id]);
    expect(stored?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.hash).not.toContain(secret);
    // Used on every replica, so each has it cached.
    for (const r of [a, b, otherRegion]) await want(new AdminClient(r.url, secret), 200, 'GET', '/tenants');

    const revoked = await want<{ revoked: { status: string; revokedAt: string } }>(bootstrap, 200, 'DELETE', `/admin-tokens/${token.id}`);
    expect(revoked.body.revoked.status).toBe('revoked');
    // Within about 2 s everywhere (docs/admin-api.md), far below the 10 s cache age: the bus in the region, the feed across.
    for (const r of [a, b, otherRegion]) {
      await eventually(async () => {
        const res = await new AdminClient(r.url, secret).call('GET', '/tenants');
        if (res.status !== 401) throw new Error(`still ${res.status}`);
        expect(res.body).toEqual({ error: { type: 'unauthorized', message: 'A valid admin bearer token is required.' } });
      }, 2_000, `revocation on ${r.url}`);
    }
    // Idempotent, and the name stays taken: the audit log keeps naming one token.
    expect((await want<{ revoked: { revokedAt: string } }>(bootstrap, 200, 'DELETE', `/admin-tokens/${token.id}`)).body.revoked.revokedAt).toBe(revoked.body.revoked.revokedAt);
    expect((await bootstrap.call('POST', '/admin-tokens', { name: 'ci-deploy', role: 'platform' })).status).toBe(409);
    const audit = await want<{ rows: { action: string }[] }>(bootstrap, 200, 'GET', `/audit?entity=admin-token&entityId=${token.id}`);
    expect(audit.body.rows.map((r) => r.action)).toEqual(['revoke', 'create']);
  });

  it("removes a tenant admin's access with its tenant", async () => {
    await want(bootstrap, 201, 'POST', '/tenants', { id: 'initech' });
    const secret = await namedToken('initech-admin', 'tenant', 'initech');
    const initech = new AdminClient(b.url, secret);
    await want(initech, 200, 'GET', '/tenants/initech/keys');
    await want(bootstrap, 200, 'DELETE', '/tenants/initech');
    await eventually(async () => {
      if ((await initech.call('GET', '/tenants/initech/keys')).status !== 401) throw new Error('still admitted');
    }, 2_000, 'tenant deletion');
  });

  it('refuses bad token requests with a clear 400 or 404', async () => {
    expect((await bootstrap.call('POST', '/admin-tokens', { name: 'x1', role: 'tenant' })).body).toEqual({ error: { type: 'invalid_request', message: expect.stringContaining('tenantId') } });
    expect((await bootstrap.call('POST', '/admin-tokens', { name: 'x2', role: 'platform', tenantId: 'acme' })).status).toBe(400);
    expect((await bootstrap.call('POST', '/admin-tokens', { name: 'x3', role: 'owner' })).status).toBe(400);
    expect((await bootstrap.call('POST', '/admin-tokens', { name: 'has space', role: 'platform' })).status).toBe(400);
    expect((await bootstrap.call('POST', '/admin-tokens', { name: 'x4', role: 'tenant', tenantId: 'nobody' })).body).toEqual({ error: { type: 'not_found', message: 'tenant "nobody" not found' } });
    expect((await bootstrap.call('DELETE', '/admin-tokens/6f1c1d1e-0000-4000-8000-000000000001')).status).toBe(404);
  });

  it('refuses unknown, expired, wrongly addressed and forged OIDC tokens (401) and role-less ones (403)', async () => {
    const status = async (token: string) => {
      const res = await new AdminClient(a.url, token).call('GET', '/tenants');
      expect(res.body).toEqual({ error: { type: expect.any(String), message: expect.any(String) } });
      return res.status;
    };
    expect(await status('sy-admin-not-a-real-token')).toBe(401);
    expect(await status('some-other-token')).toBe(401);
    expect(await status(jwt({ sub: 'x', switchyard_role: 'platform', exp: Math.floor(Date.now() / 1000) - 120 }))).toBe(401);
    expect(await status(jwt({ sub: 'x', switchyard_role: 'platform', aud: 'grafana' }))).toBe(401);
    expect(await status(issuer.sign({ iss: issuer.issuer, aud: AUDIENCE, sub: 'x', exp: Math.floor(Date.now() / 1000) + 600, switchyard_role: 'platform' }, { forged: true }))).toBe(401);
    expect(await status(jwt({ sub: 'x' }))).toBe(403);
    expect(await status(jwt({ sub: 'x', switchyard_role: 'tenant' }))).toBe(403);
  });
});

// The same roles through the real process: the environment (SWITCHYARD_ADMIN_OIDC_*) wired into
// the admin API of the built standalone app, a named token and an OIDC JWT used over HTTP.
describe('admin roles in the standalone process (SWITCHYARD_ADMIN_OIDC_*)', () => {
  let sim: ProviderSimulator;
  let pg: Awaited<ReturnType<typeof createTestDatabase>>;
  let issuer: LocalOidcIssuer;
  let app: RunningApp;
  let url = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    pg = await createTestDatabase('sy_roles_app');
    issuer = await LocalOidcIssuer.start();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    app = startApp('standalone', {
      ...GATEWAY_SECRETS,
      SWITCHYARD_CONFIG: writeGatewayConfig(sim.url),
      DATABASE_URL: pg.url,
      HOST: '127.0.0.1',
      PORT: String(port),
      SWITCHYARD_ADMIN_TOKEN: BOOTSTRAP,
      SWITCHYARD_ADMIN_OIDC_ISSUER: issuer.issuer,
      SWITCHYARD_ADMIN_OIDC_AUDIENCE: AUDIENCE,
      SWITCHYARD_ADMIN_OIDC_JWKS_URL: issuer.jwksUrl,
      SWITCHYARD_ADMIN_OIDC_ROLE_CLAIM: 'groups',
    });
    await waitForReady(url, app);
  });

  afterAll(async () => {
    await app?.stop();
    await issuer?.close();
    await sim?.close();
    await pg?.drop();
  });

  it('admits a named read-only token and an OIDC tenant admin as their roles allow', async () => {
    const bootstrap = new AdminClient(url, BOOTSTRAP);
    const secret = (await want<{ secret: string }>(bootstrap, 201, 'POST', '/admin-tokens', { name: 'auditor', role: 'read-only' })).body.secret;
    const auditor = new AdminClient(url, secret);
    await want(auditor, 200, 'GET', '/tenants');
    await want(auditor, 403, 'POST', '/tenants', { id: 'nope' });
    const now = Math.floor(Date.now() / 1000);
    const acme = new AdminClient(url, issuer.sign({ iss: issuer.issuer, aud: AUDIENCE, sub: 'frank', exp: now + 600, groups: ['staff', 'tenant'], switchyard_tenant: 'acme' }));
    await want(acme, 201, 'POST', '/tenants/acme/keys', { name: 'from-oidc' });
    await want(acme, 403, 'GET', '/providers');
    const rows = (await want<{ rows: { actor: string }[] }>(bootstrap, 200, 'GET', '/audit?entity=key')).body.rows;
    expect(rows.map((r) => r.actor)).toContain('oidc:frank');
    // The ingress's operator views outside the admin routes take the same credentials.
    await want(auditor, 200, 'GET', '/routing/health');
    await want(acme, 403, 'GET', '/routing/health');
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer sy-admin-unknown' } })).status).toBe(401);
  });

  it('stops at start, naming the variable, when OIDC is half configured', async () => {
    const port = await freePort();
    const half = startApp('standalone', { ...GATEWAY_SECRETS, SWITCHYARD_CONFIG: writeGatewayConfig(sim.url), DATABASE_URL: pg.url, HOST: '127.0.0.1', PORT: String(port), SWITCHYARD_ADMIN_TOKEN: BOOTSTRAP, SWITCHYARD_ADMIN_OIDC_ISSUER: issuer.issuer });
    const code = await eventually(async () => {
      if (half.proc.exitCode === null) throw new Error('still running');
      return half.proc.exitCode;
    }, 30_000, 'the start to stop');
    expect(code).not.toBe(0);
    expect(half.output()).toContain('SWITCHYARD_ADMIN_OIDC_AUDIENCE');
  });
});
