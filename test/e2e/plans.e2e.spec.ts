import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI } from '@google/genai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { ProviderSimulator } from '@switchyard/testing';
import { AdminClient } from './support/admin-client';
import { GATEWAY_SECRETS, PUBLIC_MODEL, writeGatewayConfig } from './support/gateway-config';
import { createTestDatabase } from './support/postgres-harness';
import { RunningApp, eventually, freePort, startApp, waitForReady } from './support/process-harness';

// Plans (issue 16) on a standalone gateway with Postgres and Redis (db 13): declared in
// switchyard.yaml and through the admin API; a plan that stops refuses requests past its included
// usage in each client's dialect (official SDKs), and a change of plan takes effect at once.

const REDIS_URL = process.env['TEST_PLANS_REDIS_URL'] ?? 'redis://127.0.0.1:6379/13';
const ADMIN_TOKEN = 'admin-plans-token-0123456789abcdef0123';
const FILE_PLANS = `  - id: beta
    keys: []
    plan: pro
    alerts: { spend: [50, 80, 100] }
plans:
  - { id: pro, name: Pro, monthlyFeeUsd: 49, included: { usd: 20 }, overage: price, overageMultiplier: 1.2 }
`;

describe('plans on a standalone gateway (Postgres, Redis)', () => {
  let sim: ProviderSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let app: RunningApp;
  let url = '';
  let admin: AdminClient;
  let secret = '';

  beforeAll(async () => {
    const redis = new Redis(REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_plans');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    app = startApp('standalone', { ...GATEWAY_SECRETS, SWITCHYARD_CONFIG: writeGatewayConfig(sim.url, 8080, FILE_PLANS), DATABASE_URL: db.url, REDIS_URL, HOST: '127.0.0.1', PORT: String(port), SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN });
    await waitForReady(url, app);
    admin = new AdminClient(url, ADMIN_TOKEN);
  });

  afterAll(async () => {
    const code = await app?.stop();
    await sim?.close();
    await db?.drop();
    expect(code).toBe(0);
  });

  it('applies the file\'s plans and keeps them read-only in the admin API', async () => {
    expect(await admin.ok('GET', '/plans/pro')).toMatchObject({ id: 'pro', name: 'Pro', monthlyFeeUsd: 49, included: { usd: 20 }, overage: 'price', overageMultiplier: 1.2, tenants: 1 });
    expect(await admin.ok('GET', '/tenants/beta')).toMatchObject({ plan: 'pro', alerts: { spend: [50, 80, 100] } });
    const patched = await admin.call('PATCH', '/plans/pro', { monthlyFeeUsd: 1 });
    expect(patched.status).toBe(409);
    expect(patched.text).toContain('plan \\"pro\\" is declared in switchyard.yaml');
  });

  it('refuses what a plan cannot be, and a tenant on a plan that does not exist', async () => {
    const both = await admin.call('POST', '/plans', { id: 'both', included: { usd: 1, tokens: 5 } });
    expect([both.status, both.text]).toEqual([400, expect.stringContaining('give usd or tokens, not both')]);
    const stopPriced = await admin.call('POST', '/plans', { id: 'odd', overage: 'stop', overageMultiplier: 2 });
    expect([stopPriced.status, stopPriced.text]).toEqual([400, expect.stringContaining('overageMultiplier: only a plan with overage: price')]);
    const unknown = await admin.call('POST', '/tenants', { id: 'lost', plan: 'gold' });
    expect([unknown.status, unknown.text]).toEqual([400, expect.stringContaining('unknown plan \\"gold\\"')]);
  });

  it('stops a tenant past its included tokens in the OpenAI and Anthropic dialects, and lets it through on overage', async () => {
    await admin.ok('POST', '/plans', { id: 'capped', included: { tokens: 1000 }, overage: 'stop' });
    await admin.ok('POST', '/tenants', { id: 'gamma', plan: 'capped' });
    secret = (await admin.ok<{ secret: string }>('POST', '/tenants/gamma/keys', { name: 'app' })).secret;
    const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: secret, maxRetries: 0 });
    const anthropic = new Anthropic({ baseURL: url, apiKey: secret, maxRetries: 0 });
    const ask = () => openai.chat.completions.create({ model: PUBLIC_MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });

    // The first request fits (its prompt estimate + 50 ≤ 1,000) and uses 995 of the 1,000 tokens.
    sim.script({ usage: { input: 10, output: 985 } });
    const first = await eventually(ask, 5_000, 'the new key admitted');
    expect(first.usage?.total_tokens).toBe(995);

    const refusedOpenAi = await eventually(async () => {
      const err = await ask().then(() => undefined, (e: unknown) => e);
      if (!(err instanceof OpenAI.APIError)) throw new Error('still admitted');
      return err;
    }, 5_000, 'the first request settled');
    expect(refusedOpenAi.status).toBe(429);
    expect(refusedOpenAi.message).toMatch(/^429 The usage included in the plan "capped" of tenant gamma \(1,000 tokens a month\) has too little left for this request/);
    // With the SDKs' own retries on, the refusal comes back at once: they obey x-should-retry, and
    // would otherwise sleep the month's retry-after out inside the call (the jest timeout would end it).
    const retrying = new OpenAI({ baseURL: `${url}/v1`, apiKey: secret, maxRetries: 2 });
    const refusedWithRetries = await retrying.chat.completions.create({ model: PUBLIC_MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((refusedWithRetries as InstanceType<typeof OpenAI.APIError>).status).toBe(429);
    expect((refusedWithRetries as InstanceType<typeof OpenAI.APIError>).headers?.get('x-should-retry')).toBe('false');
    const refusedAnthropic = await anthropic.messages.create({ model: PUBLIC_MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refusedAnthropic).toBeInstanceOf(Anthropic.APIError);
    expect((refusedAnthropic as InstanceType<typeof Anthropic.APIError>).status).toBe(429);
    // The Anthropic SDK keeps the dialect's error body: { type: 'error', error: { type, message } }.
    expect((refusedAnthropic as InstanceType<typeof Anthropic.APIError>).error).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: expect.stringMatching(/^The usage included in the plan "capped" of tenant gamma/) },
    });

    // A plan in use cannot be deleted; moved to priced overage, the tenant is served again.
    expect((await admin.call('DELETE', '/plans/capped')).status).toBe(409);
    await admin.ok('PATCH', '/plans/capped', { overage: 'price' });
    await eventually(ask, 5_000, 'overage allowed');
    expect(await admin.ok('GET', '/audit?entity=plan')).toMatchObject({ rows: expect.arrayContaining([expect.objectContaining({ entity: 'plan', entityId: 'capped', action: 'update' })]) });
  });
});

// The default standalone: PGlite and in-memory counters, no Postgres or Redis.
describe('a plan that stops on a standalone gateway with PGlite and no Redis', () => {
  const KEY = 'sk-test-delta-0123456789abcdef0123456789';
  let sim: ProviderSimulator;
  let app: RunningApp;
  let url = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-plans-'));

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    const tenant = `  - id: delta\n    plan: capped\n    keys: [{ key: ${KEY} }]\nplans:\n  - { id: capped, included: { tokens: 1000 }, overage: stop }\n`;
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    app = startApp('standalone', { ...GATEWAY_SECRETS, SWITCHYARD_CONFIG: writeGatewayConfig(sim.url, 8080, tenant), SWITCHYARD_DATA_DIR: join(dataDir, 'db'), HOST: '127.0.0.1', PORT: String(port) });
    // A fresh PGlite folder is initialised first (initdb in a child process): slow on a busy machine.
    await waitForReady(url, app, 120_000);
  }, 150_000);

  afterAll(async () => {
    const code = await app?.stop();
    await sim?.close();
    rmSync(dataDir, { recursive: true, force: true });
    expect(code).toBe(0);
  });

  it('refuses in the Gemini dialect once the included tokens are used', async () => {
    const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: KEY, maxRetries: 0 });
    sim.script({ usage: { input: 10, output: 985 } });
    const first = await openai.chat.completions.create({ model: PUBLIC_MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect(first.usage?.total_tokens).toBe(995);

    const gemini = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: url, fetch: (input, init) => fetch(input, init) } });
    const refused = await eventually(async () => {
      const err = await gemini.models.generateContent({ model: PUBLIC_MODEL, contents: 'hi', config: { maxOutputTokens: 50 } }).then(() => undefined, (e: unknown) => e);
      if (!(err instanceof ApiError)) throw new Error('still admitted');
      return err;
    }, 5_000, 'the first request settled');
    expect(refused.status).toBe(429);
    expect(refused.message).toContain('The usage included in the plan \\"capped\\" of tenant delta (1,000 tokens a month) has too little left for this request');
  });
});
