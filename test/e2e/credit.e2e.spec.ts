import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { AdminClient } from './support/admin-client';
import { StandaloneOnPostgres } from './support/standalone-on-postgres';

// Issue 16's prepaid credit end to end: a standalone process on Postgres and Redis, topped up
// through the admin API, refusing a request its balance cannot cover with the OpenAI SDK's own
// error, and a reconciliation run that repairs a counter drifted in Redis.

const REDIS_URL = process.env['TEST_CREDIT_REDIS_URL'] ?? 'redis://127.0.0.1:6379/9';
const KEY = 'sk-credit-e2e-0123456789abcdef0123456789';
const TOKEN = 'admin-credit-e2e-token-0123456789abcdef';

/** The suite's switchyard.yaml, given the simulator's URL. */
const config = (simulatorUrl: string) => `server: { port: 8080 }
routing: { retries: 0 }
providers:
  - { id: sim, type: openai, baseUrl: '${simulatorUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
models:
  - name: paid-chat
    deployments: [{ provider: sim, model: sim-chat }]
    price: { inputPerMTok: 10, outputPerMTok: 100 }
tenants:
  - id: prepaid
    keys:
      - { key: ${KEY}, name: main }
`;

describe('prepaid credit (standalone on Postgres and Redis)', () => {
  let gw: StandaloneOnPostgres;
  let redis: Redis;
  let admin: AdminClient;
  let client: OpenAI;

  beforeAll(async () => {
    gw = await StandaloneOnPostgres.start({
      database: 'sy_credit',
      config,
      redisUrl: REDIS_URL,
      env: { SWITCHYARD_UPSTREAM_SIM_KEY: 'sk-upstream-credit', SWITCHYARD_ADMIN_TOKEN: TOKEN },
    });
    redis = new Redis(REDIS_URL);
    admin = new AdminClient(gw.baseUrl, TOKEN, 'alice');
    client = gw.openai(KEY);
  }, 120_000);

  afterAll(async () => {
    redis?.disconnect();
    await gw?.close();
  });

  it('refuses a request the balance cannot cover with a 402 insufficient_quota error, and serves it after a top-up', async () => {
    const topUp = await admin.call('POST', '/tenants/prepaid/credits', { amountUsd: 0.05, reason: 'trial credit' });
    expect(topUp.status).toBe(201);
    expect(topUp.body).toMatchObject({ entry: { tenantId: 'prepaid', amountUsd: 0.05, kind: 'top_up', actor: 'bootstrap:alice', reason: 'trial credit' }, balance: { prepaid: true, creditsUsd: 0.05, balanceUsd: 0.05 } });

    // 1000 output tokens at $100 per million may cost $0.10: more than the $0.05 held.
    const refused = await client.chat.completions.create({ model: 'paid-chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1000 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    const err = refused as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(402);
    expect(err.type).toBe('insufficient_quota');
    expect(err.code).toBe('insufficient_balance');
    expect(err.message).toMatch(/Insufficient balance for tenant prepaid: this request may cost up to \$0\.1\d* and \$0\.05 is available/);
    expect(gw.sim.requests).toHaveLength(0);

    await admin.ok('POST', '/tenants/prepaid/credits', { amountUsd: 1, reason: 'invoice 2026-12' });
    const ok = await client.chat.completions.create({ model: 'paid-chat', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1000 });
    expect(ok.choices[0].message.content).toBeTruthy();
    const me = (await (await fetch(`${client.baseURL}/me`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { balance: { credits_usd: number; reserved_usd: number } };
    expect(me.balance).toMatchObject({ credits_usd: 1.05, reserved_usd: 0 });
  });

  it('shows the balance and the ledger, and refuses bad credit bodies with field errors', async () => {
    const balance = await admin.ok('GET', '/tenants/prepaid/balance');
    expect(balance).toMatchObject({ prepaid: true, creditsUsd: 1.05, reservedUsd: 0, inFlight: 0 });
    const entries = await admin.ok<{ entries: { reason: string }[] }>('GET', '/tenants/prepaid/credits');
    expect(entries.entries.map((e) => e.reason)).toEqual(['invoice 2026-12', 'trial credit']);
    const bad = await admin.call('POST', '/tenants/prepaid/credits', { amountUsd: 5, kind: 'refund', reason: '', colour: 'red' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/reason/);
    expect(bad.text).toMatch(/colour: unknown field/);
    expect((await admin.call('POST', '/tenants/nobody/credits', { amountUsd: 1, reason: 'x' })).status).toBe(404);
    const audit = await admin.ok<{ rows: { actor: string; action: string }[] }>('GET', '/audit?entity=credit&entityId=prepaid');
    expect(audit.rows).toHaveLength(2);
  });

  it('reconciles a balance counter drifted in Redis back to the ledger, and reports the fix', async () => {
    // Let the usage of the request above reach the ledger (its batch is flushed within ~50 ms).
    let spent = 0;
    for (let i = 0; i < 100 && spent === 0; i++) {
      spent = (await admin.ok<{ spentUsd: number }>('GET', '/tenants/prepaid/balance')).spentUsd;
      if (spent === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(spent).toBeGreaterThan(0);
    const clean = await admin.ok<{ fixes: unknown[] }>('POST', '/billing/reconcile');
    expect(clean.fixes).toEqual([]);

    await redis.hincrby('sy:bal:v1:prepaid', 's', 250_000_000); // $0.25 counted that the ledger never saw
    // The operator sees what admission counts: the drifted live counter, not the ledger alone.
    const drifted = await admin.ok<{ balanceUsd: number; availableUsd: number }>('GET', '/tenants/prepaid/balance');
    expect(drifted.availableUsd).toBeCloseTo(drifted.balanceUsd - 0.25, 9);
    const report = await admin.ok<{ fixes: unknown[]; checked: number }>('POST', '/billing/reconcile');
    expect(report.fixes).toEqual([{ counter: 'balance', scope: 'tenant:prepaid', period: '', counterUsd: (Math.round(spent * 1e9) + 250_000_000) / 1e9, ledgerUsd: spent, deltaUsd: -0.25 }]);
    expect(Number(await redis.hget('sy:bal:v1:prepaid', 's'))).toBe(Math.round(spent * 1e9));
    const fixed = await admin.ok<{ balanceUsd: number; availableUsd: number }>('GET', '/tenants/prepaid/balance');
    expect(fixed.availableUsd).toBeCloseTo(fixed.balanceUsd, 9);
  });
});
