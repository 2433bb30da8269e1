import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { DEFAULT_CONTENT, ProviderSimulator } from '@switchyard/testing';
import { GATEWAY_SECRETS, PUBLIC_MODEL, TEST_KEY, writeGatewayConfig } from './support/gateway-config';
import { GatewayUnderTest, UsageRow, describeGatewayContract } from './support/gateway-contract';
import { RunningApp, freePort, startApp, waitForReady } from './support/process-harness';
import { createTestDatabase } from './support/postgres-harness';

// Standalone mode as a user runs it: one process (dist/apps/standalone/main.js), no Redis.

describe('standalone on Postgres', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let baseUrl = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_standalone');
    const port = await freePort();
    app = startApp('standalone', { ...GATEWAY_SECRETS, SWITCHYARD_CONFIG: writeGatewayConfig(sim.url), DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${port}`;
    await waitForReady(baseUrl, app);
  });

  afterAll(async () => {
    expect(await app?.stop()).toBe(0);
    await sim?.close();
    await db?.drop();
  });

  describeGatewayContract((): GatewayUnderTest => ({
    baseUrl,
    sim,
    usageRows: (requestId) => db.query<UsageRow>('SELECT * FROM usage_records WHERE request_id = $1', [requestId]),
  }));

  // Runs last: it stops the server.
  it('drains queued usage on SIGTERM, so an answered request is never lost on a graceful stop', async () => {
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'just before shutdown' }] }).withResponse();
    expect(await app.stop()).toBe(0);
    const rows = await db.query<UsageRow>('SELECT * FROM usage_records WHERE request_id = $1', [response.headers.get('x-request-id')]);
    expect(rows).toHaveLength(1);
  });
});

describe('standalone with embedded defaults (PGlite, in-memory queue)', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
  });

  it('starts with no DATABASE_URL or REDIS_URL, answers, and keeps its data across a restart', async () => {
    sim = await ProviderSimulator.start();
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-pglite-'));
    const port = await freePort();
    const env = { ...GATEWAY_SECRETS, SWITCHYARD_CONFIG: writeGatewayConfig(sim.url), SWITCHYARD_DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' };
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: TEST_KEY, maxRetries: 0 });

    app = startApp('standalone', env);
    await waitForReady(`http://127.0.0.1:${port}`, app);
    expect(app.output()).toContain(`listening on http://127.0.0.1:${port}`);
    expect(app.output()).toContain('database pglite');
    const first = await client.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hi' }] });
    expect(first.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
    expect(await app.stop()).toBe(0);

    app = startApp('standalone', env);
    await waitForReady(`http://127.0.0.1:${port}`, app);
    expect(app.output()).toContain('(0 changes applied)');
    const second = await client.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: 'hi again' }] });
    expect(second.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
  });
});
