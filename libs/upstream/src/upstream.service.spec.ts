import { DEFAULT_OUTBOUND_POLICY, SecretBox, providerKeyContext, type OutboundPolicy } from '@switchyard/config';
import { Dialect, ErrorKind, ResponseEvent, Role, type GenerateRequest, type Target, type Timeouts } from '@switchyard/ir';
import { UPSTREAM_FAULTS } from '@switchyard/providers';
import { metricSeries } from '@switchyard/telemetry';
import { ProviderSimulator } from '@switchyard/testing';
import { Logger } from '@nestjs/common';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { UpstreamService } from './upstream.service';

// The adapter against the provider simulator over real HTTP: every upstream failure must end
// as one error event (never an exception), with the right kind and retryability.

// An upstream key with no recognisable shape: only the exact-value redaction can catch it.
const UPSTREAM_KEY = 'opaque-upstream-credential-41c7d2';

function request(sim: ProviderSimulator, stream: boolean, timeouts: Omit<Timeouts, 'idleMs'> = { connectMs: 1000, firstTokenMs: 1500, totalMs: 5000 }): Required<GenerateRequest> {
  return {
    request: { model: 'public', stream, messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'hello', signature: '' } }, cacheControlJson: '' }], name: '' }], system: [], tools: [], includeUsage: false, droppedParams: [] },
    target: { providerType: 'openai', baseUrl: `${sim.url}/v1`, apiKeyRef: 'sk-literal', upstreamModel: 'sim-model', deploymentId: 'd1', providerId: 'p1', optionsJson: '', passthroughJson: '' },
    timeouts: { idleMs: 0, ...timeouts },
  };
}

function withTarget(req: Required<GenerateRequest>, target: Partial<Target>): Required<GenerateRequest> {
  return { ...req, target: { ...req.target, ...target } };
}

/** Everything the service logged while `run` ran, as one string. */
async function logged<T>(run: () => Promise<T>): Promise<{ result: T; log: string }> {
  const lines: string[] = [];
  const keep = (message: unknown) => {
    lines.push(String(message));
  };
  const spies = [jest.spyOn(Logger.prototype, 'error').mockImplementation(keep), jest.spyOn(Logger.prototype, 'warn').mockImplementation(keep)];
  try {
    return { result: await run(), log: lines.join('\n') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

async function collect(it: AsyncIterable<ResponseEvent>): Promise<ResponseEvent[]> {
  const out: ResponseEvent[] = [];
  for await (const ev of it) out.push(ev);
  return out;
}

const errorOf = (events: ResponseEvent[]) => {
  const last = events[events.length - 1]?.event;
  return last?.$case === 'error' ? last.value : undefined;
};
const text = (events: ResponseEvent[]) => events.map((e) => (e.event?.$case === 'textDelta' ? e.event.value.text : '')).join('');

describe(UpstreamService.name, () => {
  let sim: ProviderSimulator;
  let sut: UpstreamService;

  // The simulator is plain http on loopback, which the outbound policy refuses by default.
  const LOCAL_UPSTREAMS: OutboundPolicy = { ...DEFAULT_OUTBOUND_POLICY, allowHttp: true, allowPrivate: true };
  beforeAll(async () => {
    sim = await ProviderSimulator.start();
  });
  beforeEach(() => {
    sim.reset();
    sut = new UpstreamService({ outbound: LOCAL_UPSTREAMS });
  });
  afterEach(() => sut.onModuleDestroy());
  afterAll(async () => {
    await sim.close();
  });

  it('times the upstream call: the usage event comes last, carrying the seconds, and the call is observed by provider and deployment', async () => {
    const before = metricSeries().upstreamDuration.find({ provider: 'p1', deployment: 'd1' })?.count ?? 0;

    const events = await collect(sut.generate(request(sim, true), new AbortController().signal));

    const last = events[events.length - 1]?.event;
    expect(last?.$case).toBe('usage');
    expect(last?.$case === 'usage' && last.value.upstreamSeconds).toBeGreaterThan(0);
    expect(metricSeries().upstreamDuration.find({ provider: 'p1', deployment: 'd1' })?.count).toBe(before + 1);
  });

  it('refuses a loopback upstream at connect time when private upstreams are not allowed: a fixed message, nothing sent', async () => {
    const strict = new UpstreamService({ outbound: { ...LOCAL_UPSTREAMS, allowPrivate: false } });
    try {
      const events = await collect(strict.generate(request(sim, false), new AbortController().signal));

      expect(errorOf(events)).toEqual({ kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, message: UPSTREAM_FAULTS['gateway-outbound'].text, retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [], upstreamSeconds: expect.any(Number) });
      expect(JSON.stringify(events)).not.toContain('127.0.0.1');
      expect(sim.requests).toHaveLength(0);
    } finally {
      await strict.onModuleDestroy();
    }
  });

  it('holds to the outbound policy it was booted with, whatever the environment says afterwards', async () => {
    const names = ['SWITCHYARD_OUTBOUND_ALLOW_HTTP', 'SWITCHYARD_OUTBOUND_ALLOW_PRIVATE', 'SWITCHYARD_OUTBOUND_ENV_PREFIX', 'SWITCHYARD_UPSTREAM_SPEC_KEY', 'LLM_SPEC_KEY'];
    Object.assign(process.env, { SWITCHYARD_OUTBOUND_ALLOW_HTTP: 'false', SWITCHYARD_OUTBOUND_ALLOW_PRIVATE: 'false', SWITCHYARD_OUTBOUND_ENV_PREFIX: 'LLM_' });
    Object.assign(process.env, { SWITCHYARD_UPSTREAM_SPEC_KEY: 'sk-under-the-booted-prefix', LLM_SPEC_KEY: 'sk-under-the-later-prefix' });
    try {
      const booted = await collect(sut.generate(withTarget(request(sim, false), { apiKeyRef: 'env:SWITCHYARD_UPSTREAM_SPEC_KEY' }), new AbortController().signal));
      const { result: later } = await logged(() => collect(sut.generate(withTarget(request(sim, false), { apiKeyRef: 'env:LLM_SPEC_KEY' }), new AbortController().signal)));

      expect(text(booted)).toBe('Hello from the simulator.');
      expect(sim.requests[0]?.headers.authorization).toBe('Bearer sk-under-the-booted-prefix');
      expect(errorOf(later)).toMatchObject({ kind: ErrorKind.ERROR_KIND_INTERNAL, retryable: false });
      expect(sim.requests).toHaveLength(1);
    } finally {
      for (const name of names) delete process.env[name];
    }
  });

  describe('connect timeout', () => {
    // A listener that takes the TCP connection and never answers the TLS handshake: undici's
    // connect timeout covers both, so an https upstream here never finishes connecting.
    const silent = new Set<Socket>();
    const server = createServer((socket) => silent.add(socket));
    let url = '';
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    });
    afterAll(async () => {
      for (const socket of silent) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it("gives up connecting after the call's own connectMs, a retryable timeout, well inside its total", async () => {
      // Were the default (5 s) applied instead, the 3 s total would end the call first, as a
      // timeout that is not retryable and without a connect failure in the log.
      const call = withTarget(request(sim, false, { connectMs: 200, firstTokenMs: 2000, totalMs: 3000 }), { baseUrl: url });

      const { result: events, log } = await logged(() => collect(sut.generate(call, new AbortController().signal)));

      expect(errorOf(events)).toMatchObject({ kind: ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT, retryable: true, message: UPSTREAM_FAULTS.timeout.text });
      expect(log).toContain('UND_ERR_CONNECT_TIMEOUT');
    });
  });

  it('calls the upstream with the translated body and the resolved key, and yields IR events', async () => {
    const events = await collect(sut.generate(request(sim, false), new AbortController().signal));
    expect(text(events)).toBe('Hello from the simulator.');
    expect(events.map((e) => e.event?.$case)).toEqual(['start', 'textDelta', 'stop', 'usage']);
    expect(sim.requests[0]?.headers.authorization).toBe('Bearer sk-literal');
    expect(sim.requests[0]?.body).toMatchObject({ model: 'sim-model' });
  });

  it("applies the provider's passthrough policy from the target: the default drops service_tier, an allow forwards it", async () => {
    const call = request(sim, false);
    call.request = { ...call.request, extensions: { dialect: Dialect.DIALECT_OPENAI, json: '{"service_tier":"priority"}' } };

    const dropped = await collect(sut.generate(call, new AbortController().signal));
    const allowed = await collect(sut.generate({ ...call, target: { ...call.target, passthroughJson: '{"allow":["service_tier"]}' } }, new AbortController().signal));

    expect(dropped[0]?.event?.$case === 'start' && dropped[0].event.value.droppedParams).toEqual(['service_tier']);
    expect(sim.requests[0]?.body).not.toHaveProperty('service_tier');
    expect(errorOf(allowed)).toBeUndefined();
    expect(sim.requests[1]?.body).toMatchObject({ service_tier: 'priority' });
  });

  it('opens a sealed upstream key only here, and fails closed on a key sealed for another provider', async () => {
    const box = new SecretBox(new Map([['k1', Buffer.alloc(32, 7)]]), 'k1');
    const sealed = new UpstreamService({ outbound: LOCAL_UPSTREAMS, secretBox: box });
    const call = request(sim, false);
    try {
      const ok = await collect(sealed.generate({ ...call, target: { ...call.target, apiKeyRef: box.seal('sk-sealed-upstream', providerKeyContext('p1')) } }, new AbortController().signal));
      const moved = await collect(sealed.generate({ ...call, target: { ...call.target, apiKeyRef: box.seal('sk-sealed-upstream', providerKeyContext('other')) } }, new AbortController().signal));

      expect(text(ok)).toBe('Hello from the simulator.');
      expect(sim.requests[0]?.headers.authorization).toBe('Bearer sk-sealed-upstream');
      expect(errorOf(moved)).toMatchObject({ kind: ErrorKind.ERROR_KIND_INTERNAL, retryable: false });
      expect(JSON.stringify(moved)).not.toContain('sk-sealed-upstream');
      expect(sim.requests).toHaveLength(1);
    } finally {
      await sealed.onModuleDestroy();
    }
  });

  it('streams deltas as they come and ends at the end marker', async () => {
    sim.script({ content: 'a b c d', chunks: 4 });
    const events = await collect(sut.generate(request(sim, true), new AbortController().signal));
    expect(text(events)).toBe('a b c d');
    expect(events.filter((e) => e.event?.$case === 'textDelta')).toHaveLength(4);
    expect(errorOf(events)).toBeUndefined();
  });

  it('maps 429 with retry-after to a retryable rate-limit error carrying the wait', async () => {
    sim.script({ error: { status: 429, retryAfter: 7 } });
    const error = errorOf(await collect(sut.generate(request(sim, false), new AbortController().signal)));
    expect(error).toMatchObject({ kind: ErrorKind.ERROR_KIND_RATE_LIMITED, providerStatus: 429, retryable: true, retryAfterMs: 7000 });
  });

  it('reports a refused connection as a retryable unavailable upstream', async () => {
    const req = request(sim, false);
    req.target = { ...req.target, baseUrl: 'http://127.0.0.1:1/v1' };
    expect(errorOf(await collect(sut.generate(req, new AbortController().signal)))).toMatchObject({ kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, retryable: true });
  });

  it('times out a slow first byte as a retryable timeout', async () => {
    sim.script({ firstByteDelayMs: 3000 });
    const error = errorOf(await collect(sut.generate(request(sim, false, { connectMs: 1000, firstTokenMs: 300, totalMs: 5000 }), new AbortController().signal)));
    expect(error).toMatchObject({ kind: ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT, retryable: true });
  });

  it('ends a stream that stalls mid-way with a timeout error after what already arrived', async () => {
    sim.script({ content: 'one two three four', chunks: 4, stallAfterChunks: 2 });
    const events = await collect(sut.generate(request(sim, true, { connectMs: 1000, firstTokenMs: 300, totalMs: 5000 }), new AbortController().signal));
    expect(text(events)).toBe('one two ');
    expect(errorOf(events)).toMatchObject({ kind: ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT, retryable: false });
  });

  it('ends a cut stream with an error event, not an exception', async () => {
    sim.script({ content: 'one two three four', chunks: 4, cutAfterChunks: 2 });
    const events = await collect(sut.generate(request(sim, true), new AbortController().signal));
    expect(text(events)).toBe('one two ');
    expect(errorOf(events)?.retryable).toBe(false);
  });

  it('ends a stream carrying a malformed line with a malformed-upstream error', async () => {
    sim.script({ content: 'one two three four', chunks: 4, garbageAfterChunks: 1 });
    const events = await collect(sut.generate(request(sim, true), new AbortController().signal));
    expect(errorOf(events)).toMatchObject({ kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, retryable: false, message: expect.stringContaining(UPSTREAM_FAULTS.malformed.text) });
  });

  it('stops quietly and aborts the upstream request when the caller aborts', async () => {
    sim.script({ content: 'w '.repeat(30).trim(), chunks: 30, chunkDelayMs: 50 });
    const abort = new AbortController();
    const events: ResponseEvent[] = [];
    for await (const ev of sut.generate(request(sim, true), abort.signal)) {
      events.push(ev);
      if (ev.event?.$case === 'textDelta') abort.abort();
    }
    expect(errorOf(events)).toBeUndefined();
    await sim.waitFor((r) => r.aborted, 3000);
  });

  describe('upstream error text', () => {
    const leaking = (key: string) => `Incorrect API key provided: Bearer ${key}. URL was http://10.1.2.3:8080/internal/v1/chat/completions`;

    it.each([false, true])('answers an upstream 401 with the fixed text, the status and the request id (stream %s), and logs the body redacted', async (stream) => {
      sim.script({ error: { status: 401, message: leaking(UPSTREAM_KEY), code: 'invalid_api_key', headers: { 'x-request-id': 'req_abc123' } } });
      const req = withTarget(request(sim, stream), { apiKeyRef: UPSTREAM_KEY });

      const { result: events, log } = await logged(() => collect(sut.generate(req, new AbortController().signal)));

      expect(errorOf(events)).toMatchObject({
        kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR,
        providerStatus: 401,
        retryable: false,
        message: `${UPSTREAM_FAULTS['gateway-credentials'].text} (upstream status 401, upstream request id req_abc123)`,
      });
      expect(JSON.stringify(events)).not.toMatch(/opaque-upstream|10\.1\.2\.3|Bearer/);
      expect(log).toContain('p1');
      expect(log).toContain('10.1.2.3');
      expect(log).toContain('Bearer [redacted]');
      expect(log).not.toContain(UPSTREAM_KEY);
    });

    it('keeps an error event inside a stream to the fixed text', async () => {
      sim.script({ content: 'one two three', chunks: 3, error: { status: 500, message: `boom ${UPSTREAM_KEY}`, afterChunks: 1 } });
      const req = withTarget(request(sim, true), { apiKeyRef: UPSTREAM_KEY });

      const { result: events, log } = await logged(() => collect(sut.generate(req, new AbortController().signal)));

      expect(text(events)).toBe('one ');
      expect(errorOf(events)?.message).toContain(UPSTREAM_FAULTS['stream-error'].text);
      expect(JSON.stringify(events)).not.toContain(UPSTREAM_KEY);
      expect(log).toContain('boom [redacted]');
    });

    it('passes on no request id for Gemini, which documents none, and a sane one for Anthropic', async () => {
      sim.script({ error: { status: 403, message: 'denied', headers: { 'x-request-id': 'req_should_not_be_used' } } });
      sim.script({ error: { status: 529, type: 'overloaded_error', message: 'Overloaded' } });
      const gemini = withTarget(request(sim, false), { providerType: 'gemini', baseUrl: sim.url });
      const anthropic = withTarget(request(sim, false), { providerType: 'anthropic', baseUrl: sim.url });

      const { result } = await logged(async () => [errorOf(await collect(sut.generate(gemini, new AbortController().signal))), errorOf(await collect(sut.generate(anthropic, new AbortController().signal)))]);

      expect(result[0]?.message).toBe(`${UPSTREAM_FAULTS['gateway-credentials'].text} (upstream status 403)`);
      expect(result[1]?.message).toMatch(/^The upstream provider is overloaded; retry later\. \(upstream status 529, upstream request id [\w-]+\)$/);
    });

    it('answers a deployment the adapter cannot serve with the gateway-at-fault text, naming nothing internal', async () => {
      const { result: events, log } = await logged(() => collect(sut.generate(withTarget(request(sim, false), { providerType: 'mystery' }), new AbortController().signal)));

      expect(errorOf(events)).toMatchObject({ kind: ErrorKind.ERROR_KIND_INTERNAL, message: UPSTREAM_FAULTS['gateway-misconfigured'].text });
      expect(log).toContain('provider type "mystery" is not served');
    });

    it('answers a refused connection with the fixed text, the address only in the log', async () => {
      const { result: events, log } = await logged(() => collect(sut.generate(withTarget(request(sim, false), { baseUrl: 'http://127.0.0.1:1/v1' }), new AbortController().signal)));

      expect(errorOf(events)?.message).toBe(UPSTREAM_FAULTS.unreachable.text);
      expect(log).toContain('ECONNREFUSED');
    });
  });

  describe('answer size limits', () => {
    let small: UpstreamService;
    beforeEach(() => {
      small = new UpstreamService({ outbound: LOCAL_UPSTREAMS, limits: { jsonBytes: 64 * 1024, streamBytes: 256 * 1024, eventBytes: 32 * 1024 } });
    });
    afterEach(() => small.onModuleDestroy());

    it('ends a JSON answer past the limit with an answer-too-large error', async () => {
      sim.script({ content: 'x'.repeat(200 * 1024) });

      const { result: events } = await logged(() => collect(small.generate(request(sim, false), new AbortController().signal)));

      expect(errorOf(events)).toMatchObject({ kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, retryable: false, message: expect.stringContaining(UPSTREAM_FAULTS['response-too-large'].text) });
    });

    it('reads a JSON answer under the limit as usual', async () => {
      sim.script({ content: 'x'.repeat(32 * 1024) });

      expect(text(await collect(small.generate(request(sim, false), new AbortController().signal)))).toHaveLength(32 * 1024);
    });

    it('ends an endless stream past its total with an error event after what was relayed', async () => {
      sim.script({ endless: 'deltas' });

      const { result: events } = await logged(() => collect(small.generate(request(sim, true), new AbortController().signal)));

      expect(text(events).length).toBeGreaterThan(0);
      expect(errorOf(events)?.message).toContain(UPSTREAM_FAULTS['response-too-large'].text);
      await sim.waitFor((r) => r.aborted, 3000);
    });

    it('ends a stream whose one line never ends once the line passes the event limit', async () => {
      sim.script({ endless: 'line' });

      const { result: events, log } = await logged(() => collect(small.generate(request(sim, true), new AbortController().signal)));

      expect(errorOf(events)?.message).toContain(UPSTREAM_FAULTS['response-too-large'].text);
      expect(log).toContain('32768');
      await sim.waitFor((r) => r.aborted, 3000);
    });

    it('applies the JSON limit to embeddings too', async () => {
      // 400 inputs of 64 floats is ~400 KB of JSON, past the 64 KiB limit.
      const embed = await logged(() =>
        small.embed(
          {
            request: { model: 'public', inputs: Array.from({ length: 400 }, () => ({ text: 'hello', tokens: [] })), dimensions: 64, taskType: '', title: '', droppedParams: [] },
            target: request(sim, false).target,
            timeouts: request(sim, false).timeouts,
          },
          new AbortController().signal,
        ),
      );

      expect(embed.result.error).toMatchObject({ message: expect.stringContaining(UPSTREAM_FAULTS['response-too-large'].text) });
    });
  });
});
