import { Logger } from '@nestjs/common';
import { createProcessLogger } from '@switchyard/telemetry';
import { ErrorKind, FinishReason } from '@switchyard/ir';
import type { AdmitResponse, AuthPort, UsageSink } from '@switchyard/ir';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { AccessLog } from './access-log';
import { ScriptedRouter, pipelineOf, serveThrough } from './chat-pipeline.harness';
import { dataRoute } from './dialect-registry';
import type { IncomingCall } from './incoming-call';

// The access line as an operator reads it: one JSON line per request, with what the request
// was and how it ended, written through the process's real pino logger; never a key.

const TENANT_KEY = 'sk-sy-acme-0123456789abcdef';
const QUERY_KEY = 'AIza-query-key-0123456789';

class Auth implements AuthPort {
  constructor(private readonly answer: AdmitResponse) {}
  async admit(): Promise<AdmitResponse> {
    return this.answer;
  }
  async settle(): Promise<void> {}
  async heartbeat(): Promise<void> {}
}

/** Answers every chat with one text, after a retry, from deployment d-2 of provider p-2. */
const routerOf = () =>
  new ScriptedRouter([
    { event: { $case: 'start', value: { id: 'up-1', model: 'up-model', providerId: 'p-2', deploymentId: 'd-2', upstreamModel: 'up-model', attempts: 2, droppedParams: [], cacheHit: false, attemptLog: [] } } },
    { event: { $case: 'textDelta', value: { text: 'hello', choice: 0, logprobsJson: '', signature: '' } } },
    { event: { $case: 'usage', value: { inputTokens: 11, outputTokens: 7, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 } } },
    { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_STOP, rawReason: 'stop', choice: 0, stopSequence: '' } } },
  ]);

const ADMITTED: AdmitResponse = { admitted: true, principal: { tenantId: 'acme', keyId: 'key-7', models: [], region: '', allowedRegions: [], tenantModels: [], captureContent: false, corsOrigins: [] }, maxOutputTokens: 0 };
const REFUSED: AdmitResponse = { admitted: false, error: { kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message: 'Incorrect API key provided.', retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] }, maxOutputTokens: 0 };
/** A known key over its budget: auth's refusal names whose key it was. */
const OVER_BUDGET: AdmitResponse = {
  admitted: false,
  principal: ADMITTED.principal,
  error: { kind: ErrorKind.ERROR_KIND_BUDGET_EXCEEDED, message: 'Monthly budget exhausted.', retryable: true, providerStatus: 0, retryAfterMs: 1000, param: '', attemptLog: [] },
  maxOutputTokens: 0,
};
const NO_USAGE: UsageSink = { publish: () => undefined };

/** The lines a process logger at `level` wrote, parsed. */
function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'info'): { lines: Record<string, unknown>[]; raw: () => string; log: AccessLog } {
  let raw = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw += chunk.toString();
      done();
    },
  });
  const root = createProcessLogger({ service: 'ingress', region: 'eu', level, destination: out });
  const lines: Record<string, unknown>[] = [];
  const sink = root.child({ kind: 'access' });
  return {
    lines,
    raw: () => raw,
    log: new AccessLog({
      info(line: object, msg: string) {
        sink.info(line, msg);
        lines.splice(0, lines.length, ...raw.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
      },
    }),
  };
}

const CHAT = JSON.stringify({ model: 'gpt-public', messages: [{ role: 'user', content: 'a prompt that must not be logged' }] });

describe(AccessLog.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('writes one line per served request with its ids, tenant, key id, route, tokens, attempts and status', async () => {
    const { lines, log } = capture();
    const sut = pipelineOf(new Auth(ADMITTED), routerOf(), NO_USAGE, log);

    await serveThrough(sut, '/v1/chat/completions', CHAT, { authorization: `Bearer ${TENANT_KEY}`, 'x-client-request-id': 'client-1' });

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      service: 'ingress',
      region: 'eu',
      pid: process.pid,
      kind: 'access',
      msg: 'access',
      requestId: 'r1',
      tenantId: 'acme',
      keyId: 'key-7',
      dialect: 'openai',
      operation: 'chat',
      model: 'gpt-public',
      provider: 'p-2',
      deployment: 'd-2',
      status: 200,
      tokensIn: 11,
      tokensOut: 7,
      attempts: 2,
      cacheHit: false,
    });
    expect(typeof lines[0]?.['durationMs']).toBe('number');
    expect(JSON.stringify(lines[0])).not.toContain('a prompt that must not be logged');
  });

  it('writes a refused request too, with its status and without the key from the header or ?key=', async () => {
    const { lines, raw, log } = capture();
    const sut = pipelineOf(new Auth(REFUSED), routerOf(), NO_USAGE, log);
    const route = dataRoute('/v1beta/models/gemini-pro:generateContent', `key=${QUERY_KEY}`);
    if (!route) throw new Error('no route');
    const res = new ServerResponse(new IncomingMessage(new Socket()));
    res.end = (() => res) as typeof res.end;
    const call: IncomingCall = {
      requestId: 'r2',
      clientRequestId: undefined,
      headers: { 'x-goog-api-key': TENANT_KEY, authorization: `Bearer ${TENANT_KEY}` },
      query: { key: QUERY_KEY },
      body: undefined,
      clientIp: '127.0.0.1',
      arrivedAt: performance.now(),
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    };

    // As HotRoutes does: the key gate first, then (a key it let through) the full admission.
    const keyHash = await sut.authenticate(route, call, res);
    if (keyHash !== undefined) await sut.serve(route, { ...call, body: '{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}' }, res, keyHash);

    expect(lines).toEqual([expect.objectContaining({ requestId: 'r2', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', dialect: 'gemini', operation: 'chat', status: 401 })]);
    expect(raw()).not.toContain(TENANT_KEY);
    expect(raw()).not.toContain(QUERY_KEY);
  });

  it('names the tenant, key id and model of a known key refused for its budget', async () => {
    const { lines, log } = capture();
    const sut = pipelineOf(new Auth(OVER_BUDGET), routerOf(), NO_USAGE, log);

    const answer = await serveThrough(sut, '/v1/chat/completions', CHAT, { authorization: `Bearer ${TENANT_KEY}` });

    expect(answer.status).toBe(429);
    expect(lines).toEqual([expect.objectContaining({ status: 429, tenantId: 'acme', keyId: 'key-7', model: 'gpt-public', operation: 'chat' })]);
  });

  it('names the PII categories found and the action taken, never a value', async () => {
    const { lines, raw, log } = capture();
    const detecting: AdmitResponse = { ...ADMITTED, principal: { ...ADMITTED.principal!, pii: { action: 'detect', categories: [], restore: false, custom: [] } } };
    const sut = pipelineOf(new Auth(detecting), routerOf(), NO_USAGE, log);
    const body = JSON.stringify({ model: 'gpt-public', messages: [{ role: 'user', content: 'mail jane@example.com from 10.1.2.3' }] });

    await serveThrough(sut, '/v1/chat/completions', body, { authorization: `Bearer ${TENANT_KEY}` });

    expect(lines[0]).toMatchObject({ status: 200, piiAction: 'detect', piiCategories: 'email,ip' });
    expect(raw()).not.toContain('jane@example.com');
    expect(raw()).not.toContain('10.1.2.3');
  });

  it('records a blocked request with its categories and the 400 it got', async () => {
    const { lines, raw, log } = capture();
    const blocking: AdmitResponse = { ...ADMITTED, principal: { ...ADMITTED.principal!, pii: { action: 'block', categories: ['card'], restore: false, custom: [] } } };
    const sut = pipelineOf(new Auth(blocking), routerOf(), NO_USAGE, log);
    const body = JSON.stringify({ model: 'gpt-public', messages: [{ role: 'user', content: 'card 4111 1111 1111 1111' }] });

    await serveThrough(sut, '/v1/chat/completions', body, { authorization: `Bearer ${TENANT_KEY}` });

    expect(lines[0]).toMatchObject({ status: 400, piiAction: 'block', piiCategories: 'card' });
    expect(raw()).not.toContain('4111');
  });

  it('writes nothing below the logger level: at warn, access lines are off', async () => {
    const { raw, log } = capture('warn');
    const sut = pipelineOf(new Auth(ADMITTED), routerOf(), NO_USAGE, log);

    await serveThrough(sut, '/v1/chat/completions', CHAT, { authorization: `Bearer ${TENANT_KEY}` });

    expect(raw()).toBe('');
  });
});
