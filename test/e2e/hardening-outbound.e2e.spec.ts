import { lookup } from 'node:dns/promises';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { classifyAddress } from '@switchyard/config';
import { ProviderSimulator } from '@switchyard/testing';
import { AdminClient } from './support/admin-client';
import { RunningApp, freePort, startApp, waitForReady } from './support/process-harness';
import { createTestDatabase } from './support/postgres-harness';
import { logMessages } from './support/log-lines';

// Issue 10, finding 5: the admin API could send any environment variable of the adapter process
// to any URL (`apiKeys: ["env:SWITCHYARD_SECRET_KEYS"]` with an attacker's baseUrl), and
// baseUrl took metadata, link-local and loopback addresses. Through the real server: refused at
// write time (admin API, switchyard.yaml at boot), and at connect time for a host name that
// passes the write-time check but resolves to a forbidden address.

const ADMIN_TOKEN = 'admin-token-hardening-outbound-0123456789';
const SECRET_KEYS = `k1:${Buffer.alloc(32, 9).toString('base64')}`;
const TENANT_KEY = 'sk-test-outbound-0123456789abcdef0123456789';
// Plain http is allowed (the simulator speaks it); private and loopback addresses are not.
const HTTP_ONLY = { SWITCHYARD_OUTBOUND_ALLOW_HTTP: 'true' };

function writeConfig(body: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sy-outbound-')), 'switchyard.yaml');
  writeFileSync(path, body);
  return path;
}

const TENANTS_YAML = `tenants:
  - id: acme
    keys: [{ key: ${TENANT_KEY} }]
`;

/** The exit code and output of a process expected to stop by itself (a refused configuration). */
async function exitOf(app: RunningApp): Promise<{ code: number | null; output: string }> {
  const code = await new Promise<number | null>((resolve) => (app.proc.exitCode !== null ? resolve(app.proc.exitCode) : app.proc.once('exit', (c) => resolve(c))));
  return { code, output: app.output() };
}

describe('outbound policy through the admin API and the adapter', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let url = '';
  let admin: AdminClient;
  let port = 0;

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_outbound');
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    app = startApp('standalone', {
      ...HTTP_ONLY,
      SWITCHYARD_CONFIG: writeConfig(TENANTS_YAML),
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN,
      SWITCHYARD_SECRET_KEYS: SECRET_KEYS,
    });
    await waitForReady(url, app);
    admin = new AdminClient(url, ADMIN_TOKEN);
  });

  afterAll(async () => {
    expect(await app?.stop()).toBe(0);
    await sim?.close();
    await db?.drop();
  });

  it.each(['env:SWITCHYARD_SECRET_KEYS', 'env:SWITCHYARD_ADMIN_TOKEN', 'env:DATABASE_URL', 'env:PATH'])(
    'refuses a provider whose key is %s with a 400, stores nothing, and never shows the value',
    async (ref) => {
      const res = await admin.call('POST', '/providers', { id: 'exfil', type: 'openai', baseUrl: 'https://api.example.com/v1', apiKeys: [ref] });

      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: {
          type: 'invalid_request',
          message: `apiKeys[0]: ${ref} is outside SWITCHYARD_OUTBOUND_ENV_PREFIX (SWITCHYARD_UPSTREAM_): upstream keys are read only from variables whose names start with it`,
        },
      });
      expect(res.text).not.toContain(SECRET_KEYS.slice(3));
      expect(res.text).not.toContain(ADMIN_TOKEN);
      expect((await admin.call('GET', '/providers/exfil')).status).toBe(404);
    },
  );

  it.each([
    ['the metadata address', 'http://169.254.169.254/latest/meta-data/iam', 'a cloud metadata address is never an upstream'],
    ['the IPv6 metadata address', 'http://[fd00:ec2::254]/latest', 'a cloud metadata address is never an upstream'],
    ['the metadata host name', 'http://metadata.google.internal/computeMetadata/v1', 'a cloud metadata host is never an upstream'],
    ['a link-local address', 'http://169.254.10.10/v1', 'a link-local address is never an upstream'],
    ['an IPv6 link-local address', 'http://[fe80::1]/v1', 'a link-local address is never an upstream'],
    ['the gateway’s own admin API on loopback', 'http://127.0.0.1:PORT/admin/v1', 'a loopback address is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]:PORT/v1', 'a loopback address is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true'],
    ['localhost', 'http://localhost:PORT/v1', 'a loopback host is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true'],
    ['a private address', 'http://10.1.2.3/v1', 'a private address is refused unless SWITCHYARD_OUTBOUND_ALLOW_PRIVATE=true'],
    ['credentials in the URL', 'https://user:hunter2@api.example.com/v1', 'credentials in the URL (user:password@) are refused; put the key in apiKeys'],
    ['a query string', 'https://api.example.com/v1?key=hunter2', 'a query string or fragment is refused; the gateway appends paths to the base URL'],
  ])('refuses a provider pointing at %s with a 400 naming baseUrl', async (_, baseUrl, reason) => {
    const res = await admin.call('POST', '/providers', { id: 'bad-url', type: 'openai', baseUrl: baseUrl.replace('PORT', String(port)), apiKeys: ['env:SWITCHYARD_UPSTREAM_X'] });

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { type: 'invalid_request', message: `baseUrl: ${reason}` } });
    expect(res.text).not.toContain('hunter2');
    expect((await admin.call('GET', '/providers/bad-url')).status).toBe(404);
  });

  it('refuses to move an existing provider to a forbidden address', async () => {
    await admin.ok('POST', '/providers', { id: 'moving', type: 'openai', baseUrl: 'https://api.example.com/v1', apiKeys: ['env:SWITCHYARD_UPSTREAM_X'] });
    const res = await admin.call('PATCH', '/providers/moving', { baseUrl: 'http://169.254.169.254/' });

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { type: 'invalid_request', message: 'baseUrl: a cloud metadata address is never an upstream' } });
    expect(await admin.ok('GET', '/providers/moving')).toMatchObject({ baseUrl: 'https://api.example.com/v1' });
  });

  it('never lists credentials or a query kept in a base URL stored before they were refused', async () => {
    await db.query(
      "INSERT INTO providers (id, type, base_url, api_keys, updated_at) VALUES ('legacy', 'openai', 'https://user:hunter2@api.example.com/v1?key=sk-in-url', '{}', now())",
    );
    const listed = await admin.call('GET', '/providers');

    expect(listed.text).not.toMatch(/hunter2|sk-in-url/);
    expect(await admin.ok('GET', '/providers/legacy')).toMatchObject({ baseUrl: 'https://[redacted]@api.example.com/v1?[redacted]' });
  });

  it('fails a call whose upstream host name resolves to loopback at connect time: one fixed message, and the upstream receives nothing', async () => {
    // This machine's own name passes the write-time check (it is not an IP nor localhost) and
    // resolves to a loopback address, where the simulator listens: DNS rebinding in miniature.
    const host = hostname();
    const resolved = await lookup(host);
    expect({ host, kind: classifyAddress(resolved.address) }).toEqual({ host, kind: 'loopback' });
    const simPort = new URL(sim.url).port;

    await admin.ok('POST', '/providers', { id: 'rebound', type: 'openai', baseUrl: `http://${host}:${simPort}/v1`, apiKeys: ['env:SWITCHYARD_UPSTREAM_REBOUND'] });
    await admin.ok('POST', '/models', { name: 'rebound-model', deployments: [{ provider: 'rebound', model: 'sim-model' }] });
    sim.reset();
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: TENANT_KEY, maxRetries: 0 });

    // The router's catalogue reloads on the admin API's change; until then the model is unknown (404).
    const call = () => client.chat.completions.create({ model: 'rebound-model', messages: [{ role: 'user', content: 'hi' }] }).then(() => undefined, (e: unknown) => e);
    let error = await call();
    for (const deadline = Date.now() + 15_000; error instanceof OpenAI.NotFoundError && Date.now() < deadline; error = await call()) {
      await new Promise((r) => setTimeout(r, 200));
    }

    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(502);
    expect(apiError.message).toContain("The gateway's outbound policy refuses the upstream address");
    expect(apiError.message).not.toContain(resolved.address);
    expect(sim.requests).toHaveLength(0);
  });
});

describe('outbound policy of switchyard.yaml at boot', () => {
  it('refuses to start with a provider key read from the gateway’s own settings, naming the path, never the value', async () => {
    const config = writeConfig(`providers:
  - { id: exfil, type: openai, baseUrl: "https://api.example.com/v1", apiKeys: [env:SWITCHYARD_SECRET_KEYS] }
${TENANTS_YAML}`);
    const app = startApp('standalone', { SWITCHYARD_CONFIG: config, SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sy-outbound-db-')), SWITCHYARD_SECRET_KEYS: SECRET_KEYS, PORT: String(await freePort()), HOST: '127.0.0.1' });
    const { code, output } = await exitOf(app);

    expect(code).toBe(1);
    expect(output).toContain(`${config}: providers[0].apiKeys[0]: env:SWITCHYARD_SECRET_KEYS is outside SWITCHYARD_OUTBOUND_ENV_PREFIX (SWITCHYARD_UPSTREAM_)`);
    expect(output).not.toContain(SECRET_KEYS.slice(3));
  });

  it('refuses to start with an upstream prefix that covers the gateway’s settings', async () => {
    const app = startApp('standalone', { SWITCHYARD_CONFIG: writeConfig(TENANTS_YAML), SWITCHYARD_OUTBOUND_ENV_PREFIX: 'SWITCHYARD_', PORT: String(await freePort()), HOST: '127.0.0.1' });
    const { code, output } = await exitOf(app);

    expect(code).toBe(1);
    expect(output).toContain('SWITCHYARD_OUTBOUND_ENV_PREFIX: "SWITCHYARD_" would cover every SWITCHYARD_ setting');
  });

  it('refuses to start with a tenant key shorter than 32 characters', async () => {
    const config = writeConfig('tenants:\n  - id: acme\n    keys: [{ key: sk-too-short }]\n');
    const app = startApp('standalone', { SWITCHYARD_CONFIG: config, PORT: String(await freePort()), HOST: '127.0.0.1' });
    const { code, output } = await exitOf(app);

    expect(code).toBe(1);
    expect(output).toContain(`${config}: tenants[0].keys[0].key: a key must be at least 32 characters (this one has 12)`);
    expect(output).not.toContain('sk-too-short');
  });

  it('refuses to start with an admin token shorter than 32 characters, from the file or the environment', async () => {
    const config = writeConfig(`server: { adminToken: env:OPS_ADMIN_TOKEN }\n${TENANTS_YAML}`);
    const fromFile = await exitOf(startApp('standalone', { SWITCHYARD_CONFIG: config, OPS_ADMIN_TOKEN: 'letmein', PORT: String(await freePort()), HOST: '127.0.0.1' }));
    const fromEnv = await exitOf(startApp('standalone', { SWITCHYARD_CONFIG: writeConfig(TENANTS_YAML), SWITCHYARD_ADMIN_TOKEN: 'letmein', PORT: String(await freePort()), HOST: '127.0.0.1' }));

    expect(fromFile.code).toBe(1);
    expect(fromFile.output).toContain(`${config}: server.adminToken: the admin token must be at least 32 characters (this one has 7)`);
    expect(fromEnv.code).toBe(1);
    expect(fromEnv.output).toContain('SWITCHYARD_ADMIN_TOKEN: the admin token must be at least 32 characters (this one has 7)');
    expect(fromFile.output + fromEnv.output).not.toContain('letmein');
  });

  it('warns at start about a literal upstream key stored unsealed, naming the provider, never the value', async () => {
    const port = await freePort();
    const config = writeConfig(`providers:
  - { id: clear-text, type: openai, baseUrl: "https://api.example.com/v1", apiKeys: [sk-literal-upstream-value-0123456789] }
${TENANTS_YAML}`);
    const app = startApp('standalone', { SWITCHYARD_CONFIG: config, SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sy-outbound-db-')), PORT: String(port), HOST: '127.0.0.1' });
    try {
      await waitForReady(`http://127.0.0.1:${port}`, app);

      expect(logMessages(app.output())).toContainEqual(expect.stringContaining('provider "clear-text": a literal upstream key will be stored unsealed (in clear) in the database; set SWITCHYARD_SECRET_KEYS'));
      expect(app.output()).not.toContain('sk-literal-upstream-value');
    } finally {
      expect(await app.stop()).toBe(0);
    }
  });
});
