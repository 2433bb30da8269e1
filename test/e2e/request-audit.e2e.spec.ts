import OpenAI from 'openai';
import { Client } from 'pg';
import { StandaloneOnPostgres } from './support/standalone-on-postgres';

// Request audit and residency end to end (issue 18): standalone on a real Postgres and a real
// Redis (the usage queue on BullMQ), the official openai SDK as the client, the simulator as two
// upstreams in two regions. The tenant may only be served in eu-west; its model's fallback lives
// in us-east. It masks PII and captures bodies (sealed).

const REDIS_URL = process.env['TEST_AUDIT_REDIS_URL'] ?? 'redis://127.0.0.1:6379/4';
const KEY = 'sk-test-audit-0123456789abcdef0123456789ab';
const BLOCK_KEY = 'sk-test-audit-block-0123456789abcdef01234';
const ADMIN = 'audit-admin-token-0123456789abcdef';
const SECRET_KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
const EMAIL = 'jane.doe@example.com';

/** The suite's switchyard.yaml, given the simulator's URL. */
const config = (simUrl: string) => `server: { port: 8080, region: eu-west }
routing: { retries: 0 }
providers:
  - { id: sim-eu, type: openai, baseUrl: '${simUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY], region: eu-west }
  - { id: sim-us, type: openai, baseUrl: '${simUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY], region: us-east }
models:
  - name: chat
    deployments: [{ provider: sim-eu, model: eu-upstream }]
    fallbacks: [chat-us]
  - name: chat-us
    deployments: [{ provider: sim-us, model: us-upstream }]
tenants:
  - id: acme
    regions: [eu-west]
    guardrails: { pii: { action: mask, restore: true } }
    audit: { captureBodies: true }
    keys:
      - { key: env:AUDIT_KEY, models: ['*'] }
      - { key: env:AUDIT_BLOCK_KEY, models: ['*'], guardrails: { pii: { action: block, categories: [email] } } }
`;

interface AuditRow {
  requestId: string;
  tenantId: string;
  keyId: string;
  clientIp: string | null;
  endpoint: string;
  model: string;
  providerId: string | null;
  deploymentRegion: string | null;
  dataRegions: string[];
  region: string | null;
  outcome: string;
  httpStatus: number;
  errorKind: string | null;
  piiAction: string | null;
  piiCategories: string[];
  bodiesCaptured: boolean;
}

describe('request audit and residency (standalone, Postgres, Redis, openai SDK)', () => {
  let gw: StandaloneOnPostgres;

  const admin = (path: string, accept = 'application/json') => fetch(`${gw.baseUrl}/admin/v1${path}`, { headers: { authorization: `Bearer ${ADMIN}`, accept } });
  const client = (key = KEY) => gw.openai(key);

  /** The audit row of a request, once billing wrote it (the queue is asynchronous by design). */
  async function auditOf(requestId: string): Promise<AuditRow> {
    for (let i = 0; i < 100; i++) {
      const res = await admin('/audit/requests?tenant=acme&limit=1000');
      const rows = ((await res.json()) as { rows: AuditRow[] }).rows;
      const row = rows.find((r) => r.requestId === requestId);
      if (row) return row;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no audit row for ${requestId}`);
  }

  beforeAll(async () => {
    gw = await StandaloneOnPostgres.start({
      database: 'sy_reqaudit',
      config,
      redisUrl: REDIS_URL,
      env: { SWITCHYARD_UPSTREAM_SIM_KEY: 'sk-sim', AUDIT_KEY: KEY, AUDIT_BLOCK_KEY: BLOCK_KEY, SWITCHYARD_ADMIN_TOKEN: ADMIN, SWITCHYARD_SECRET_KEYS: SECRET_KEYS },
    });
  }, 120_000);

  afterAll(() => gw?.close());

  beforeEach(() => gw.sim.reset());

  it('records who, what, where and what was masked, and keeps the masked bodies sealed, readable only through the admin API', async () => {
    gw.sim.script({ match: { model: 'eu-upstream' }, content: 'Noted [EMAIL_1].' });
    const { data, response } = await client().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: `I am ${EMAIL}` }] }).withResponse();
    const requestId = response.headers.get('x-request-id') ?? '';

    expect(data.choices[0]?.message.content).toBe(`Noted ${EMAIL}.`);
    const row = await auditOf(requestId);
    expect(row).toMatchObject({
      tenantId: 'acme', clientIp: '127.0.0.1', endpoint: '/v1/chat/completions', model: 'chat', providerId: 'sim-eu',
      deploymentRegion: 'eu-west', dataRegions: ['eu-west'], region: 'eu-west', outcome: 'ok', httpStatus: 200,
      piiAction: 'mask', piiCategories: ['email'], bodiesCaptured: true,
    });
    // At rest: sealed, no address in clear.
    const pg = new Client({ connectionString: gw.db.url });
    await pg.connect();
    const stored = await pg.query<{ request_body: string; response_body: string }>('SELECT request_body, response_body FROM request_audit WHERE request_id = $1', [requestId]);
    await pg.end();
    expect(stored.rows[0]?.request_body).toMatch(/^enc:v1:/);
    expect(stored.rows[0]?.response_body).toMatch(/^enc:v1:/);
    expect(JSON.stringify(stored.rows)).not.toContain('jane');
    // Opened through the admin API: what left for the upstream, masked.
    const bodies = (await (await admin(`/audit/requests/${requestId}/bodies`)).json()) as { requestBody: string; responseBody: string };
    expect(bodies.requestBody).toContain('[EMAIL_1]');
    expect(bodies.requestBody).not.toContain(EMAIL);
    expect(bodies.responseBody).toContain('Noted [EMAIL_1].');
    // Who opened them is in the audit log.
    const opened = (await (await admin(`/audit?entity=request-bodies&entityId=${requestId}`)).json()) as { rows: { actor: string; action: string }[] };
    expect(opened.rows.map((r) => [r.actor, r.action])).toEqual([['bootstrap', 'read']]);
  });

  it('cuts a fallback that would cross into a forbidden region: the client gets an error, the other region nothing, and the audit says where the data went', async () => {
    gw.sim.script({ match: { model: 'eu-upstream' }, error: { status: 503 } });
    const err = await client().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hello' }] }).then(
      () => undefined,
      (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
    );

    expect(err?.status).toBeGreaterThanOrEqual(500);
    expect(gw.sim.requests.map((r) => (r.body as { model?: string }).model)).toEqual(['eu-upstream']);
    const row = await auditOf(err?.headers?.get('x-request-id') ?? '');
    expect(row).toMatchObject({ outcome: 'error', dataRegions: ['eu-west'], deploymentRegion: 'eu-west' });
  });

  it('records a refused request (a PII block of a known key) with its categories, and bills nothing for it', async () => {
    const err = await client(BLOCK_KEY).chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: `mail ${EMAIL}` }] }).then(
      () => undefined,
      (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
    );
    const requestId = err?.headers?.get('x-request-id') ?? '';

    expect(err?.status).toBe(400);
    const row = await auditOf(requestId);
    expect(row).toMatchObject({ outcome: 'refused', httpStatus: 400, errorKind: 'invalid_request', piiAction: 'block', piiCategories: ['email'], providerId: null, dataRegions: [] });
    const pg = new Client({ connectionString: gw.db.url });
    await pg.connect();
    const billed = await pg.query('SELECT 1 FROM usage_records WHERE request_id = $1', [requestId]);
    await pg.end();
    expect(billed.rowCount).toBe(0);
  });

  it("records the router's residency refusal (no deployment in the key's regions) as refused, and bills nothing for it", async () => {
    const err = await client().chat.completions.create({ model: 'chat-us', messages: [{ role: 'user', content: 'hello' }] }).then(
      () => undefined,
      (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
    );
    const requestId = err?.headers?.get('x-request-id') ?? '';

    expect(err?.status).toBe(403);
    expect(err?.message).toContain('may only be served in the regions eu-west');
    expect(gw.sim.requests).toEqual([]);
    const row = await auditOf(requestId);
    expect(row).toMatchObject({ outcome: 'refused', httpStatus: 403, errorKind: 'permission', model: 'chat-us', providerId: null, dataRegions: [] });
    const pg = new Client({ connectionString: gw.db.url });
    await pg.connect();
    const billed = await pg.query('SELECT 1 FROM usage_records WHERE request_id = $1', [requestId]);
    await pg.end();
    expect(billed.rowCount).toBe(0);
  });

  it('records a known key\'s request refused for its body (max_tokens: -5, a 400 before admission) under its tenant and key', async () => {
    const res = await fetch(`${gw.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', max_tokens: -5, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(400);
    const requestId = res.headers.get('x-request-id') ?? '';
    const row = await auditOf(requestId);
    expect(row).toMatchObject({ tenantId: 'acme', outcome: 'refused', httpStatus: 400, errorKind: 'invalid_request', providerId: null, endpoint: '/v1/chat/completions' });
    expect(row.keyId).not.toBe('');
    expect(gw.sim.requests).toHaveLength(0);
  });

  it('filters, pages and exports as CSV', async () => {
    let last = '';
    for (let i = 0; i < 3; i++) {
      gw.sim.script({ match: { model: 'eu-upstream' }, content: 'ok' });
      const { response } = await client().chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      last = response.headers.get('x-request-id') ?? '';
    }
    await auditOf(last);
    const refused = (await (await admin('/audit/requests?outcome=refused')).json()) as { rows: AuditRow[] };
    expect(refused.rows.length).toBeGreaterThan(0);
    expect(refused.rows.every((r) => r.outcome === 'refused')).toBe(true);
    const pii = (await (await admin('/audit/requests?pii=email')).json()) as { rows: AuditRow[] };
    expect(pii.rows.length).toBeGreaterThan(0);
    expect(pii.rows.every((r) => r.piiCategories.includes('email'))).toBe(true);

    const first = (await (await admin('/audit/requests?limit=2')).json()) as { rows: AuditRow[]; nextCursor: string };
    const second = (await (await admin(`/audit/requests?limit=2&cursor=${first.nextCursor}`)).json()) as { rows: AuditRow[] };
    expect(first.rows).toHaveLength(2);
    expect(second.rows.some((r) => first.rows.some((f) => f.requestId === r.requestId))).toBe(false);

    const csv = await admin('/audit/requests?tenant=acme', 'text/csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^requestId,startedAt,/);
    expect(lines.length).toBeGreaterThan(3);
  });
});
