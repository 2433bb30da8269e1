import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { SIMULATOR_OUTBOUND_ENV, eventually } from './process-harness';

// Issue 19 for browsers and key holders — CORS with the server's and a tenant's origins, and
// GET /v1/me read through the openai SDK — as every deployment mode must show it.

const ACME_KEY = 'sk-test-acme-operator-0123456789abcdef0123';
const GLOBEX_KEY = 'sk-test-globex-operator-0123456789abcdef01';
export const SERVER_ORIGIN = 'https://console.example.com';
const ACME_ORIGIN = 'https://app.acme.example';

/** The file: the server's origin (standalone reads it here; the cluster ingress from SWITCHYARD_CORS_ORIGINS), acme's own. */
export function writeOperatorConfig(simulatorUrl: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sy-operator-')), 'switchyard.yaml');
  writeFileSync(
    path,
    `server: { cors: { origins: [${SERVER_ORIGIN}], maxAgeSeconds: 300 } }
providers:
  - { id: sim, type: openai, baseUrl: ${simulatorUrl}/v1, apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
models:
  - name: gpt-test
    deployments: [{ provider: sim, model: sim-upstream-model }]
    price: { inputPerMTok: 1000, outputPerMTok: 2000 }
plans:
  - { id: pro, name: Pro, monthlyFeeUsd: 49, included: { usd: 20 }, overage: price }
tenants:
  - id: acme
    name: Acme Corp
    plan: pro
    rpm: 100
    budget: { monthlyUsd: 500 }
    cors: { origins: [${ACME_ORIGIN}] }
    keys:
      - { key: env:ACME_KEY, name: web, rpm: 50, tpm: 100000 }
  - id: globex
    keys:
      - { key: env:GLOBEX_KEY }
`,
  );
  return path;
}

/** The environment the file needs. */
export const OPERATOR_ENV = { ...SIMULATOR_OUTBOUND_ENV, SWITCHYARD_UPSTREAM_SIM_KEY: 'sk-upstream', ACME_KEY, GLOBEX_KEY };

/** The parts of GET /v1/me's body the contract reads beyond toMatchObject. */
interface MeBody {
  remaining: { requests_per_minute: number | null };
  budgets: { scope: string; period: string; limit_usd: number; used_usd: number }[];
  spend: { key: { today_usd: number; month_usd: number }; tenant: { today_usd: number; month_usd: number } } | null;
  plan: { used: number | null } | null;
}

export function describeOperatorContract(get: () => { baseUrl: string }): void {
  const preflight = (origin: string) =>
    fetch(`${get().baseUrl}/v1/chat/completions`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
  const chat = (key: string, origin: string) =>
    fetch(`${get().baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { origin, authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });

  it("answers preflights for the server's origins and every tenant's, and no other", async () => {
    const server = await preflight(SERVER_ORIGIN);
    expect(server.status).toBe(204);
    expect(server.headers.get('access-control-allow-origin')).toBe(SERVER_ORIGIN);
    expect(server.headers.get('access-control-allow-methods')).toContain('POST');
    expect(server.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    expect(server.headers.get('access-control-max-age')).toBe('300');
    expect((await preflight(ACME_ORIGIN)).headers.get('access-control-allow-origin')).toBe(ACME_ORIGIN);
    const stranger = await preflight('https://evil.example.net');
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("lets a page read an answer from a server origin, or from its own tenant's origin only", async () => {
    const fromServer = await chat(GLOBEX_KEY, SERVER_ORIGIN);
    expect(fromServer.status).toBe(200);
    expect(fromServer.headers.get('access-control-allow-origin')).toBe(SERVER_ORIGIN);
    expect(fromServer.headers.get('access-control-expose-headers')).toContain('x-request-id');

    const acmeFromAcme = await chat(ACME_KEY, ACME_ORIGIN);
    expect(acmeFromAcme.status).toBe(200);
    expect(acmeFromAcme.headers.get('access-control-allow-origin')).toBe(ACME_ORIGIN);

    const globexFromAcme = await chat(GLOBEX_KEY, ACME_ORIGIN);
    expect(globexFromAcme.status).toBe(200);
    expect(globexFromAcme.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('shows a key holder its tenant, key, limits, budget and spend through the openai SDK', async () => {
    const client = new OpenAI({ baseURL: `${get().baseUrl}/v1`, apiKey: ACME_KEY, maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'spend something' }] });
    // Usage reaches the ledger through the queue, after the answer.
    const me = await eventually(async () => {
      const body: MeBody = await client.get('/me');
      if (!((body.spend?.key.month_usd ?? 0) > 0)) throw new Error(`no spend yet: ${JSON.stringify(body.spend)}`);
      return body;
    });
    expect(me).toMatchObject({
      object: 'switchyard.me',
      tenant: { id: 'acme', name: 'Acme Corp' },
      key: { prefix: expect.stringMatching(/^sk-/), name: 'web', expires_at: null },
      limits: { key: { rpm: 50, tpm: 100000, max_concurrency: null }, tenant: { rpm: 100, tpm: null, max_concurrency: null } },
      balance: null,
    });
    expect(me.remaining.requests_per_minute).toBeLessThan(50);
    expect(me.budgets).toEqual([expect.objectContaining({ scope: 'tenant', period: 'monthly', limit_usd: 500 })]);
    expect(me.budgets[0]?.used_usd).toBeGreaterThan(0);
    expect(me.spend?.tenant.month_usd).toBeGreaterThanOrEqual(me.spend?.key.month_usd ?? Infinity);
    expect(me.spend?.key.today_usd).toBe(me.spend?.key.month_usd);
    // Priced overage and no spend alerts: admission keeps no plan counter, so the month comes from the ledger.
    expect(me.plan).toMatchObject({ id: 'pro', name: 'Pro', unit: 'usd', included: 20, reserved: 0, used_from: 'ledger', overage: 'price', resets_at: expect.any(Number) });
    expect(me.plan?.used).toBe(me.spend?.tenant.month_usd);
  });

  it('refuses an unknown key on /v1/me with OpenAI\'s 401 error', async () => {
    const client = new OpenAI({ baseURL: `${get().baseUrl}/v1`, apiKey: 'sk-nobody-0123456789abcdef0123456789', maxRetries: 0 });
    const err = await client.get('/me').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).error).toMatchObject({ message: 'Incorrect API key provided. Send a valid key in the Authorization header (Authorization: Bearer YOUR_KEY).' });
  });
}
