import OpenAI from 'openai';
import type { AdminClient } from './support/admin-client';
import { ConsoleGateway } from './support/console-gateway';
import { PUBLIC_MODEL } from './support/gateway-config';
import { eventually } from './support/process-harness';

// Editing in the web console (issue 19), in Debian's Chromium against the built standalone
// gateway on Postgres: a key's limits (then enforced on the openai SDK), a tenant's settings,
// named admin tokens (a tenant admin signs in with one), prepaid credit and plans. Each test
// makes its own tenant and signs in in its own browser context: none relies on another.

const ADMIN_TOKEN = 'console-edit-e2e-admin-token-0123456789';

describe('web console: editing (standalone, Chromium, openai SDK)', () => {
  let gateway: ConsoleGateway;
  let admin: AdminClient;
  let url = '';

  beforeAll(async () => {
    gateway = await ConsoleGateway.start({ database: 'sy_console_edit', adminToken: ADMIN_TOKEN });
    ({ admin, url } = gateway);
  }, 120_000);

  afterEach(async () => {
    // Every page of every test loaded only from the gateway (the console works offline).
    expect(await gateway.closeTabs()).toEqual([]);
  });

  afterAll(async () => {
    expect(await gateway?.stop()).toBe(0);
  });

  const signIn = (token?: string) => gateway.signIn(token);
  const tenantWithKey = (tenantId: string, keyName: string) => gateway.tenantWithKey(tenantId, keyName);

  it("edits a key's rpm in the console (the API's complaint shown beside the field), and the gateway then answers 429 through the openai SDK", async () => {
    const { key, secret } = await tenantWithKey('rpm-team', 'limited');
    const tab = await signIn();
    const { page } = tab;
    await tab.openTenant('rpm-team');
    await page.getByRole('button', { name: 'Edit key limited' }).click();
    // The form took the focus: a keyboard user lands on its heading.
    await expect(page.locator(':focus').textContent()).resolves.toBe('Settings of key limited');
    const form = page.getByRole('form', { name: 'Settings of key limited' });
    await form.getByLabel('Requests per minute').fill('0');
    await form.getByRole('button', { name: 'Save key' }).click();
    const complaint = form.locator('#ks-rpm-error');
    await expect(complaint.getAttribute('role')).resolves.toBe('alert');
    await expect(complaint.textContent()).resolves.toMatch(/^rpm: too small/);
    await expect(form.getByLabel('Requests per minute').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(form.getByLabel('Requests per minute').getAttribute('aria-describedby')).resolves.toBe('ks-rpm-error');
    expect((await admin.ok<{ rpm: number | null }>('GET', `/tenants/rpm-team/keys/${key.id}`)).rpm).toBeNull();

    await form.getByLabel('Requests per minute').fill('2');
    await form.getByLabel('Daily budget (USD)').fill('5');
    await form.getByLabel('Allowed models').fill('gpt-*, other-model');
    await form.getByLabel('Expires at (UTC)').fill('2099-01-01T00:00');
    await form.getByRole('button', { name: 'Save key' }).click();
    await form.getByRole('status').filter({ hasText: 'Key limited saved.' }).waitFor();
    await expect(form.getByRole('alert').count()).resolves.toBe(0);
    await page.getByRole('row').filter({ hasText: 'limited' }).filter({ hasText: '2099-01-01 00:00:00Z' }).waitFor();
    await tab.shot('key-settings');
    await expect(admin.ok('GET', `/tenants/rpm-team/keys/${key.id}`)).resolves.toMatchObject({
      rpm: 2,
      budget: { dailyUsd: 5, monthlyUsd: null },
      models: ['gpt-*', 'other-model'],
      expiresAt: '2099-01-01T00:00:00.000Z',
    });

    // The change reaches the limiter within a second; until then calls pass unlimited.
    const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: secret, maxRetries: 0 });
    const refused = await eventually(async () => {
      const outcome = await openai.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'count me' }] }).then(() => undefined, (e: unknown) => e);
      if (outcome === undefined) throw new Error('still admitted');
      return outcome;
    }, 10_000, 'a 429 once the key allows 2 requests a minute');
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    const limited = refused as InstanceType<typeof OpenAI.RateLimitError>;
    expect(limited.status).toBe(429);
    expect(Number(limited.headers?.get('retry-after'))).toBeGreaterThan(0);
  });

  it("edits a tenant's limits, budgets, allowed models, regions and CORS origins; a bad value is refused beside its field and nothing changes", async () => {
    await admin.ok('POST', '/tenants', { id: 'settings-team', rpm: 100 });
    const tab = await signIn();
    const { page } = tab;
    await tab.openTenant('settings-team');
    const form = page.getByRole('form', { name: 'Tenant settings' });
    await expect(form.getByLabel('Requests per minute').inputValue()).resolves.toBe('100');
    await form.getByLabel('Monthly budget (USD)').fill('-3');
    await form.getByLabel('Allowed models').fill('gpt-test claude-*');
    await form.getByLabel('CORS origins').fill('https://app.settings.example/path');
    await form.getByRole('button', { name: 'Save tenant' }).click();
    await expect(form.locator('#ts-monthly-error').textContent()).resolves.toMatch(/^budget\.monthlyUsd: too small/);
    await expect(form.locator('#ts-cors-error').textContent()).resolves.toMatch(/^cors\.origins\[0\]: expected an origin/);
    await expect(form.getByRole('alert').filter({ hasText: '400 invalid_request: not saved; see the fields marked.' }).count()).resolves.toBe(1);
    expect((await admin.ok<{ models: string[] }>('GET', '/tenants/settings-team')).models).toEqual([]);
    await tab.shot('tenant-settings');

    await form.getByLabel('Monthly budget (USD)').fill('250');
    await form.getByLabel('Requests per minute').fill('');
    await form.getByLabel('Tokens per minute').fill('50000');
    await form.getByLabel('Allowed regions').fill('eu-west');
    await form.getByLabel('Spend alerts (% of budget)').fill('50, 90');
    await form.getByLabel('CORS origins').fill('HTTPS://App.Settings.example:443/');
    await form.getByRole('button', { name: 'Save tenant' }).click();
    await form.getByRole('status').filter({ hasText: 'Tenant settings-team saved.' }).waitFor();
    await expect(admin.ok('GET', '/tenants/settings-team')).resolves.toMatchObject({
      rpm: null,
      tpm: 50000,
      budget: { dailyUsd: null, monthlyUsd: 250 },
      models: ['gpt-test', 'claude-*'],
      regions: ['eu-west'],
      alerts: { spend: [50, 90] },
      cors: { origins: ['https://app.settings.example'] },
    });
    // The gateway answers that origin's pages for this tenant's keys (GET /v1/me marks it as allowed).
    const { secret } = await admin.ok<{ secret: string }>('POST', '/tenants/settings-team/keys', { name: 'browser' });
    const me = await eventually(async () => {
      const res = await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${secret}`, origin: 'https://app.settings.example' } });
      if (res.status !== 200) throw new Error(`GET /v1/me ${res.status}`);
      return res;
    }, 5_000, 'the new key admitted');
    expect(me.headers.get('access-control-allow-origin')).toBe('https://app.settings.example');
  });

  it('creates an admin token for a tenant admin (secret shown once), who signs in with it, is offered only what its role allows and edits its own key; revoked, it is refused', async () => {
    const { key } = await tenantWithKey('token-team', 'ci');
    const tab = await signIn();
    const { page } = tab;
    await tab.go('Admin tokens');
    const form = page.getByRole('form', { name: 'Create an admin token' });
    await form.getByLabel('Token name').fill('has spaces');
    await form.getByLabel('Role').selectOption('tenant');
    await form.getByLabel('Tenant it administers').fill('token-team');
    await form.getByRole('button', { name: 'Create admin token' }).click();
    await expect(form.locator('#token-name-error').textContent()).resolves.toMatch(/^name: expected 1-64 letters/);
    await form.getByLabel('Token name').fill('token-team-admin');
    await form.getByRole('button', { name: 'Create admin token' }).click();
    const secret = (await page.getByTestId('secret').textContent()) ?? '';
    expect(secret).toMatch(/^sy-admin-[A-Za-z0-9_-]{43}$/);
    await expect(page.locator(':focus').getAttribute('aria-label')).resolves.toBe('New secret');
    const row = page.getByRole('table', { name: 'Named admin tokens' }).getByRole('row').filter({ hasText: 'token-team-admin' });
    await row.waitFor();
    await expect(row.getByRole('cell').allTextContents()).resolves.toEqual(['token-team-admin', 'tenant', 'token-team', secret.slice(0, 15), 'active', expect.any(String), 'Revoke']);
    await tab.shot('admin-tokens');

    const tenantTab = await signIn(secret);
    await tenantTab.page.getByText('tenant admin: token-team').waitFor();
    const nav = tenantTab.page.getByRole('navigation', { name: 'Console' });
    await expect(nav.getByRole('link').allTextContents()).resolves.toEqual(['Overview', 'Tenants and keys', 'Usage and statements', 'Request log', 'Audit log']);
    await nav.getByRole('link', { name: 'Tenants and keys' }).click();
    await tenantTab.page.getByRole('heading', { name: 'Tenant token-team' }).waitFor();
    await tenantTab.page.getByRole('button', { name: 'Edit key ci' }).waitFor();
    await tenantTab.page.getByRole('heading', { name: 'Credits and balance' }).waitFor();
    // What the API would refuse a tenant admin (403) is not offered: the tenant's settings, adding credit.
    await expect(tenantTab.page.getByRole('form', { name: 'Tenant settings' }).count()).resolves.toBe(0);
    await expect(tenantTab.page.getByRole('heading', { name: 'Add credit or an adjustment' }).count()).resolves.toBe(0);
    // What its role allows, it may do: change its own key's limits.
    await tenantTab.page.getByRole('button', { name: 'Edit key ci' }).click();
    const keyForm = tenantTab.page.getByRole('form', { name: 'Settings of key ci' });
    await keyForm.getByLabel('Requests per minute').fill('7');
    await keyForm.getByRole('button', { name: 'Save key' }).click();
    await keyForm.getByRole('status').filter({ hasText: 'Key ci saved.' }).waitFor();
    expect((await admin.ok<{ rpm: number }>('GET', `/tenants/token-team/keys/${key.id}`)).rpm).toBe(7);

    await row.getByRole('button', { name: 'Revoke admin token token-team-admin' }).click();
    await row.filter({ hasText: 'revoked' }).waitFor();
    const again = await gateway.open();
    await again.page.getByLabel('Admin token', { exact: true }).fill(secret);
    await again.page.getByRole('button', { name: 'Sign in' }).click();
    await expect(again.page.getByRole('alert').textContent()).resolves.toContain('401 unauthorized');
  });

  it("adds credit and an adjustment with a reason; the tenant's balance and ledger show them", async () => {
    await admin.ok('POST', '/tenants', { id: 'credit-team' });
    const tab = await signIn();
    const { page } = tab;
    await tab.openTenant('credit-team');
    await page.getByText('Not prepaid').waitFor();
    const form = page.getByRole('form', { name: 'Add credit or an adjustment' });
    await form.getByLabel('Amount (USD)').fill('12.5');
    await form.getByRole('button', { name: 'Add entry' }).click();
    await expect(form.locator('#credit-reason-error').textContent()).resolves.toMatch(/^reason: /);
    await form.getByLabel('Reason').fill('invoice 42');
    await form.getByRole('button', { name: 'Add entry' }).click();
    await form.getByRole('status').filter({ hasText: 'Added $12.50 (top_up); the balance is $12.50.' }).waitFor();
    await form.getByLabel('Amount (USD)').fill('-2.5');
    await form.getByLabel('Reason').fill('goodwill correction');
    await form.getByRole('button', { name: 'Add entry' }).click();
    await form.getByRole('status').filter({ hasText: 'the balance is $10.00.' }).waitFor();
    // The balance above reloads after the answer.
    await page.getByTestId('balance').filter({ hasText: /^\$10\.00$/ }).waitFor();
    const ledger = page.getByRole('table', { name: 'Credit ledger of credit-team, newest first' });
    const rows = ledger.getByRole('row');
    await rows.filter({ hasText: 'goodwill correction' }).waitFor();
    await expect(rows.nth(1).getByRole('cell').allTextContents()).resolves.toEqual([expect.any(String), 'adjustment', '-$2.50', 'goodwill correction', 'bootstrap']);
    await expect(rows.nth(2).getByRole('cell').allTextContents()).resolves.toEqual([expect.any(String), 'top_up', '$12.50', 'invoice 42', 'bootstrap']);
    await tab.shot('credits');
    await expect(admin.ok('GET', '/tenants/credit-team/balance')).resolves.toMatchObject({ prepaid: true, creditsUsd: 10, balanceUsd: 10 });
  });

  it('creates a plan, edits it and assigns it to a tenant', async () => {
    await admin.ok('POST', '/tenants', { id: 'plan-team' });
    const tab = await signIn();
    const { page } = tab;
    await tab.go('Plans');
    const create = page.getByRole('form', { name: 'Create a plan' });
    await create.getByLabel('Plan id').fill('team-pro');
    await create.getByLabel('Plan name').fill('Team Pro');
    await create.getByLabel('Monthly fee (USD)').fill('20');
    await create.getByLabel('Included unit').selectOption('usd');
    await create.getByLabel('Included USD').fill('5');
    await create.getByLabel('Overage', { exact: true }).selectOption('stop');
    await create.getByLabel('Overage multiplier').fill('1.5');
    await create.getByRole('button', { name: 'Create plan' }).click();
    await expect(create.locator('#new-plan-multiplier-error').textContent()).resolves.toMatch(/^overageMultiplier: only a plan with overage: price/);
    await create.getByLabel('Overage', { exact: true }).selectOption('price');
    await create.getByRole('button', { name: 'Create plan' }).click();
    await create.getByRole('status').filter({ hasText: 'Plan team-pro created.' }).waitFor();
    const row = page.getByRole('table', { name: 'Plans' }).getByRole('row').filter({ hasText: 'team-pro' });
    await row.waitFor();
    await expect(row.getByRole('cell').allTextContents()).resolves.toEqual(['team-pro', 'Team Pro', '$20.00', '$5.00 of usage', 'charged × 1.5', '0', expect.any(String), 'Edit']);

    await row.getByRole('button', { name: 'Edit plan team-pro' }).click();
    const edit = page.getByRole('form', { name: 'Edit plan team-pro' });
    await edit.getByLabel('Monthly fee (USD)').fill('25');
    await edit.getByRole('button', { name: 'Save plan' }).click();
    await edit.getByRole('status').filter({ hasText: 'Plan team-pro saved.' }).waitFor();
    await row.getByRole('cell', { name: '$25.00' }).waitFor();

    const assign = page.getByRole('form', { name: 'Assign a plan' });
    await assign.getByLabel('Tenant').selectOption('plan-team');
    await assign.getByLabel('Plan').selectOption('team-pro');
    await assign.getByRole('button', { name: 'Assign plan' }).click();
    await assign.getByRole('status').filter({ hasText: 'Tenant plan-team is on plan team-pro.' }).waitFor();
    await row.filter({ has: page.getByRole('cell', { name: '1', exact: true }) }).waitFor();
    await tab.shot('plans');
    expect((await admin.ok<{ plan: string | null }>('GET', '/tenants/plan-team')).plan).toBe('team-pro');
    await expect(admin.ok('GET', '/plans/team-pro')).resolves.toMatchObject({ name: 'Team Pro', monthlyFeeUsd: 25, included: { usd: 5 }, overage: 'price', overageMultiplier: 1.5, tenants: 1 });
  });
});
