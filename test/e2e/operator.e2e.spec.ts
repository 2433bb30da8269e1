import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import OpenAI from 'openai';
import { ProviderSimulator } from '@switchyard/testing';
import { type RunningApp, eventually, freePort, runApp, startApp, waitForReady } from './support/process-harness';
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
  let configPath = '';
  let appEnv: Record<string, string> = {};

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_operator');
    const port = await freePort();
    appEnv = { ...OPERATOR_ENV, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN, SWITCHYARD_CONFIG: (configPath = writeOperatorConfig(sim.url)), DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1' };
    app = startApp('standalone', appEnv);
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

  it('apply --server --dry-run previews the diff against the running standalone, and without --dry-run the server applies it', async () => {
    const file = join(dirname(configPath), 'next.yaml');
    writeFileSync(file, `${readFileSync(configPath, 'utf8')}  - { id: umbrella, name: Umbrella, rpm: 9 }\n`);
    const env = { ...OPERATOR_ENV, SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN };
    const tenant = () => fetch(`${baseUrl}/admin/v1/tenants/umbrella`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

    const preview = await runApp('standalone', env, ['apply', '-f', file, '--server', baseUrl, '--dry-run']);
    expect(preview).toContain('+ tenant umbrella');
    expect(preview).toContain('    rpm: 9');
    expect(preview).toMatch(/1 change \(dry run\), \d+ unchanged/);
    expect((await tenant()).status).toBe(404);

    const applied = await runApp('standalone', env, ['apply', '-f', file, '--server', baseUrl]);
    expect(applied).toMatch(/1 change, \d+ unchanged/);
    expect((await tenant()).status).toBe(200);
    // The file it came from owns it now, as for a local apply.
    const patch = await fetch(`${baseUrl}/admin/v1/tenants/umbrella`, { method: 'PATCH', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: '{"rpm":1}' });
    expect((await patch.json()) as unknown).toMatchObject({ error: { message: expect.stringContaining('declared in next.yaml') } });
  });

  it('names at start the models it serves that the file does not declare', async () => {
    const made = await fetch(`${baseUrl}/admin/v1/models`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'admin-made', deployments: [{ provider: 'sim', model: 'sim-upstream' }] }),
    });
    expect(made.status).toBe(201);
    await app.stop();
    app = startApp('standalone', appEnv);
    await waitForReady(baseUrl, app);
    expect(app.output()).toContain('also serving 1 model it does not declare (from an earlier file or the admin API): admin-made');
    expect(app.output()).toMatch(/"models":\[[^\]]*"admin-made"\]/);
  });

  it('reloads the file on SIGHUP: applies it, logs the diff, and a new key works without a restart', async () => {
    const newKey = 'sk-test-reloaded-0123456789abcdef01234567';
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: newKey, maxRetries: 0 });
    await expect(client.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    writeFileSync(configPath, readFileSync(configPath, 'utf8').replace('      - { key: env:GLOBEX_KEY }', `      - { key: env:GLOBEX_KEY }\n      - { key: ${newKey}, name: reloaded }`));

    app.proc.kill('SIGHUP');

    await eventually(() => client.models.list(), 15_000, 'the reloaded key admitted');
    expect(app.output()).toContain('reloaded (configOwnership: file)');
    expect(app.output()).toMatch(/\+ key globex\/sk-test-relo/);
  });

  it('refuses a broken file on SIGHUP with its problems and keeps serving', async () => {
    writeFileSync(configPath, `${readFileSync(configPath, 'utf8')}\nbogus: 1\n`);
    app.proc.kill('SIGHUP');
    await eventually(async () => {
      if (!app.output().includes('reload refused, nothing changed')) throw new Error('not yet');
    });
    expect(app.output()).toContain('bogus');
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
  });
});
