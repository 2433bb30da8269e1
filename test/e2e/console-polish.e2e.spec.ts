import OpenAI from 'openai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AdminClient } from './support/admin-client';
import { ConsoleGateway } from './support/console-gateway';
import { PUBLIC_MODEL } from './support/gateway-config';
import { ROOT, eventually } from './support/process-harness';

// The console trial's findings (issue 19), each shown in Debian's Chromium against the built
// standalone gateway (Postgres, the provider simulator upstream): sign-in and sign-out, the
// secret's copy button, the usage page's state, the statement's totals, keys by name, rotation,
// read-only tokens, focus and keyboard, and the pages that used to mislead after an error.
// Browser-side expressions are strings: this file is type-checked without the DOM library.

const ADMIN_TOKEN = 'console-polish-admin-token-0123456789abcdef';
const TENANT = 'polish-team';
const USAGE = { input: 1000, output: 250 };

describe('web console polish (standalone, Chromium)', () => {
  let gateway: ConsoleGateway;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let url = '';
  let port = 0;
  let admin: AdminClient;
  let ciKeyId = '';
  const notFound: string[] = [];

  beforeAll(async () => {
    gateway = await ConsoleGateway.start({ database: 'sy_console_polish', adminToken: ADMIN_TOKEN, host: '0.0.0.0', readyTimeoutMs: 90_000 });
    ({ admin, url, port, browser } = gateway);
    await admin.ok('POST', '/tenants', { id: TENANT });
    const made = await admin.ok<{ key: { id: string }; secret: string }>('POST', `/tenants/${TENANT}/keys`, { name: 'ci' });
    ciKeyId = made.key.id;
    await admin.ok('POST', `/tenants/${TENANT}/credits`, { amountUsd: 25, reason: 'trial top-up', kind: 'top_up' });
    gateway.sim.script({ usage: USAGE });
    const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: made.secret, maxRetries: 0 });
    await eventually(() => openai.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hi' }] }), 5_000, 'the ci key admitted');
    // A known key's request refused for its body: in the request log, with "—" for what it lacks.
    const bad = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${made.secret}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: PUBLIC_MODEL, max_tokens: -5, messages: [] }) });
    expect(bad.status).toBe(400);

    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['clipboard-read', 'clipboard-write'] });
    page = await context.newPage();
    page.on('response', (r) => {
      if (r.status() === 404 && !r.url().includes('/admin/v1/')) notFound.push(r.url());
    });
    page.on('dialog', (d) => void d.accept());
  }, 120_000);

  afterAll(async () => {
    expect(await gateway?.stop()).toBe(0);
  });

  const go = (p: Page, label: string) => p.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: label }).click();
  const focusedText = (p: Page) => p.evaluate<string>("document.activeElement?.textContent ?? ''");

  async function signIn(p: Page, token: string): Promise<void> {
    await p.goto(`${url}/console/`);
    await p.getByLabel('Admin token', { exact: true }).fill(token);
    await p.getByLabel('Admin token', { exact: true }).press('Enter');
    await p.getByRole('heading', { name: 'Overview' }).waitFor();
  }

  it('tells a newcomer where the console is and how to see the token (start log, demo, README)', () => {
    expect(gateway.app.output()).toContain(`admin API on, console http://127.0.0.1:${port}/console/`);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('export SWITCHYARD_ADMIN_TOKEN=$(openssl rand -hex 24)');
    expect(readme).toContain('Bearer $SWITCHYARD_ADMIN_TOKEN');
    expect(readFileSync(join(ROOT, 'tools/demo.mjs'), 'utf8')).toContain('/console/');
  });

  it('signs in onto the content, asks nothing that 404s (icon), and its skip link does not cover the navigation', async () => {
    await signIn(page, ADMIN_TOKEN);
    await expect(page.evaluate<string>('document.activeElement?.id')).resolves.toBe('content');
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect((await fetch(`${url}${icon ?? '/missing'}`)).status).toBe(200);
    expect(notFound).toEqual([]);

    await page.locator('a.skip').focus();
    const skip = await page.locator('a.skip').boundingBox();
    const nav = await page.getByRole('navigation', { name: 'Console' }).boundingBox();
    expect(skip && nav).toBeTruthy();
    const overlaps = skip!.y < nav!.y + nav!.height && nav!.y < skip!.y + skip!.height && skip!.x < nav!.x + nav!.width && nav!.x < skip!.x + skip!.width;
    expect(overlaps).toBe(false);
  });

  it('says in the overview what it counts, and every table scrolls by keyboard', async () => {
    await go(page, 'Overview');
    await page.getByText('Refused ones').waitFor();
    await go(page, 'Tenants and keys');
    await page.getByRole('link', { name: TENANT }).waitFor();
    const wraps = await page.locator('.table-wrap').evaluateAll((els) => els.map((e) => [e.getAttribute('tabindex'), e.getAttribute('aria-label')]));
    expect(wraps.length).toBeGreaterThan(0);
    for (const [tab, name] of wraps) expect([tab, typeof name === 'string' && name.length > 0]).toEqual(['0', true]);
    const hint = await page.getByLabel('Tenant id').getAttribute('aria-describedby');
    await expect(page.locator(`#${hint}`).textContent()).resolves.toContain('letters, digits');
  });

  it('resets "Copied" for a rotated secret, asks before rotating with a grace period, and focuses what follows revoke and "I stored it"', async () => {
    await page.goto(`${url}/console/tenants/${TENANT}`);
    await page.getByLabel('Key name').fill('web');
    await page.getByRole('button', { name: 'Create key' }).click();
    const first = (await page.getByTestId('secret').textContent()) ?? '';
    await page.getByRole('button', { name: 'Copy', exact: true }).click();
    await page.getByRole('button', { name: 'Copied', exact: true }).waitFor();
    await expect(page.evaluate<string>('navigator.clipboard.readText()')).resolves.toBe(first);

    await page.getByRole('button', { name: 'Rotate key web' }).click();
    const grace = page.getByLabel('Old secret keeps working');
    await expect(grace.inputValue()).resolves.toBe('86400');
    // Made through the API: no config-file warning.
    await expect(page.getByText('declared in the config file').count()).resolves.toBe(0);
    await grace.selectOption('0');
    await page.getByRole('button', { name: 'Rotate key', exact: true }).click();
    await page.getByText('Rotated key web (the old secret stops at once)').waitFor();
    const second = (await page.getByTestId('secret').textContent()) ?? '';
    expect(second).not.toBe(first);
    // The button speaks of this secret, which is not on the clipboard yet.
    await expect(page.getByRole('button', { name: 'Copy', exact: true }).isVisible()).resolves.toBe(true);
    const old = new OpenAI({ baseURL: `${url}/v1`, apiKey: first, maxRetries: 0 });
    await eventually(async () => {
      const e = await old.models.list().then(() => undefined, (x: unknown) => x);
      if (!(e instanceof OpenAI.APIError) || e.status !== 401) throw new Error('the old secret still works');
    }, 5_000, 'no grace: the old secret refused');

    await page.getByRole('button', { name: 'I stored it' }).click();
    await expect(focusedText(page)).resolves.toContain('cannot be shown again');
    await page.getByRole('button', { name: 'Revoke key web' }).click();
    await page.getByRole('status').filter({ hasText: 'Key web revoked.' }).waitFor();
    await expect(focusedText(page)).resolves.toBe('Key web revoked.');
  });

  it('warns, when rotating a key the config file declares, that the file still holds the old secret', async () => {
    await page.goto(`${url}/console/tenants/acme`);
    await page.getByRole('button', { name: /^Rotate key / }).first().click();
    await page.getByText('This key is declared in the config file').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('button', { name: 'Rotate key', exact: true }).count()).resolves.toBe(0);
  });

  it('copies without navigator.clipboard (a non-secure origin), or says to copy by hand — never nothing', async () => {
    const plain = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await plain.addInitScript("Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined })");
    const p = await plain.newPage();
    await signIn(p, ADMIN_TOKEN);
    await p.goto(`${url}/console/tenants/${TENANT}`);
    await p.getByLabel('Key name').fill('no-clipboard');
    await p.getByRole('button', { name: 'Create key' }).click();
    await p.getByRole('button', { name: 'Copy', exact: true }).click();
    const said = p.locator('.secret [role="status"]');
    await eventually(async () => {
      const text = (await said.textContent()) ?? '';
      if (!/on the clipboard|Ctrl\+C/.test(text)) throw new Error(`said "${text}"`);
    }, 3_000, 'the copy reported');
    await plain.close();
  });

  it('follows the inputs on the usage page: the statement needs no "Show usage", clears on another tenant, and a fixed typo drops the 404', async () => {
    await go(page, 'Usage and statements');
    const tenantField = page.getByLabel('Tenant', { exact: true });
    await tenantField.fill('polish-tem');
    await page.getByRole('button', { name: 'Show statement' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('404');
    await tenantField.fill(TENANT);
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Show statement' }).click();
    const usage = page.getByRole('table', { name: new RegExp(`^Statement of ${TENANT} for \\d{4}-\\d{2}: 1 requests`) });
    await usage.waitFor();
    // Keys by name (read after the statement, so waited for), section titles in words, and what the month comes to.
    await usage.getByRole('row').nth(1).getByRole('cell', { name: 'ci', exact: true }).waitFor();
    const credits = page.getByRole('table', { name: 'Credits received: $25.00' });
    await credits.waitFor();
    await expect(credits.getByRole('cell').first().textContent()).resolves.toMatch(/^Top-up: /);
    // No plan: the month comes to its usage, 1000 × 1.5 + 250 × 6 per million tokens = $0.003 (shown to
    // six decimals below a cent).
    const cost = ((USAGE.input * 1.5 + USAGE.output * 6) / 1e6).toFixed(6);
    await expect(page.getByTestId('statement-total').textContent()).resolves.toBe(`$${cost}`);
    await expect(page.locator('#statement-month').getAttribute('pattern')).resolves.toBe('\\d{4}-\\d{2}');

    await tenantField.fill('someone-else');
    await expect(usage.count()).resolves.toBe(0);

    await tenantField.fill(TENANT);
    await page.getByLabel('To (UTC day, included)').fill(new Date().toISOString().slice(0, 10));
    const usageRow = page.getByRole('table', { name: 'Usage per day, tenant, key and model' }).getByRole('row').filter({ hasText: TENANT });
    await eventually(async () => {
      await page.getByRole('button', { name: 'Show usage' }).click();
      await usageRow.first().waitFor({ timeout: 500 });
    }, 15_000, 'the tenant\'s usage');
    await usageRow.first().getByRole('cell', { name: 'ci', exact: true }).waitFor();
    await expect(usageRow.first().getByRole('cell').nth(2).textContent()).resolves.toBe('ci');
  });

  it('names keys in the request log and shows refused rows with "—" for what they lack', async () => {
    await go(page, 'Request log');
    await page.getByLabel('Tenant', { exact: true }).fill(TENANT);
    const refused = page.getByRole('row').filter({ hasText: 'refused' });
    await eventually(async () => {
      await page.getByRole('button', { name: 'Search' }).click();
      await refused.first().waitFor({ timeout: 500 });
    }, 15_000, 'the refused request in the request log');
    await refused.first().getByRole('cell', { name: 'ci', exact: true }).waitFor();
    const cells = await refused.first().getByRole('cell').allTextContents();
    expect(cells.slice(2)).toEqual([TENANT, 'ci', '/v1/chat/completions', '—', '—', 'refused (invalid_request)', '400']);
    await expect(page.getByText(ciKeyId).count()).resolves.toBe(0);
  });

  it('offers the audit entities to choose from and labels each change\'s state', async () => {
    await go(page, 'Audit log');
    const entity = page.getByLabel('Entity');
    await expect(entity.evaluate((e) => e.tagName)).resolves.toBe('SELECT');
    await entity.selectOption('tenant');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText(`tenant ${TENANT} after create`).first().waitFor();
  });

  it('shows one error and nothing misleading for a tenant that does not exist, and a page for an unknown path', async () => {
    await page.goto(`${url}/console/tenants/no-such-tenant`);
    await page.getByRole('alert').first().waitFor();
    await expect(page.getByRole('alert').count()).resolves.toBe(1);
    await expect(page.getByRole('heading', { name: 'Create a key' }).count()).resolves.toBe(0);
    await expect(page.getByText('No keys yet.').count()).resolves.toBe(0);

    await page.goto(`${url}/console/no-such-page`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  });

  it('shows a read-only token\'s role and offers it no change', async () => {
    const { secret } = await admin.ok<{ secret: string }>('POST', '/admin-tokens', { name: 'auditor', role: 'read-only' });
    const ro = await browser.newContext();
    const p = await ro.newPage();
    await signIn(p, secret);
    await p.getByText('admin (read-only)').waitFor();
    await go(p, 'Tenants and keys');
    await p.getByRole('link', { name: TENANT }).waitFor();
    await expect(p.getByRole('button', { name: 'Create tenant' }).count()).resolves.toBe(0);
    await p.getByRole('link', { name: TENANT }).click();
    await p.getByRole('row').filter({ hasText: 'ci' }).first().waitFor();
    await expect(p.getByRole('button', { name: 'Create key' }).count()).resolves.toBe(0);
    await expect(p.getByRole('button', { name: /^(Edit|Rotate|Revoke) key/ }).count()).resolves.toBe(0);
    // Nor the edit forms: tenant settings and credit (shown to a platform admin once the tenant loaded).
    await p.getByRole('heading', { name: 'Credits and balance' }).waitFor();
    await expect(p.getByRole('button', { name: /^(Save tenant|Add entry)$/ }).count()).resolves.toBe(0);
    await go(p, 'Plans');
    await p.getByRole('table', { name: 'Plans' }).waitFor();
    await expect(p.getByRole('button', { name: /^(Create plan|Assign plan|Edit plan)/ }).count()).resolves.toBe(0);
    await go(p, 'Admin tokens');
    await p.getByRole('table', { name: 'Named admin tokens' }).getByRole('row').filter({ hasText: 'auditor' }).waitFor();
    await expect(p.getByRole('button', { name: /^(Create admin token|Revoke admin token)/ }).count()).resolves.toBe(0);
    await ro.close();
  });

  it('signs out to the sign-in page with a message when the token is revoked meanwhile', async () => {
    const made = await admin.ok<{ token: { id: string }; secret: string }>('POST', '/admin-tokens', { name: 'short-lived', role: 'platform' });
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await signIn(p, made.secret);
    await admin.ok('DELETE', `/admin-tokens/${made.token.id}`);
    // A revocation reaches this replica's token cache at once (one process).
    await go(p, 'Request log');
    await p.getByRole('alert').filter({ hasText: 'Signed out' }).waitFor();
    await expect(p.getByLabel('Admin token', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(p.evaluate<number>('sessionStorage.length')).resolves.toBe(0);
    await ctx.close();
  });
});
