import { ProviderSimulator } from '@switchyard/testing';
import OpenAI from 'openai';
import type { Browser } from 'playwright-core';
import { ConsoleTab, launchChromium } from './support/console-browser';
import { GATEWAY_SECRETS, PUBLIC_MODEL, writeGatewayConfig } from './support/gateway-config';
import { eventually } from './support/process-harness';
import { ServiceCluster } from './support/service-cluster';

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
  let cluster: ServiceCluster;
  let browser: Browser;
  let tab: ConsoleTab | undefined;
  let url = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    cluster = await ServiceCluster.start({
      database: 'sy_console_cluster',
      redisUrl: REDIS_URL,
      config: writeGatewayConfig(sim.url),
      env: GATEWAY_SECRETS,
      extra: { ingress: (a) => ({ BILLING_GRPC_URL: a.billing, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN }) },
    });
    url = cluster.baseUrl;
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await tab?.close();
    await browser?.close();
    const codes = (await cluster?.stop()) ?? [];
    await sim?.close();
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
