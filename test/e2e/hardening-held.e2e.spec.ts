import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { DEFAULT_CONTENT, ProviderSimulator } from '@switchyard/testing';
import { AdminClient } from './support/admin-client';
import { RunningApp, SIMULATOR_OUTBOUND_ENV, eventually, freePort, startApp, waitForReady } from './support/process-harness';

// Issue 10: authentication, tenant isolation, request smuggling, header limits, nested JSON and
// prototype pollution held when a hostile tenant tried them against a standalone instance. These
// are the proofs, kept so they keep holding: one real standalone process (PGlite, no Redis), the
// provider simulator upstream, raw sockets where an SDK cannot send the input. (Limits, IP ranges
// and key rotation have their own proofs in limits.e2e.spec.ts and admin-api.e2e.spec.ts.)
//
// Written to the rules the rest of issue 10 brings: keys of 40+ characters, the upstream key as
// an env: reference under SWITCHYARD_UPSTREAM_, a plain-http loopback upstream explicitly allowed,
// and assertions on status codes and error shapes, never on message texts.

const ALPHA_KEY = 'sk-held-alpha-0123456789abcdefghijklmnopqrstuvwxyz';
const BETA_KEY = 'sk-held-beta-0123456789abcdefghijklmnopqrstuvwxyz0';
const EXPIRED_KEY = 'sk-held-expired-0123456789abcdefghijklmnopqrstuvw';
const ADMIN_TOKEN = 'held-admin-token-0123456789abcdefghijklmnopqrstuvwxyz';
const ALPHA_MODEL = 'alpha-chat';
const BETA_MODEL = 'beta-chat';

function writeConfig(simulatorUrl: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sy-held-')), 'switchyard.yaml');
  writeFileSync(
    path,
    `server: { port: 8080 }
routing: { retries: 0, timeouts: { connectMs: 2000, firstTokenMs: 5000, totalMs: 20000 } }
providers:
  - { id: sim, type: openai, baseUrl: '${simulatorUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
  - { id: sim-anthropic, type: anthropic, baseUrl: '${simulatorUrl}', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
  - { id: sim-gemini, type: gemini, baseUrl: '${simulatorUrl}', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
models:
  - { name: ${ALPHA_MODEL}, deployments: [{ provider: sim, model: sim-alpha }] }
  - { name: alpha-claude, deployments: [{ provider: sim-anthropic, model: sim-claude }] }
  - { name: alpha-gemini, deployments: [{ provider: sim-gemini, model: sim-gemini }] }
  - { name: ${BETA_MODEL}, deployments: [{ provider: sim, model: sim-beta }] }
tenants:
  - id: alpha
    models: ['alpha-*']
    keys:
      - { key: ${ALPHA_KEY}, name: alpha-key }
      - { key: ${EXPIRED_KEY}, name: alpha-expired, expiresAt: '2020-01-01T00:00:00Z' }
  - id: beta
    models: ['beta-*']
    keys: [{ key: ${BETA_KEY}, name: beta-key }]
`,
  );
  return path;
}

interface RawAnswer {
  /** Every status line the server wrote, in order (more than one would be a desync). */
  statuses: number[];
  text: string;
  /** The server closed the connection. */
  closed: boolean;
}

/** Writes raw bytes on a fresh connection and collects what comes back until close or `waitMs`. */
function rawRequest(port: number, bytes: string | Buffer, waitMs = 1500): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ statuses: [...text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1])), text, closed });
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('end', () => {
      closed = true;
      done();
    });
    socket.on('close', () => {
      closed = true;
      done();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? ((closed = true), done()) : reject(err)));
    socket.write(bytes);
  });
}

const CHAT_BODY = JSON.stringify({ model: ALPHA_MODEL, messages: [{ role: 'user', content: 'hi' }] });

describe('hardening that held (issue 10)', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let port = 0;
  let baseUrl = '';
  let admin: AdminClient;
  const alpha = () => new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: ALPHA_KEY, maxRetries: 0 });
  const beta = () => new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: BETA_KEY, maxRetries: 0 });
  /** A POST with only the given headers (and a JSON content type). */
  const send = (path: string, body: string, headers: Record<string, string>) => fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  /** A POST as tenant alpha (bearer key), with extra headers. */
  const post = (path: string, body: string, headers: Record<string, string> = {}) => send(path, body, { authorization: `Bearer ${ALPHA_KEY}`, ...headers });

  /** The process still answers, and answers right. */
  async function stillServes(): Promise<void> {
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
    const answer = await alpha().chat.completions.create({ model: ALPHA_MODEL, messages: [{ role: 'user', content: 'still there?' }] });
    expect(answer.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
  }

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    app = startApp('standalone', {
      SWITCHYARD_CONFIG: writeConfig(sim.url),
      SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sy-held-data-')),
      SWITCHYARD_UPSTREAM_SIM_KEY: 'sk-upstream-held-0123456789abcdefghijklmnopqrstuvwxyz',
      // The simulator is a plain-http loopback upstream: allowed explicitly, as in production.
      ...SIMULATOR_OUTBOUND_ENV,
      SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    await waitForReady(baseUrl, app);
    admin = new AdminClient(baseUrl, ADMIN_TOKEN);
  });

  afterAll(async () => {
    expect(await app?.stop()).toBe(0);
    await sim?.close();
  });

  describe('authentication', () => {
    // Each dialect's endpoint, asked the way its SDK asks, with the key in `key`.
    const asked: [string, (key: string) => Promise<Response>, (body: unknown) => void][] = [
      [
        'OpenAI',
        (key) => send('/v1/chat/completions', CHAT_BODY, key ? { authorization: `Bearer ${key}` } : {}),
        (body) => expect(body).toStrictEqual({ error: expect.objectContaining({ message: expect.any(String), type: expect.any(String) }) }),
      ],
      [
        'Anthropic',
        (key) => send('/v1/messages', JSON.stringify({ model: 'alpha-claude', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }), { ...(key ? { 'x-api-key': key } : {}), 'anthropic-version': '2023-06-01' }),
        (body) => expect(body).toStrictEqual(expect.objectContaining({ type: 'error', error: expect.objectContaining({ type: expect.any(String), message: expect.any(String) }) })),
      ],
      [
        'Gemini',
        (key) => send('/v1beta/models/alpha-gemini:generateContent', JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }), key ? { 'x-goog-api-key': key } : {}),
        (body) => expect(body).toStrictEqual({ error: expect.objectContaining({ code: 401, status: expect.any(String), message: expect.any(String) }) }),
      ],
    ];
    const revoked: { secret: string } = { secret: '' };

    beforeAll(async () => {
      const created = await admin.ok<{ key: { id: string }; secret: string }>('POST', '/tenants/alpha/keys', { name: 'alpha-revoked' });
      await eventually(async () => expect((await asked[0]?.[1](created.secret))?.status).toBe(200), 5_000, 'new key admitted');
      await admin.ok('POST', `/tenants/alpha/keys/${created.key.id}/revoke`);
      revoked.secret = created.secret;
    });

    it.each(asked)('refuses a missing, unknown, expired or revoked key with 401 in the %s shape, and calls no upstream', async (_dialect, ask, shaped) => {
      const before = sim.requests.length;
      for (const key of ['', 'sk-held-unknown-0123456789abcdefghijklmnopqrstuvwx', EXPIRED_KEY]) {
        const res = await ask(key);
        expect(res.status).toBe(401);
        shaped(await res.json());
      }
      await eventually(async () => expect((await ask(revoked.secret)).status).toBe(401), 5_000, 'revoked key refused');
      expect(sim.requests.length).toBe(before);
    });
  });

  describe('request smuggling and the HTTP parser', () => {
    it('refuses a request with both Content-Length and Transfer-Encoding, and never answers what was smuggled behind it', async () => {
      const smuggled = 'GET /admin/v1/tenants HTTP/1.1\r\nHost: gw\r\n\r\n';
      const upstreamCalls = sim.requests.length;
      const answer = await rawRequest(
        port,
        `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${ALPHA_KEY}\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
      );
      expect(answer.statuses).toStrictEqual([400]);
      expect(answer.closed).toBe(true);
      expect(sim.requests).toHaveLength(upstreamCalls);
    });

    it('refuses a request with two different Content-Length headers', async () => {
      const answer = await rawRequest(
        port,
        `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${ALPHA_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${CHAT_BODY.length}\r\nContent-Length: 2\r\n\r\n${CHAT_BODY}`,
      );
      expect(answer.statuses).toStrictEqual([400]);
      expect(answer.closed).toBe(true);
    });

    it('refuses an obfuscated Transfer-Encoding rather than guessing where the body ends', async () => {
      const answer = await rawRequest(
        port,
        `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${ALPHA_KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked, identity\r\n\r\n${CHAT_BODY.length.toString(16)}\r\n${CHAT_BODY}\r\n0\r\n\r\n`,
      );
      expect(answer.statuses).toStrictEqual([400]);
      expect(answer.closed).toBe(true);
    });

    it('answers headers larger than the limit with 431', async () => {
      const answer = await rawRequest(port, `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${ALPHA_KEY}\r\nX-Filler: ${'a'.repeat(64 * 1024)}\r\nContent-Length: 2\r\n\r\n{}`);
      expect(answer.statuses).toStrictEqual([431]);
      expect(answer.closed).toBe(true);
    });

    it('still serves a well-formed raw request after all that', async () => {
      const answer = await rawRequest(
        port,
        `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nConnection: close\r\nAuthorization: Bearer ${ALPHA_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(CHAT_BODY)}\r\n\r\n${CHAT_BODY}`,
      );
      expect(answer.statuses).toStrictEqual([200]);
      await stillServes();
    });
  });

  describe('nested JSON', () => {
    const DEEP = 100_000;
    const deepObject = `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`;
    const deepArray = `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`;

    it.each([
      ['OpenAI chat', '/v1/chat/completions', `{"model":"${ALPHA_MODEL}","messages":[{"role":"user","content":"hi"}],"metadata":${deepObject}}`],
      ['OpenAI chat (as the body)', '/v1/chat/completions', deepArray],
      ['OpenAI embeddings', '/v1/embeddings', `{"model":"${ALPHA_MODEL}","input":${deepArray}}`],
    ])('answers a body nested %s 100,000 levels deep with a 400 in the OpenAI shape, and lives', async (_name, path, body) => {
      const res = await post(path, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toStrictEqual({ error: expect.objectContaining({ message: expect.any(String), type: expect.any(String) }) });
      await stillServes();
    });

    it('answers it with a 400 in the Anthropic shape on /v1/messages', async () => {
      const body = `{"model":"alpha-claude","max_tokens":16,"messages":[{"role":"user","content":[{"type":"tool_use","id":"t","name":"f","input":${deepObject}}]}]}`;
      const res = await post('/v1/messages', body, { 'anthropic-version': '2023-06-01', 'x-api-key': ALPHA_KEY });
      expect(res.status).toBe(400);
      expect(await res.json()).toStrictEqual(expect.objectContaining({ type: 'error', error: expect.objectContaining({ type: expect.any(String), message: expect.any(String) }) }));
      await stillServes();
    });

    it('answers it with a 400 in the Gemini shape on generateContent', async () => {
      const body = `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"tools":[{"functionDeclarations":[{"name":"f","parameters":${deepObject}}]}]}`;
      const res = await fetch(`${baseUrl}/v1beta/models/alpha-gemini:generateContent`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': ALPHA_KEY }, body });
      expect(res.status).toBe(400);
      expect(await res.json()).toStrictEqual({ error: expect.objectContaining({ code: 400, status: expect.any(String), message: expect.any(String) }) });
      await stillServes();
    });
  });

  describe('prototype pollution', () => {
    // Had any of these reached Object.prototype, `{}` would inherit a model and messages and be
    // served instead of refused.
    const inherited = `"model":"${ALPHA_MODEL}","messages":[{"role":"user","content":"inherited"}],"polluted":"yes"`;
    const polluters: [string, string, string, Record<string, string>][] = [
      ['OpenAI __proto__', '/v1/chat/completions', `{"__proto__":{${inherited}},"model":"${ALPHA_MODEL}","messages":[{"role":"user","content":"hi"}]}`, {}],
      ['OpenAI constructor.prototype', '/v1/chat/completions', `{"constructor":{"prototype":{${inherited}}},"model":"${ALPHA_MODEL}","messages":[{"role":"user","content":"hi"}]}`, {}],
      ['OpenAI nested __proto__', '/v1/chat/completions', `{"model":"${ALPHA_MODEL}","messages":[{"role":"user","content":"hi","__proto__":{${inherited}}}],"tools":[{"type":"function","function":{"name":"f","parameters":{"__proto__":{${inherited}}}}}]}`, {}],
      ['Anthropic __proto__', '/v1/messages', `{"__proto__":{${inherited}},"model":"alpha-claude","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}`, { 'anthropic-version': '2023-06-01' }],
      ['Gemini __proto__', '/v1beta/models/alpha-gemini:generateContent', `{"__proto__":{${inherited}},"contents":[{"parts":[{"text":"hi","__proto__":{"polluted":"yes"}}]}],"generationConfig":{"constructor":{"prototype":{"polluted":"yes"}}}}`, { 'x-goog-api-key': ALPHA_KEY }],
    ];

    it.each(polluters)('answers a body with %s keys (served or refused, never a 500)', async (_name, path, body, headers) => {
      const res = await post(path, body, headers);
      expect([200, 400]).toContain(res.status);
      await res.text();
    });

    it('has polluted nothing: the next requests behave as before', async () => {
      const empty = await post('/v1/chat/completions', '{}');
      expect(empty.status).toBe(400);
      expect(await empty.json()).toStrictEqual({ error: expect.objectContaining({ param: 'model' }) });
      const admin404 = await admin.call('GET', '/tenants/polluted');
      expect(admin404.status).toBe(404);
      await stillServes();
    });

    it('refuses a polluting admin body without polluting either', async () => {
      const res = await admin.call('POST', '/tenants', `{"id":"proto-tenant","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}`);
      expect(res.status).toBeLessThan(500);
      const empty = await post('/v1/chat/completions', '{}');
      expect(empty.status).toBe(400);
    });
  });

  describe('tenant isolation', () => {
    it("lists only the caller's own tenant's models, in every SDK's list", async () => {
      const alphaModels = (await alpha().models.list()).data.map((m) => m.id).sort();
      const betaModels = (await beta().models.list()).data.map((m) => m.id).sort();
      expect(alphaModels).toStrictEqual(['alpha-chat', 'alpha-claude', 'alpha-gemini']);
      expect(betaModels).toStrictEqual([BETA_MODEL]);
      const gemini = (await (await fetch(`${baseUrl}/v1beta/models?key=${ALPHA_KEY}`)).json()) as { models: { name: string }[] };
      expect(gemini.models.map((m) => m.name)).not.toContain(`models/${BETA_MODEL}`);
      const anthropic = (await (await fetch(`${baseUrl}/v1/models`, { headers: { 'x-api-key': ALPHA_KEY, 'anthropic-version': '2023-06-01' } })).json()) as { data: { id: string }[] };
      expect(anthropic.data.map((m) => m.id)).not.toContain(BETA_MODEL);
    });

    it("does not show, nor serve, another tenant's model", async () => {
      const one = await fetch(`${baseUrl}/v1/models/${BETA_MODEL}`, { headers: { authorization: `Bearer ${ALPHA_KEY}` } });
      expect(one.status).toBe(404);
      await expect(alpha().chat.completions.create({ model: BETA_MODEL, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 403 });
      expect(sim.requests.filter((r) => r.rawBody.includes('sim-beta'))).toHaveLength(0);
    });

    it('gives a tenant key no way into the admin API or the usage of anyone', async () => {
      for (const path of ['/usage', '/usage?tenant=beta', '/tenants', '/tenants/beta/keys']) {
        const res = await admin.withToken(ALPHA_KEY).call('GET', path);
        expect([401, 403, 404]).toContain(res.status);
        expect(res.text).not.toContain('beta-key');
      }
    });

    it("records each tenant's requests under that tenant only", async () => {
      await beta().chat.completions.create({ model: BETA_MODEL, messages: [{ role: 'user', content: 'beta asks' }] });
      const today = new Date().toISOString().slice(0, 10);
      const rows = await eventually(async () => {
        const res = await admin.ok<{ rows: { tenantId: string; model: string }[] }>('GET', `/usage?from=${today}&to=${today}`);
        if (!res.rows.some((r) => r.tenantId === 'beta')) throw new Error('no beta usage yet');
        return res.rows;
      }, 15_000, 'usage rows');
      for (const r of rows) expect(r.model.startsWith(r.tenantId === 'alpha' ? 'alpha-' : 'beta-')).toBe(true);
    });
  });
});
