import { ProviderSimulator } from '@switchyard/testing';
import { type RunningApp, freePort, startApp, waitForReady } from './support/process-harness';
import { createTestDatabase } from './support/postgres-harness';
import { OPERATOR_ENV, describeOperatorContract, writeOperatorConfig } from './support/operator-contract';

// CORS and GET /v1/me on a real standalone process (the server's origins from switchyard.yaml),
// and configOwnership: file seen from the admin API.
const ADMIN_TOKEN = 'admin-operator-0123456789abcdef0123456789';

describe('CORS and GET /v1/me on standalone', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let baseUrl = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_operator');
    const port = await freePort();
    app = startApp('standalone', { ...OPERATOR_ENV, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN, SWITCHYARD_CONFIG: writeOperatorConfig(sim.url), DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${port}`;
    await waitForReady(baseUrl, app);
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
    await db?.drop();
  });

  describeOperatorContract(() => ({ baseUrl }));

  it('prints the diff the start applied', () => {
    expect(app.output()).toContain('switchyard.yaml applied (configOwnership: file)');
    expect(app.output()).toContain('+ tenant acme');
  });

  it('keeps what the file declares read-only in the admin API (configOwnership: file), naming the file', async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${baseUrl}/admin/v1${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const patched = await admin('PATCH', '/tenants/acme', { rpm: 1 });
    expect(patched.status).toBe(409);
    expect(await patched.json()).toEqual({
      error: { type: 'conflict', message: 'tenant "acme" is declared in switchyard.yaml (configOwnership: file): change it in the file and apply it, or set configOwnership: seed to let the admin API own it' },
    });
    expect((await admin('DELETE', '/providers/sim')).status).toBe(409);
    expect((await admin('POST', '/models/gpt-test/prices', { inputPerMTok: 1, outputPerMTok: 1 })).status).toBe(409);
    // What the file does not declare stays the admin API's.
    expect((await admin('POST', '/tenants', { id: 'initech' })).status).toBe(201);
    expect((await admin('PATCH', '/tenants/initech', { rpm: 5 })).status).toBe(200);
  });
});
