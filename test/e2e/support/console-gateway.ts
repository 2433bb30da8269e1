import { ProviderSimulator } from '@switchyard/testing';
import type { Browser } from 'playwright-core';
import { AdminClient } from './admin-client';
import { ConsoleTab, launchChromium } from './console-browser';
import { GATEWAY_SECRETS, writeGatewayConfig } from './gateway-config';
import { createTestDatabase } from './postgres-harness';
import { type RunningApp, freePort, startApp, waitForReady } from './process-harness';

export interface ConsoleGatewayOptions {
  /** Prefix of the test's own Postgres database. */
  database: string;
  /** The bootstrap admin token the gateway starts with, and the one `signIn` uses by default. */
  adminToken: string;
  /** Address the gateway listens on (default 127.0.0.1). */
  host?: string;
  readyTimeoutMs?: number;
}

/**
 * What every standalone console e2e starts (issue 19): the provider simulator, a Postgres
 * database of its own, the built standalone gateway with the bootstrap admin token, and Debian's
 * Chromium. The tabs it opens are tracked, so a spec can check after each test that no page
 * loaded anything from elsewhere.
 */
export class ConsoleGateway {
  private readonly tabs: ConsoleTab[] = [];

  private constructor(
    readonly sim: ProviderSimulator,
    readonly db: Awaited<ReturnType<typeof createTestDatabase>>,
    readonly app: RunningApp,
    readonly port: number,
    readonly admin: AdminClient,
    readonly browser: Browser,
    private readonly adminToken: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(options: ConsoleGatewayOptions): Promise<ConsoleGateway> {
    const sim = await ProviderSimulator.start();
    let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
    let app: RunningApp | undefined;
    try {
      db = await createTestDatabase(options.database);
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const env = { ...GATEWAY_SECRETS, SWITCHYARD_CONFIG: writeGatewayConfig(sim.url), DATABASE_URL: db.url, HOST: options.host ?? '127.0.0.1', PORT: String(port), SWITCHYARD_ADMIN_TOKEN: options.adminToken };
      app = startApp('standalone', env);
      await waitForReady(url, app, options.readyTimeoutMs);
      const browser = await launchChromium();
      return new ConsoleGateway(sim, db, app, port, new AdminClient(url, options.adminToken), browser, options.adminToken);
    } catch (error) {
      // Nothing the failed start made is left running (afterAll has no gateway to stop).
      await app?.stop();
      await sim.close();
      await db?.drop();
      throw error;
    }
  }

  /** A new browser context on the console's sign-in page. */
  async open(): Promise<ConsoleTab> {
    return this.track(await ConsoleTab.open(this.browser, this.url));
  }

  /** A new browser context signed in with `token` (the bootstrap admin token unless told). */
  async signIn(token = this.adminToken): Promise<ConsoleTab> {
    return this.track(await ConsoleTab.signedIn(this.browser, this.url, token));
  }

  /** A tenant made through the admin API, with one key; returns the key and its secret. */
  async tenantWithKey(tenantId: string, keyName: string): Promise<{ key: { id: string }; secret: string }> {
    await this.admin.ok('POST', '/tenants', { id: tenantId });
    return this.admin.ok<{ key: { id: string }; secret: string }>('POST', `/tenants/${tenantId}/keys`, { name: keyName });
  }

  /** Closes every tab opened since the last call; returns what their pages loaded from elsewhere. */
  async closeTabs(): Promise<string[]> {
    const tabs = this.tabs.splice(0);
    await Promise.all(tabs.map((t) => t.close()));
    return tabs.flatMap((t) => t.elsewhere);
  }

  /** Stops the browser, the gateway, the simulator and drops the database; returns the gateway's exit code. */
  async stop(): Promise<number | null> {
    await this.browser.close();
    const code = await this.app.stop();
    await this.sim.close();
    await this.db.drop();
    return code;
  }

  private track(tab: ConsoleTab): ConsoleTab {
    this.tabs.push(tab);
    return tab;
  }
}
