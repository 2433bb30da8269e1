import { SecretBox, providerKeyContext } from '@switchyard/config';
import { ErrorKind, ResponseEvent, Role, type GenerateRequest } from '@switchyard/ir';
import { ProviderSimulator } from '@switchyard/testing';
import { UpstreamService } from './upstream.service';

// The adapter against the provider simulator over real HTTP: every upstream failure must end
// as one error event (never an exception), with the right kind and retryability.

function request(sim: ProviderSimulator, stream: boolean, timeouts = { connectMs: 1000, firstTokenMs: 1500, totalMs: 5000 }): GenerateRequest {
  return {
    request: { model: 'public', stream, messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'hello' } } }] }] },
    target: { providerType: 'openai', baseUrl: `${sim.url}/v1`, apiKeyRef: 'sk-literal', upstreamModel: 'sim-model', deploymentId: 'd1', providerId: 'p1' },
    timeouts,
  };
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

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
  });
  beforeEach(() => {
    sim.reset();
    sut = new UpstreamService(1000);
  });
  afterEach(() => sut.onModuleDestroy());
  afterAll(() => sim.close());

  it('calls the upstream with the translated body and the resolved key, and yields IR events', async () => {
    const events = await collect(sut.generate(request(sim, false), new AbortController().signal));
    expect(text(events)).toBe('Hello from the simulator.');
    expect(events.map((e) => e.event?.$case)).toEqual(['start', 'textDelta', 'stop', 'usage']);
    expect(sim.requests[0]?.headers.authorization).toBe('Bearer sk-literal');
    expect(sim.requests[0]?.body).toMatchObject({ model: 'sim-model' });
  });

  it('opens a sealed upstream key only here, and fails closed on a key sealed for another provider', async () => {
    const box = new SecretBox(new Map([['k1', Buffer.alloc(32, 7)]]), 'k1');
    const sealed = new UpstreamService(1000, box);
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
    expect(errorOf(events)).toMatchObject({ kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, retryable: false });
    expect(errorOf(events)?.message).toContain('malformed upstream response');
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
});
