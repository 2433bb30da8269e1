import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { randomBytes } from 'node:crypto';
import { DEFAULT_CONTENT, ProviderSimulator } from '@switchyard/testing';
import { AdminClient } from './support/admin-client';
import { GATEWAY_SECRETS, PUBLIC_MODEL, writeGatewayConfig } from './support/gateway-config';
import { createTestDatabase } from './support/postgres-harness';
import { RunningApp, eventually, freePort, startApp, waitForReady } from './support/process-harness';

// The admin API of two standalone replicas sharing one Postgres and one Redis (db 12), driven
// with plain HTTP as an operator would, and its effects checked through the official openai SDK.

const REDIS_URL = process.env['TEST_ADMIN_REDIS_URL'] ?? 'redis://127.0.0.1:6379/12';
const ADMIN_TOKEN = 'admin-e2e-token-0123456789abcdef0123';
const SECRET_KEYS = `k1:${randomBytes(32).toString('base64')}`;
const UPSTREAM_LITERAL = 'sk-upstream-literal-for-sealing-0123456789';

interface KeyWithSecret {
  key: { id: string; prefix: string; status: string; rotation: { previousPrefix: string } | null };
  secret: string;
}

/** Polls `check` for at most `ms`; the replicas refresh on their own only every 10 s, so passing proves the push. */
async function within<T>(ms: number, check: () => Promise<T>, what: string): Promise<{ value: T; afterMs: number }> {
  const start = Date.now();
  let last: unknown;
  while (Date.now() - start <= ms) {
    try {
      return { value: await check(), afterMs: Date.now() - start };
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error(`${what} not within ${ms} ms: ${String(last)}`);
}

function chat(baseUrl: string, apiKey: string, model = PUBLIC_MODEL) {
  return new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey, maxRetries: 0 }).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
}

async function chatStatus(baseUrl: string, apiKey: string, model = PUBLIC_MODEL): Promise<number> {
  try {
    await chat(baseUrl, apiKey, model);
    return 200;
  } catch (error) {
    if (error instanceof OpenAI.APIError && error.status !== undefined) return error.status;
    throw error;
  }
}

async function expectStatus(baseUrl: string, apiKey: string, status: number, model = PUBLIC_MODEL): Promise<void> {
  const got = await chatStatus(baseUrl, apiKey, model);
  if (got !== status) throw new Error(`chat answered ${got}, expected ${status}`);
}

describe('admin API on two standalone replicas (Postgres, Redis)', () => {
  let sim: ProviderSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: RunningApp;
  let b: RunningApp;
  let urlA = '';
  let urlB = '';
  let admin: AdminClient;
  const secrets: string[] = [];

  beforeAll(async () => {
    const redis = new Redis(REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_admin');
    const config = writeGatewayConfig(sim.url);
    const env = { ...GATEWAY_SECRETS, SWITCHYARD_CONFIG: config, DATABASE_URL: db.url, REDIS_URL, HOST: '127.0.0.1', SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN, SWITCHYARD_SECRET_KEYS: SECRET_KEYS };
    const [portA, portB] = [await freePort(), await freePort()];
    urlA = `http://127.0.0.1:${portA}`;
    urlB = `http://127.0.0.1:${portB}`;
    a = startApp('standalone', { ...env, PORT: String(portA) });
    await waitForReady(urlA, a);
    b = startApp('standalone', { ...env, PORT: String(portB) });
    await waitForReady(urlB, b);
    admin = new AdminClient(urlA, ADMIN_TOKEN);
  });

  afterAll(async () => {
    const codes = [await a?.stop(), await b?.stop()];
    await sim?.close();
    await db?.drop();
    expect(codes).toEqual([0, 0]);
  });

  async function newKey(tenant: string, body: Record<string, unknown> = {}): Promise<KeyWithSecret> {
    const created = await admin.ok<KeyWithSecret>('POST', `/tenants/${tenant}/keys`, body);
    secrets.push(created.secret);
    return created;
  }

  it('refuses every route without the token, or with a wrong one, in the admin error shape', async () => {
    for (const token of [undefined, 'wrong-token', `${ADMIN_TOKEN}x`]) {
      for (const [method, path] of [['GET', '/tenants'], ['POST', '/tenants'], ['GET', '/openapi.json'], ['GET', '/no-such-route']]) {
        const res = await admin.withToken(token).call(method ?? 'GET', path ?? '/', method === 'POST' ? { id: 'x' } : undefined);
        expect({ method, path, status: res.status, body: res.body }).toEqual({ method, path, status: 401, body: { error: { type: 'unauthorized', message: expect.any(String) } } });
      }
    }
  });

  it('answers malformed JSON and wrong types with a 400 naming the problem', async () => {
    const bad = await admin.call('POST', '/tenants', '{"id": "acme2",');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: { type: 'invalid_request', message: expect.stringMatching(/^the body is not valid JSON/) } });
    const types = await admin.call('POST', '/tenants', { id: 'typed', rpm: 'ten', budget: { dailyUsd: -1 }, colour: 'blue' });
    expect(types.status).toBe(400);
    expect((types.body as { error: { message: string } }).error.message).toMatch(/rpm: expected .*budget\.dailyUsd: too small.*colour: unknown field/);
    expect((await admin.call('GET', '/tenants/typed')).status).toBe(404);
  });

  it('serves an OpenAPI 3.1 document of every route', async () => {
    const doc = await admin.ok<{ openapi: string; paths: Record<string, Record<string, { operationId: string }>> }>('GET', '/openapi.json');
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/admin/v1/tenants/{tenantId}/keys/{keyId}/rotate']?.['post']?.operationId).toBe('rotateKey');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/admin/v1/tenants', '/admin/v1/providers/{providerId}', '/admin/v1/models/{model}/prices', '/admin/v1/usage', '/admin/v1/audit']));
  });

  it('creates a tenant and a key that the official SDK can use at once, shown once and stored as a hash', async () => {
    const tenant = await admin.ok('POST', '/tenants', { id: 'team-a', name: 'Team A', rpm: 1000, budget: { monthlyUsd: 100 }, metadata: { cost_centre: 'cc-7' } });
    expect(tenant).toMatchObject({ id: 'team-a', rpm: 1000, budget: { dailyUsd: null, monthlyUsd: 100 }, metadata: { cost_centre: 'cc-7' } });
    const { key, secret } = await newKey('team-a', { name: 'ci', models: ['gpt-*'] });
    expect(secret).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/);
    expect(key.prefix).toBe(secret.slice(0, 12));
    const answer = await within(1000, () => chat(urlA, secret), 'new key usable on A');
    expect(answer.value.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
    // Listing never shows the secret again.
    const listed = await admin.call('GET', '/tenants/team-a/keys');
    expect(listed.text).toContain(key.id);
    expect(listed.text).not.toContain(secret);
    const [row] = await db.query<{ hash: string; prefix: string }>('SELECT hash, prefix FROM virtual_keys WHERE id = $1', [key.id]);
    expect(row?.prefix).toBe(key.prefix);
    expect(row?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(listed.text).not.toContain(row?.hash);
  });

  it('reaches the second replica within a second: a new key works on B, a revoked one is refused on B', async () => {
    await admin.ok('POST', '/tenants', { id: 'team-b' });
    const { key, secret } = await newKey('team-b');
    const works = await within(1000, () => expectStatus(urlB, secret, 200), 'new key usable on replica B');
    // B now holds the key as valid in its cache; only the announcement can change its mind
    // within a second (an unknown key triggers a reload by itself, a known one does not).
    await admin.ok('POST', `/tenants/team-b/keys/${key.id}/revoke`);
    const refused = await within(1000, () => expectStatus(urlB, secret, 401), 'revocation seen by replica B');
    expect([works.afterMs, refused.afterMs].every((ms) => ms <= 1000)).toBe(true);
  });

  it('revokes a key: the SDK gets a 401, and revoking again changes nothing', async () => {
    const { key, secret } = await newKey('team-a');
    await within(1000, () => expectStatus(urlA, secret, 200), 'key usable');
    const revoked = await admin.ok<{ status: string; revokedAt: string }>('POST', `/tenants/team-a/keys/${key.id}/revoke`);
    expect(revoked.status).toBe('revoked');
    await within(1000, () => expectStatus(urlA, secret, 401), 'revoked key refused');
    await expect(chat(urlA, secret)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const again = await admin.ok<{ revokedAt: string }>('POST', `/tenants/team-a/keys/${key.id}/revoke`);
    expect(again.revokedAt).toBe(revoked.revokedAt);
    expect((await admin.call('POST', `/tenants/team-a/keys/${key.id}/rotate`, {})).status).toBe(409);
  });

  it('rotates a key: old and new secrets both work during the grace period; with grace 0 the old one stops', async () => {
    const first = await newKey('team-a');
    await within(1000, () => expectStatus(urlA, first.secret, 200), 'key usable');
    const second = await admin.ok<KeyWithSecret>('POST', `/tenants/team-a/keys/${first.key.id}/rotate`, { graceSeconds: 3600 });
    secrets.push(second.secret);
    expect(second.secret).not.toBe(first.secret);
    expect(second.key.rotation?.previousPrefix).toBe(first.key.prefix);
    await within(1000, () => expectStatus(urlA, second.secret, 200), 'rotated secret usable');
    await expectStatus(urlA, first.secret, 200);
    await within(1000, () => expectStatus(urlB, second.secret, 200), 'rotated secret usable on B');
    await expectStatus(urlB, first.secret, 200);

    const third = await admin.ok<KeyWithSecret>('POST', `/tenants/team-a/keys/${first.key.id}/rotate`, { graceSeconds: 0 });
    secrets.push(third.secret);
    expect(third.key.rotation).toBeNull();
    await within(1000, () => expectStatus(urlA, second.secret, 401), 'secret rotated with no grace refused');
    await expectStatus(urlA, first.secret, 401);
    await expectStatus(urlA, third.secret, 200);
    // Both dropped secrets are retired, so a stale config file cannot bring them back.
    const retired = await db.query(`SELECT prefix, reason FROM retired_key_hashes WHERE key_id = '${first.key.id}' ORDER BY prefix`);
    expect(retired).toEqual([first.key.prefix, second.key.prefix].sort().map((prefix) => ({ prefix, reason: 'rotated' })));
  });

  it('narrows a key to other models: the SDK gets a 403', async () => {
    const { key, secret } = await newKey('team-a');
    await within(1000, () => expectStatus(urlA, secret, 200), 'key usable');
    const patched = await admin.ok<{ models: string[] }>('PATCH', `/tenants/team-a/keys/${key.id}`, { models: ['other-model'] });
    expect(patched.models).toEqual(['other-model']);
    await within(1000, () => expectStatus(urlA, secret, 403), 'model no longer allowed');
    await expect(chat(urlA, secret)).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it("sets a key's PII guardrails: blocked cards reach no upstream, an unsafe pattern is refused, null removes them", async () => {
    const { key, secret } = await newKey('team-a');
    const card = (apiKey: string) => new OpenAI({ baseURL: `${urlB}/v1`, apiKey, maxRetries: 0 }).chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'pay with 4111 1111 1111 1111' }] });
    const guardrails = { pii: { action: 'block', categories: ['card'] } };
    expect(await admin.ok('PATCH', `/tenants/team-a/keys/${key.id}`, { guardrails })).toMatchObject({ guardrails });
    const blocked = async (): Promise<void> => {
      const err = await card(secret).then(() => undefined, (e: unknown) => e);
      if (!(err instanceof OpenAI.BadRequestError)) throw new Error(`expected a 400, got ${String(err)}`);
      expect(err.message).toContain('(card)');
      expect(err.message).not.toContain('4111');
    };
    await within(1000, blocked, 'card blocked on B');
    // Once B has the policy, a blocked request reaches no upstream.
    sim.reset();
    await blocked();
    expect(sim.requests).toHaveLength(0);

    const unsafe = await admin.call('PATCH', `/tenants/team-a/keys/${key.id}`, { guardrails: { pii: { action: 'mask', custom: [{ name: 'x', pattern: '(a{1,9}){1,9}$' }] } } });
    expect(unsafe.status).toBe(400);
    expect(unsafe.body).toEqual({ error: { type: 'invalid_request', message: expect.stringContaining('nests a quantifier') } });

    expect(await admin.ok('PATCH', `/tenants/team-a/keys/${key.id}`, { guardrails: null })).toMatchObject({ guardrails: null });
    await within(1000, () => expectStatus(urlB, secret, 200), 'guardrails removed on B');
  });

  it('seals a literal upstream key: the database and the answers never hold it, the upstream receives it', async () => {
    const created = await admin.withActor('e2e').ok<{ apiKeys: string[] }>('POST', '/providers', { id: 'sealed-sim', type: 'openai', baseUrl: `${sim.url}/v1`, apiKeys: [UPSTREAM_LITERAL] });
    expect(created.apiKeys).toEqual([expect.stringMatching(/^enc:v1:k1:…$/)]);
    const [row] = await db.query<{ api_keys: string[] }>("SELECT api_keys FROM providers WHERE id = 'sealed-sim'");
    expect(row?.api_keys[0]).toMatch(/^enc:v1:k1:/);
    expect(JSON.stringify(row)).not.toContain(UPSTREAM_LITERAL);

    await admin.ok('POST', '/models', { name: 'sealed-model', deployments: [{ provider: 'sealed-sim', model: 'sealed-upstream' }], price: { inputPerMTok: 1, outputPerMTok: 2 } });
    const { secret } = await newKey('team-a');
    sim.reset();
    await within(1000, () => expectStatus(urlB, secret, 200, 'sealed-model'), 'new model served by replica B');
    expect(sim.requests.at(-1)?.headers['authorization']).toBe(`Bearer ${UPSTREAM_LITERAL}`);

    // Deleting a provider still used by a deployment is refused.
    const inUse = await admin.call('DELETE', '/providers/sealed-sim');
    expect(inUse.status).toBe(409);
    expect(inUse.body).toEqual({ error: { type: 'conflict', message: expect.stringContaining('sealed-model') } });
  });

  it('refuses a malformed provider without echoing the literal key it carried', async () => {
    const res = await admin.call('POST', '/providers', { id: 'bad', type: 'openai', baseUrl: 'not a url', apiKeys: ['env:lower-case-ok', UPSTREAM_LITERAL] });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { type: 'invalid_request', message: expect.stringContaining('baseUrl') } });
    expect(res.text).not.toContain(UPSTREAM_LITERAL);
  });

  it('narrows a whole tenant through PATCH, and widens it again with an empty list', async () => {
    const { secret } = await newKey('team-a');
    await within(1000, () => expectStatus(urlB, secret, 200), 'key usable');
    expect(await admin.ok('PATCH', '/tenants/team-a', { models: ['other-model'], budget: { dailyUsd: 50 } })).toMatchObject({ models: ['other-model'], budget: { dailyUsd: 50, monthlyUsd: 100 } });
    await within(1000, () => expectStatus(urlB, secret, 403), 'tenant narrowed on B');
    await admin.ok('PATCH', '/tenants/team-a', { models: [], budget: null });
    await within(1000, () => expectStatus(urlB, secret, 200), 'tenant widened on B');
  });

  it('manages models: strategy, deployments replaced in place, append-only prices, fallbacks protected', async () => {
    const base = '/models/sealed-model';
    const patched = await admin.ok<{ strategy: string; hedge: unknown; contextWindow: number }>('PATCH', base, { strategy: 'least-inflight', contextWindow: 64000 });
    expect(patched).toMatchObject({ strategy: 'least-inflight', contextWindow: 64000, hedge: null });
    const before = await admin.ok<{ deployments: { id: string }[] }>('GET', base);
    const replaced = await admin.ok<{ deployments: { id: string; model: string; weight: number }[] }>('PUT', `${base}/deployments`, {
      deployments: [{ provider: 'sealed-sim', model: 'sealed-upstream', weight: 5 }, { provider: 'sealed-sim', model: 'sealed-upstream-2', priority: 1 }],
    });
    expect(replaced.deployments).toEqual([
      expect.objectContaining({ id: before.deployments[0]?.id, model: 'sealed-upstream', weight: 5 }),
      expect.objectContaining({ model: 'sealed-upstream-2' }),
    ]);
    const unknown = await admin.call('PUT', `${base}/deployments`, { deployments: [{ provider: 'nope', model: 'x' }] });
    expect(unknown.body).toEqual({ error: { type: 'invalid_request', message: 'deployments[0].provider: unknown provider "nope"' } });

    const later = await admin.ok<{ effectiveFrom: string }>('POST', `${base}/prices`, { inputPerMTok: 3, outputPerMTok: 4, effectiveFrom: '2099-01-01T00:00:00Z' });
    expect(later.effectiveFrom).toBe('2099-01-01T00:00:00.000Z');
    expect((await admin.call('POST', `${base}/prices`, { inputPerMTok: 3, outputPerMTok: 4, effectiveFrom: '2099-01-01T00:00:00Z' })).status).toBe(409);
    const history = await admin.ok<{ prices: { inputPerMTok: number }[] }>('GET', `${base}/prices`);
    expect(history.prices.map((p) => p.inputPerMTok)).toEqual([3, 1]);
    expect(await admin.ok('GET', base)).toMatchObject({ price: { inputPerMTok: 1 } });

    await admin.ok('POST', '/models', { name: 'leans-on-sealed', deployments: [{ provider: 'sealed-sim', model: 'x' }], fallbacks: ['sealed-model'] });
    const protectedDelete = await admin.call('DELETE', base);
    expect(protectedDelete.status).toBe(409);
    expect((await admin.call('DELETE', '/models/leans-on-sealed')).status).toBe(200);
  });

  it('keeps an audit row per change, with actor and source, and never a secret or a key hash', async () => {
    const rows = await db.query<{ actor: string; action: string; entity: string; entity_id: string; source_ip: string; before: unknown; after: unknown }>(
      "SELECT actor, action, entity, entity_id, source_ip, before, after FROM audit_logs WHERE actor LIKE 'bootstrap%' ORDER BY at",
    );
    const actions = new Set(rows.map((r) => `${r.entity}:${r.action}`));
    for (const expected of ['tenant:create', 'key:create', 'key:update', 'key:revoke', 'key:rotate', 'provider:create', 'model:create', 'deployment:create', 'price:create']) {
      expect(actions).toContain(expected);
    }
    expect(rows.find((r) => r.entity === 'provider')).toMatchObject({ actor: 'bootstrap:e2e', action: 'create', entity_id: 'sealed-sim' });
    expect(rows.every((r) => /^(::ffff:)?127\.0\.0\.1$/.test(r.source_ip))).toBe(true);
    const hashes = (await db.query<{ hash: string; previous_hash: string | null }>('SELECT hash, previous_hash FROM virtual_keys')).flatMap((k) => [k.hash, k.previous_hash ?? []].flat());
    const everything = JSON.stringify(rows);
    for (const secret of [...secrets, UPSTREAM_LITERAL, ...hashes]) expect(everything).not.toContain(secret);

    const viaApi = await admin.ok<{ rows: { entity: string; action: string }[] }>('GET', '/audit?entity=provider&entityId=sealed-sim');
    expect(viaApi.rows).toEqual([expect.objectContaining({ entity: 'provider', action: 'create', after: expect.objectContaining({ apiKeys: [expect.stringMatching(/^enc:v1:k1:/)] }) })]);
  });

  it('answers usage by tenant and day from the ledger', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const usage = await eventually(async () => {
      const res = await admin.ok<{ rows: { tenantId: string; day: string; requests: number; model: string }[] }>('GET', `/usage?tenant=team-a&from=${today}&to=${today}`);
      if (res.rows.length === 0) throw new Error('no usage yet');
      return res.rows;
    }, 15_000, 'usage rows');
    expect(usage.every((r) => r.tenantId === 'team-a' && r.day === today)).toBe(true);
    expect(usage.reduce((n, r) => n + r.requests, 0)).toBeGreaterThan(0);
    expect((await admin.call('GET', '/usage?from=yesterday')).status).toBe(400);
  });

  it('deletes a tenant with its keys, which stop working', async () => {
    await admin.ok('POST', '/tenants', { id: 'short-lived' });
    const { secret } = await newKey('short-lived');
    await within(1000, () => expectStatus(urlA, secret, 200), 'key usable');
    const deleted = await admin.ok<{ keysDeleted: number }>('DELETE', '/tenants/short-lived');
    expect(deleted.keysDeleted).toBe(1);
    await within(1000, () => expectStatus(urlB, secret, 401), 'deleted tenant key refused on B');
    expect((await db.query("SELECT id FROM virtual_keys WHERE tenant_id = 'short-lived'")).length).toBe(0);
    expect(await db.query("SELECT reason FROM retired_key_hashes WHERE tenant_id = 'short-lived'")).toEqual([{ reason: 'deleted' }]);
  });
});

describe('admin API without secret keys, and switched off', () => {
  let app: RunningApp | undefined;
  let sim: ProviderSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: Record<string, string> = {};
  let url = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_admin_off');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // No REDIS_URL: one process, in-memory bus; no SWITCHYARD_SECRET_KEYS.
    env = { ...GATEWAY_SECRETS, SWITCHYARD_CONFIG: writeGatewayConfig(sim.url), DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1' };
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
    await db?.drop();
  });

  it('refuses a literal upstream key with a 400 when the server cannot seal it, and accepts env: references', async () => {
    app = startApp('standalone', { ...env, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
    await waitForReady(url, app);
    const client = new AdminClient(url, ADMIN_TOKEN);
    const literal = await client.call('POST', '/providers', { id: 'p-literal', type: 'openai', baseUrl: 'https://api.example.com/v1', apiKeys: ['env:SWITCHYARD_UPSTREAM_OK_KEY', UPSTREAM_LITERAL] });
    expect(literal.status).toBe(400);
    expect(literal.body).toEqual({ error: { type: 'invalid_request', message: expect.stringMatching(/^apiKeys\[1\]: .*SWITCHYARD_SECRET_KEYS/) } });
    expect(literal.text).not.toContain(UPSTREAM_LITERAL);
    expect(await db.query("SELECT id FROM providers WHERE id = 'p-literal'")).toEqual([]);
    const ref = await client.call('POST', '/providers', { id: 'p-ref', type: 'openai', baseUrl: 'https://api.example.com/v1', apiKeys: ['env:SWITCHYARD_UPSTREAM_OK_KEY'] });
    expect(ref.status).toBe(201);
    expect(ref.body).toMatchObject({ id: 'p-ref', apiKeys: ['env:SWITCHYARD_UPSTREAM_OK_KEY'] });
    expect(await app.stop()).toBe(0);
  });

  it('answers 404 on every admin route when no admin token is configured, whatever the request sends', async () => {
    app = startApp('standalone', env);
    await waitForReady(url, app);
    for (const token of [undefined, ADMIN_TOKEN]) {
      for (const [method, path] of [['GET', '/tenants'], ['POST', '/tenants'], ['GET', '/openapi.json'], ['GET', '/routing/health'], ['DELETE', '/providers/p-ref']]) {
        const res = await new AdminClient(url, token).call(method ?? 'GET', path ?? '/', method === 'POST' ? { id: 'x' } : undefined);
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      }
    }
    expect((await db.query("SELECT id FROM providers WHERE id = 'p-ref'")).length).toBe(1);
  });
});
