import { Logger } from '@nestjs/common';
import { ErrorKind } from '@switchyard/ir';
import type { AdmitRequest, AdmitResponse, AuthPort, ChatRequest, CountTokensResponse, EmbedResponse, ErrorEvent, ResponseEvent, RouterPort, SettleRequest, UsageEvent, UsageSink } from '@switchyard/ir';
import { ATTEMPTS_HEADER, ChatPipeline } from './chat-pipeline.service';
import { pipelineOf, serveThrough } from './chat-pipeline.harness';

// The admission skeleton every data operation shares, seen from the client and the ledger: a
// failure at any step is answered in the client's dialect with its own status, and an admitted
// request is still metered with that status and its quota hold settled.

const ADMITTED: AdmitResponse = { admitted: true, principal: { tenantId: 'acme', keyId: 'k1', models: [], region: '', allowedRegions: [], tenantModels: [], captureContent: false, corsOrigins: [] }, ticket: { requestId: 'r1', leaseMs: 0, scopes: [], reservedTokens: 0, reservedUsd: 0, atMs: 0 }, maxOutputTokens: 0 };

class Auth implements AuthPort {
  answer: AdmitResponse = ADMITTED;
  asked: AdmitRequest[] = [];
  settled: SettleRequest[] = [];
  async admit(r: AdmitRequest): Promise<AdmitResponse> {
    this.asked.push(r);
    return this.answer;
  }
  async settle(r: SettleRequest): Promise<void> {
    this.settled.push(r);
  }
  async heartbeat(): Promise<void> {}
}

/** A router whose every call answers `failure`: in-band as its contract says, or by throwing (a bug). */
class Router implements RouterPort {
  calls = 0;
  constructor(private readonly failure: ErrorEvent | Error) {}
  route(_request: ChatRequest): AsyncIterable<ResponseEvent> {
    this.calls++;
    const failure = this.failure;
    if (failure instanceof Error) throw failure;
    return (async function* () {
      yield { event: { $case: 'error' as const, value: failure } };
    })();
  }
  async embed(): Promise<EmbedResponse> {
    this.calls++;
    if (this.failure instanceof Error) throw this.failure;
    return { error: this.failure, embeddings: [], usageEstimated: false };
  }
  async countTokens(): Promise<CountTokensResponse> {
    this.calls++;
    if (this.failure instanceof Error) throw this.failure;
    return { error: this.failure, inputTokens: 0, estimated: false };
  }
  listModels(): never {
    throw new Error('unused');
  }
  healthState(): never {
    throw new Error('unused');
  }
}

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: Record<string, unknown>;
  published: UsageEvent[];
}

async function post(url: string, body: string, router: Router, auth = new Auth()): Promise<Answer> {
  const published: UsageEvent[] = [];
  const usage: UsageSink = { publish: (e) => published.push(e) };
  const answer = await serveThrough(pipelineOf(auth, router, usage), url, body, { authorization: 'Bearer sk', 'x-goog-api-key': 'sk' });
  return { ...answer, published };
}

const CHAT = '{"model":"m","messages":[{"role":"user","content":"hi"}]}';
const UNAVAILABLE: ErrorEvent = {
  kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE,
  message: 'The upstream provider is unavailable.',
  retryable: true,
  attemptLog: [{ deploymentId: 'd1', providerId: 'p1', model: 'm', outcome: 'upstream_unavailable', status: 503, hedge: false, durationMs: 0 }],
  providerStatus: 0,
  retryAfterMs: 0,
  param: '',
};

describe(`${ChatPipeline.name} admission skeleton`, () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('answers a routed failure in the client dialect with its status and attempts, and meters it with that status', async () => {
    const auth = new Auth();
    const answer = await post('/v1/chat/completions', CHAT, new Router(UNAVAILABLE), auth);

    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ error: { type: 'api_error', message: 'The upstream provider is unavailable.' } });
    expect(answer.headers[ATTEMPTS_HEADER]).toBe('provider=p1;model=m;outcome=upstream_unavailable;status=503;ms=0');
    expect(answer.published).toHaveLength(1);
    expect(answer.published[0]).toMatchObject({ requestId: 'r1', status: 'error', httpStatus: 503, errorKind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE });
    await Promise.resolve();
    expect(auth.settled).toHaveLength(1);
  });

  it('answers an embeddings error result in Gemini terms with its retry-after, metered with its status', async () => {
    const limited: ErrorEvent = { kind: ErrorKind.ERROR_KIND_RATE_LIMITED, message: 'slow down', retryable: true, retryAfterMs: 2000, providerStatus: 0, param: '', attemptLog: [] };
    const answer = await post('/v1beta/models/e:embedContent', '{"content":{"parts":[{"text":"hi"}]}}', new Router(limited));

    expect(answer.status).toBe(429);
    expect(answer.body).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });
    expect(answer.headers['retry-after']).toBe('2');
    expect(answer.published).toMatchObject([{ status: 'error', httpStatus: 429 }]);
  });

  it('answers a token count error result in Anthropic terms without metering it, and settles its hold', async () => {
    const auth = new Auth();
    const failed: ErrorEvent = { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, message: 'The upstream provider failed.', retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] };
    const answer = await post('/v1/messages/count_tokens', '{"model":"c","messages":[{"role":"user","content":"hi"}]}', new Router(failed), auth);

    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ type: 'error', error: { message: 'The upstream provider failed.' } });
    // Not metered: the request audit's row only (no ledger row, no tokens).
    expect(answer.published).toEqual([expect.objectContaining({ httpStatus: 502, providerId: '', audit: expect.objectContaining({ auditOnly: true }) })]);
    await Promise.resolve();
    expect(auth.settled).toMatchObject([{ ticket: { requestId: 'r1' }, model: '' }]);
  });

  it('answers an admission refusal with its retry-after before anything is routed or metered', async () => {
    const auth = new Auth();
    auth.answer = { admitted: false, error: { kind: ErrorKind.ERROR_KIND_RATE_LIMITED, message: 'Rate limit reached.', retryable: true, retryAfterMs: 3000, providerStatus: 0, param: '', attemptLog: [] }, maxOutputTokens: 0 };
    const router = new Router(UNAVAILABLE);
    const answer = await post('/v1/messages', '{"model":"c","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}', router, auth);

    expect(answer.status).toBe(429);
    expect(answer.body).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', message: 'Rate limit reached.' } });
    expect(answer.headers['retry-after']).toBe('3');
    expect(router.calls).toBe(0);
    expect(answer.published).toEqual([]);
    expect(auth.settled).toEqual([]);
  });

  it("files a known key's refusal in the request audit: an audit-only event, nothing metered", async () => {
    const auth = new Auth();
    const limited: ErrorEvent = { kind: ErrorKind.ERROR_KIND_RATE_LIMITED, message: 'Rate limit reached.', retryable: true, retryAfterMs: 3000, providerStatus: 0, param: '', attemptLog: [] };
    auth.answer = { admitted: false, error: limited, principal: ADMITTED.principal, maxOutputTokens: 0 };
    const answer = await post('/v1/messages', '{"model":"c","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}', new Router(UNAVAILABLE), auth);

    expect(answer.status).toBe(429);
    expect(answer.published).toEqual([
      expect.objectContaining({ tenantId: 'acme', keyId: 'k1', model: 'c', httpStatus: 429, errorKind: ErrorKind.ERROR_KIND_RATE_LIMITED, providerId: '', audit: expect.objectContaining({ auditOnly: true, clientIp: '127.0.0.1' }) }),
    ]);
    expect(answer.published[0]?.usage).toBeUndefined();
  });

  it("files the router's residency refusal like admission's refusals: 403 in the dialect, an audit-only event, nothing metered, the hold released", async () => {
    // As the router's regionRefusal answers: before any try, so no attempt names a deployment.
    const outside: ErrorEvent = { kind: ErrorKind.ERROR_KIND_PERMISSION, message: 'This key may only be served in the regions eu-west; the model `m` is deployed in us-east.', param: 'model', retryable: false, providerStatus: 0, retryAfterMs: 0, attemptLog: [] };
    for (const [url, body] of [
      ['/v1/chat/completions', CHAT],
      ['/v1/chat/completions', '{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}'],
      ['/v1beta/models/e:embedContent', '{"content":{"parts":[{"text":"hi"}]}}'],
    ] as const) {
      const auth = new Auth();
      const answer = await post(url, body, new Router(outside), auth);

      expect(answer.status).toBe(403);
      expect(answer.published).toEqual([expect.objectContaining({ httpStatus: 403, errorKind: ErrorKind.ERROR_KIND_PERMISSION, providerId: '', audit: expect.objectContaining({ auditOnly: true }) })]);
      expect(answer.published[0]?.usage).toBeUndefined();
      await Promise.resolve();
      expect(auth.settled).toMatchObject([{ ticket: { requestId: 'r1' }, model: '' }]);
    }
  });

  it("meters an upstream's 403 after a try as before: it is the upstream's answer, not a refusal", async () => {
    const denied: ErrorEvent = { ...UNAVAILABLE, kind: ErrorKind.ERROR_KIND_PERMISSION, message: 'The upstream refused the request.', retryable: false, attemptLog: [{ ...UNAVAILABLE.attemptLog[0]!, outcome: 'permission', status: 403 }] };
    const answer = await post('/v1/chat/completions', CHAT, new Router(denied));

    expect(answer.status).toBe(403);
    expect(answer.published).toMatchObject([{ status: 'error', httpStatus: 403, audit: { auditOnly: false } }]);
    expect(answer.published[0]?.usage).toBeDefined();
  });

  it('answers a bug as 500 internal error, and still meters the admitted request with that status', async () => {
    const auth = new Auth();
    const answer = await post('/v1/chat/completions', CHAT, new Router(new Error('boom at 10.0.0.7')), auth);

    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ error: { message: 'internal error' } });
    expect(answer.published).toMatchObject([{ httpStatus: 500 }]);
    await Promise.resolve();
    expect(auth.settled).toHaveLength(1);
  });
});
