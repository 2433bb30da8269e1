import { ProviderSimulator } from '@switchyard/testing';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import type { Browser } from 'playwright-core';
import { ConsoleTab, launchChromium } from './support/console-browser';
import { GATEWAY_SECRETS, PUBLIC_MODEL, writeGatewayConfig } from './support/gateway-config';
import { createTestDatabase } from './support/postgres-harness';
import { type RunningApp, eventually, freePort, runApp, startApp, waitForReady } from './support/process-harness';

// The web console on the cluster (issue 19): the ingress serves it and the admin API, while auth,
// router, adapter and billing run as their own processes over gRPC, with Postgres and a BullMQ
// queue on Redis. In Debian's Chromium an operator signs in, creates a tenant and a key; the key
// calls through the openai SDK (auth learns of it over the config bus), and the request shows up
// in the console's request log once billing has recorded it from the queue.
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379/6';
const ADMIN_TOKEN = 'console-cluster-e2e-admin-token-0123456789';
const TENANT = 'cluster-web';

describe('web console on the cluster (ingress, auth, router, adapter, billing; Chromium, openai SDK)', () => {
  let sim: ProviderSimulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const apps: RunningApp[] = [];
  let browser: Browser;
  let tab: ConsoleTab | undefined;
  let url = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_console_cluster');
    const redis = new Redis(REDIS_URL);
    await redis.flushdb();
    redis.disconnect();
    const config = writeGatewayConfig(sim.url);
    const common = { ...GATEWAY_SECRETS, DATABASE_URL: db.url, REDIS_URL, HOST: '127.0.0.1', SWITCHYARD_CONFIG: config };
    await runApp('standalone', common, ['apply', '-f', config]);
    const [auth, router, adapter, billing, http] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    apps.push(startApp('auth', { ...common, GRPC_PORT: String(auth) }));
    apps.push(startApp('adapter', { ...common, GRPC_PORT: String(adapter), ADAPTER_PROVIDER: 'openai' }));
    apps.push(startApp('router', { ...common, GRPC_PORT: String(router), ADAPTER_GRPC_URLS: `openai=127.0.0.1:${adapter}` }));
    apps.push(startApp('billing', { ...common, GRPC_PORT: String(billing) }));
    const ingress = startApp('ingress', {
      ...common,
      PORT: String(http),
      AUTH_GRPC_URL: `127.0.0.1:${auth}`,
      ROUTER_GRPC_URL: `127.0.0.1:${router}`,
      BILLING_GRPC_URL: `127.0.0.1:${billing}`,
      SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    apps.push(ingress);
    url = `http://127.0.0.1:${http}`;
    // Five processes starting at once on a busy machine: more than the default 30 s.
    await waitForReady(url, ingress, 90_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${apps.map((a) => `--- ${a.name} ---\n${a.output()}`).join('\n')}`);
    });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await tab?.close();
    await browser?.close();
    const codes = await Promise.all(apps.map(async (a) => [a.name, await a.stop()] as const));
    await sim?.close();
    await db?.drop();
    expect(codes.filter(([, code]) => code !== 0)).toEqual([]);
  });

  it('signs in, creates a tenant and a key, the key calls through the openai SDK, and the request log shows the call', async () => {
    tab = await ConsoleTab.signedIn(browser, url, ADMIN_TOKEN);
    const { page } = tab;
    await tab.go('Tenants and keys');
    await page.getByLabel('Tenant id').fill(TENANT);
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.getByRole('status').filter({ hasText: `Tenant ${TENANT} created.` }).waitFor();
    await tab.openTenant(TENANT);
    await page.getByLabel('Key name').fill('cluster-key');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('secret').textContent()) ?? '';
    expect(secret).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/);

    sim.script({ usage: { input: 40, output: 8 } });
    const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: secret, maxRetries: 0 });
    // Auth, its own process, learns of the new key over the config bus.
    const { data, response } = await eventually(
      () => openai.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hello from the cluster console test' }] }).withResponse(),
      10_000,
      'the new key admitted by auth',
    );
    expect(data.usage).toMatchObject({ prompt_tokens: 40, completion_tokens: 8 });
    const requestId = response.headers.get('x-request-id') ?? '';
    expect(requestId).not.toBe('');

    await tab.go('Request log');
    await page.getByLabel('Tenant', { exact: true }).fill(TENANT);
    const row = page.getByRole('row').filter({ hasText: requestId });
    await eventually(async () => {
      await page.getByRole('button', { name: 'Search' }).click();
      await row.waitFor({ timeout: 500 });
    }, 20_000, "the request in the console's request log (through the queue and billing)");
    await expect(row.getByRole('cell').allTextContents()).resolves.toEqual([expect.any(String), requestId, TENANT, expect.any(String), '/v1/chat/completions', PUBLIC_MODEL, 'sim', 'ok', '200']);
    expect(tab.elsewhere).toEqual([]);
  });
});
