import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { ROOT } from './process-harness';

// The web console's browser for the e2e tests: Debian's Chromium (installed by .ci/run) driven by
// playwright-core, no downloaded browser. Without it the tests fail; they do not skip.

export const CHROMIUM = '/usr/bin/chromium';
/** Set to a folder (docs/console) to refresh the screenshots docs/console.md shows. */
const SHOTS = process.env['CONSOLE_SCREENSHOTS'];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the console tests need Debian's chromium (apt-get install -y chromium)`);
  if (SHOTS) mkdirSync(join(ROOT, SHOTS), { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * One signed-in console in its own browser context (its own sessionStorage), so each test starts
 * from nothing the previous one left. Confirmation dialogs are accepted.
 */
export class ConsoleTab {
  /** URLs the page asked for that are not the gateway's own (the console must work offline). */
  readonly elsewhere: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  static async open(browser: Browser, gatewayUrl: string): Promise<ConsoleTab> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const tab = new ConsoleTab(context, page);
    page.on('request', (r) => {
      if (!r.url().startsWith(gatewayUrl) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) tab.elsewhere.push(r.url());
    });
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${gatewayUrl}/console/`);
    return tab;
  }

  /** Signs in with `token` and waits for the console's first page. */
  static async signedIn(browser: Browser, gatewayUrl: string, token: string): Promise<ConsoleTab> {
    const tab = await ConsoleTab.open(browser, gatewayUrl);
    await tab.page.getByLabel('Admin token', { exact: true }).fill(token);
    await tab.page.getByRole('button', { name: 'Sign in' }).click();
    await tab.page.getByRole('heading', { name: 'Overview' }).waitFor();
    return tab;
  }

  /** Follows a link of the console's navigation. */
  go(label: string): Promise<void> {
    return this.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: label }).click();
  }

  /** Opens a tenant's page from the tenant list. */
  async openTenant(tenantId: string): Promise<void> {
    await this.go('Tenants and keys');
    await this.page.getByRole('link', { name: tenantId, exact: true }).click();
    await this.page.getByRole('heading', { name: `Tenant ${tenantId}` }).waitFor();
  }

  async shot(name: string): Promise<void> {
    if (SHOTS) await this.page.screenshot({ path: join(ROOT, SHOTS, `${name}.png`), fullPage: true });
  }

  close(): Promise<void> {
    return this.context.close();
  }
}
