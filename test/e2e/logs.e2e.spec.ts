import OpenAI from 'openai';
import { ProviderSimulator } from '@switchyard/testing';
import { GATEWAY_SECRETS, PUBLIC_MODEL, TEST_KEY, writeGatewayConfig } from './support/gateway-config';
import { type LogLine, logLines, nonJson } from './support/log-lines';
import { createTestDatabase } from './support/postgres-harness';
import { RunningApp, eventually, freePort, startApp, waitForReady } from './support/process-harness';

// Logs (issue 13) as an operator's collector reads them from a real process's stdout (a pipe,
// not a terminal): JSON lines only, one start-up summary instead of Nest's line per route, one
// access line per request with its fields, and never a key or a prompt.

const WRONG_KEY = 'sk-wrong-0123456789abcdef0123456789';
const PROMPT = 'a prompt the logs must never hold';
const MAX_BODY = 64 * 1024;
const NEST_CHATTER = ['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication', 'NestMicroservice'];

describe('logs of the standalone process', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let baseUrl = '';
  const accessLines = (): LogLine[] => logLines(app.output()).filter((l) => l['kind'] === 'access');

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_logs');
    const port = await freePort();
    app = startApp('standalone', { ...GATEWAY_SECRETS, SWITCHYARD_CONFIG: writeGatewayConfig(sim.url), DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', SWITCHYARD_REGION: 'eu-logs', MAX_BODY_BYTES: String(MAX_BODY) });
    baseUrl = `http://127.0.0.1:${port}`;
    await waitForReady(baseUrl, app);
    // The summary is written once the server listens, so /readyz can answer before the line
    // reaches the pipe (seen under CI load): wait for it, or the next test counts it as its own.
    await eventually(async () => {
      if (!logLines(app.output()).some((l) => l['startup'] !== undefined)) throw new Error('no start-up summary yet');
    });
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
    await db?.drop();
  });

  it('starts with one summary line: mode, where it listens, config, models and what is external', () => {
    const lines = logLines(app.output());
    const summaries = lines.filter((l) => l['startup'] !== undefined);

    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({
      level: 'info',
      service: 'standalone',
      region: 'eu-logs',
      pid: app.proc.pid,
      startup: {
        mode: 'standalone',
        listen: [baseUrl],
        models: [PUBLIC_MODEL, 'other-model'],
        external: { database: expect.stringMatching(/^postgres postgres(ql)?:\/\/127\.0\.0\.1:5432\/sy_logs_/), redis: expect.stringContaining('none'), queue: 'in-memory', tracing: 'off (no OTEL_EXPORTER_OTLP_ENDPOINT)', notifications: 'none' },
      },
    });
    expect(summaries[0]?.msg).toContain(`switchyard standalone listening on ${baseUrl}`);
    expect(lines.filter((l) => NEST_CHATTER.includes(String(l['context'])))).toEqual([]);
  });

  it('writes one access line per request, with its fields, and nothing else per request', async () => {
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: TEST_KEY, maxRetries: 0, defaultHeaders: { 'x-client-request-id': 'client-logs-1' } });
    const before = accessLines().length;
    const linesBefore = logLines(app.output()).length;

    const { response } = await client.chat.completions.create({ model: PUBLIC_MODEL, messages: [{ role: 'user', content: PROMPT }] }).withResponse();
    const refused = await fetch(`${baseUrl}/v1beta/models/${PUBLIC_MODEL}:generateContent?key=${WRONG_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: PROMPT }] }] }),
    });
    const models = await fetch(`${baseUrl}/v1/models`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    const tooLarge = await fetch(`${baseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': TEST_KEY, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: PUBLIC_MODEL, max_tokens: 5, messages: [{ role: 'user', content: PROMPT + 'x'.repeat(MAX_BODY) }] }),
    });

    expect(refused.status).toBe(401);
    expect(models.status).toBe(200);
    expect(tooLarge.status).toBe(413);
    const lines = await eventually(async () => {
      const now = accessLines().slice(before);
      if (now.length < 4) throw new Error(`${now.length} access lines so far`);
      return now;
    });
    expect(lines).toHaveLength(4);
    expect(logLines(app.output()).length - linesBefore).toBe(4);
    const [chat, refusal, list, oversized] = lines;
    expect(chat).toMatchObject({
      level: 'info',
      msg: 'access',
      service: 'standalone',
      region: 'eu-logs',
      requestId: response.headers.get('x-request-id'),
      clientRequestId: 'client-logs-1',
      tenantId: 'acme',
      keyId: expect.any(String),
      dialect: 'openai',
      operation: 'chat',
      model: PUBLIC_MODEL,
      provider: 'sim',
      deployment: expect.any(String),
      status: 200,
      tokensIn: expect.any(Number),
      tokensOut: expect.any(Number),
      durationMs: expect.any(Number),
      attempts: 1,
      cacheHit: false,
    });
    expect(refusal).toMatchObject({ requestId: refused.headers.get('x-request-id'), dialect: 'gemini', operation: 'chat', status: 401 });
    expect(refusal?.['tenantId']).toBeUndefined();
    expect(list).toMatchObject({ requestId: models.headers.get('x-request-id'), dialect: 'openai', operation: 'models', status: 200 });
    expect(oversized).toMatchObject({ requestId: tooLarge.headers.get('x-request-id'), dialect: 'anthropic', operation: 'chat', status: 413 });
  });

  it('writes JSON lines only, and never a key or a prompt', () => {
    const out = app.output();

    expect(nonJson(out)).toEqual([]);
    expect(out).not.toContain(TEST_KEY);
    expect(out).not.toContain(WRONG_KEY);
    expect(out).not.toContain(GATEWAY_SECRETS.SWITCHYARD_UPSTREAM_SIM_KEY);
    expect(out).not.toContain(PROMPT);
  });
});

describe('logs of a cluster process (adapter)', () => {
  it('writes JSON lines under its service name, without Nest chatter, and flushes its last line on SIGTERM', async () => {
    const port = await freePort();
    const app = startApp('adapter', { ADAPTER_PROVIDER: 'openai', GRPC_PORT: String(port), HOST: '127.0.0.1', SWITCHYARD_REGION: 'eu-logs' });
    try {
      await eventually(async () => {
        if (app.proc.exitCode !== null) throw new Error(`exited early:\n${app.output()}`);
        if (!logLines(app.output()).some((l) => l.msg?.includes(`gRPC listening on 127.0.0.1:${port}`))) throw new Error('not listening yet');
      }, 60_000, 'adapter listening');
    } finally {
      expect(await app.stop()).toBe(0);
    }

    const lines = logLines(app.output());
    expect(nonJson(app.output())).toEqual([]);
    expect(lines.every((l) => l.service === 'adapter-openai' && l['region'] === 'eu-logs' && l['pid'] === app.proc.pid)).toBe(true);
    expect(lines.filter((l) => NEST_CHATTER.includes(String(l['context'])))).toEqual([]);
    expect(lines.at(-1)?.msg).toBe('SIGTERM: draining');
  });
});
