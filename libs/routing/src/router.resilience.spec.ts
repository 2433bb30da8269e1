import { ChatRequest, Dialect, ErrorKind, ResponseEvent, Role } from '@switchyard/ir';
import { MemoryResponseCache } from '@switchyard/cache';
import { DeploymentEntry, ModelEntry } from './catalogue.types';
import { OPENAI_EU, ScriptedAdapter, VLLM, collect, deployment, failure, hello, overloaded, request, scriptedRouter, started, stopped, strip, pinRandomEachTest } from './router.harness';
import { RouterService } from './router.service';

describe(`${RouterService.name}: resilience (issue 5)`, () => {
  let adapter: ScriptedAdapter;
  let sut: RouterService;

  async function routerWith(...args: Parameters<typeof scriptedRouter>): Promise<void> {
    ({ sut, adapter } = await scriptedRouter(...args));
  }

  pinRandomEachTest();
  const EU = { ...VLLM, id: 'sim-eu', region: 'eu' };
  const US = { ...VLLM, id: 'sim-us', region: 'us' };
  function model(name: string, deployments: DeploymentEntry[], extra: Partial<ModelEntry> = {}): ModelEntry {
    return { name, fallbacks: [], tiers: [deployments], created: 1, ...extra };
  }
  const a = deployment('a', OPENAI_EU, 1);
  const b = deployment('b', VLLM, 1);
  const ok: ResponseEvent[] = [started, hello, stopped];
  const outcomes = (events: ResponseEvent[]) => {
    const last = events[events.length - 1]?.event;
    const first = events[0]?.event;
    const log = last?.$case === 'error' ? last.value.attemptLog : first?.$case === 'start' ? first.value.attemptLog : [];
    return (log ?? []).map((x) => `${x.model}/${x.providerId}:${x.outcome}${x.hedge ? '+hedge' : ''}`);
  };

  it('keeps a 429ed deployment out of rotation for its retry-after', async () => {
    await routerWith([[failure(true, 60_000)], ok, ok, ok], [model('m', [a, b])]);
    for (let i = 0; i < 3; i++) await collect(sut.route(request('m'), new AbortController().signal));

    expect(adapter.deployments).toStrictEqual(['a', 'b', 'b', 'b']);
    expect((await sut.healthState()).deployments?.find((d) => d.deploymentId === 'a')?.cooldownUntil).toBeGreaterThan(Date.now());
  });

  it('cools a deployment down once per 429: the documented 1 s without retry-after, not twice that', async () => {
    const t0 = Date.parse('2026-11-22T06:00:00Z');
    jest.spyOn(Date, 'now').mockReturnValue(t0);
    await routerWith([[failure(true, 0)], ok], [model('m', [a, b])]);

    await collect(sut.route(request('m'), new AbortController().signal));

    expect((await sut.healthState()).deployments?.find((d) => d.deploymentId === 'a')?.cooldownUntil).toBe(t0 + 1000);
  });

  it('opens the circuit of a failing deployment, reports it, and sends the traffic elsewhere', async () => {
    const breaker = { windowMs: 60_000, minRequests: 2, failureRate: 0.5, openMs: 60_000, halfOpenRequests: 1 };
    await routerWith([[overloaded()], ok, [overloaded()], ok, ok, ok], [model('m', [a, b])], { circuitBreaker: breaker });
    for (let i = 0; i < 4; i++) await collect(sut.route(request('m'), new AbortController().signal));

    // a fails twice (2 of 2 requests: open), then only b is asked.
    expect(adapter.deployments).toStrictEqual(['a', 'b', 'a', 'b', 'b', 'b']);
    expect((await sut.healthState()).deployments?.find((d) => d.deploymentId === 'a')).toMatchObject({ circuit: 'open', windowFailures: 2 });
  });

  it('falls back along the model chain, each hop in the attempt log', async () => {
    const x = model('x', [a], { fallbacks: ['y'] });
    const y = model('y', [b]);
    await routerWith([[overloaded()], ok], [x, y], { retries: 0 });

    const events = await collect(sut.route(request('x'), new AbortController().signal));

    expect(adapter.deployments).toStrictEqual(['a', 'b']);
    expect(outcomes(events)).toStrictEqual(['x/openai-eu:overloaded', 'y/vllm-gpu:ok']);
    expect(events[0]).toMatchObject({ event: { $case: 'start', value: { model: 'x', deploymentId: 'b' } } });
  });

  it('sends a prompt too long for the model to its context fallback, and an upstream context error too', async () => {
    const small = model('small', [a], { contextWindow: 3, contextFallback: 'big' });
    const big = model('big', [b]);
    const long: ChatRequest = { ...request('small'), messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'x'.repeat(100), signature: '' } }, cacheControlJson: '' }], name: '' }] };
    await routerWith([ok, [{ event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_CONTEXT_LENGTH, providerStatus: 400, message: 'too long', retryable: false, retryAfterMs: 0, param: '', attemptLog: [] } } }], ok], [small, big]);

    const direct = await collect(sut.route(long, new AbortController().signal));
    const bounced = await collect(sut.route(request('small'), new AbortController().signal));

    expect(outcomes(direct)).toStrictEqual(['small/:context_window_exceeded', 'big/vllm-gpu:ok']);
    expect(outcomes(bounced)).toStrictEqual(['small/openai-eu:context_length', 'big/vllm-gpu:ok']);
    expect(adapter.deployments).toStrictEqual(['b', 'a', 'b']);
  });

  it('does not retry when the retry budget is spent', async () => {
    await routerWith([[overloaded()], ok], [model('m', [a, b])], { retryBudget: { ratio: 0, minPerSecond: 0 } });

    const events = await collect(sut.route(request('m'), new AbortController().signal));

    expect(adapter.deployments).toStrictEqual(['a']);
    expect(outcomes(events)).toStrictEqual(['m/openai-eu:overloaded', 'm/vllm-gpu:retry_budget_exhausted']);
    expect((await sut.healthState()).retriesRefused).toBe(1);
  });

  it("serves a tenant only from its regions", async () => {
    const eu = deployment('eu', EU, 1);
    const us = deployment('us', US, 100);
    await routerWith([ok, ok], [model('m', [us, eu])]);
    const req = { ...request('m'), meta: { requestId: '', clientRequestId: '', tenantId: '', keyId: '', endUserId: '', region: '', dialect: Dialect.DIALECT_UNSPECIFIED, cacheMode: '', allowedRegions: ['eu'] } };

    await collect(sut.route(req, new AbortController().signal));
    await collect(sut.route({ ...req, meta: { allowedRegions: ['ap'], requestId: '', tenantId: '', keyId: '', endUserId: '', region: '', dialect: Dialect.DIALECT_UNSPECIFIED, cacheMode: '', clientRequestId: '' } }, new AbortController().signal)).then((events) =>
      expect(strip(events)).toMatchObject([
        { event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_PERMISSION, param: 'model', message: expect.stringContaining('may only be served in the regions ap;') } } },
      ]),
    );
    await expect(sut.embed({ model: 'm', inputs: [{ text: 'x', tokens: [] }], meta: { allowedRegions: ['ap'], requestId: '', tenantId: '', keyId: '', endUserId: '', region: '', dialect: Dialect.DIALECT_UNSPECIFIED, cacheMode: '', clientRequestId: '' }, taskType: '', title: '', droppedParams: [] }, new AbortController().signal)).resolves.toMatchObject({
      error: { kind: ErrorKind.ERROR_KIND_PERMISSION },
    });

    expect(adapter.deployments).toStrictEqual(['eu']);
  });

  it('picks the cheapest deployment with lowest-cost', async () => {
    const dear = { ...deployment('dear', OPENAI_EU, 10), price: { inputPerMTok: 5, outputPerMTok: 15 } };
    const cheap = { ...deployment('cheap', VLLM, 1), price: { inputPerMTok: 0.1, outputPerMTok: 0.4 } };
    await routerWith([ok], [model('m', [dear, cheap], { strategy: 'lowest-cost' })]);

    await collect(sut.route(request('m'), new AbortController().signal));

    expect(adapter.deployments).toStrictEqual(['cheap']);
  });

  it('hedges a slow first token on another deployment, keeps the faster answer and cancels the other', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    await routerWith([{ delayMs: 5_000, events: ok }, ok], [model('m', [a, b], { hedge: { afterMs: 20 } })]);

    const events = await collect(sut.route(request('m'), new AbortController().signal));

    expect(events.map((e) => e.event?.$case)).toStrictEqual(['start', 'textDelta', 'stop']);
    expect(events[0]).toMatchObject({ event: { value: { deploymentId: 'b' } } });
    expect(outcomes(events)).toStrictEqual(['m/openai-eu:hedge_lost', 'm/vllm-gpu:ok+hedge']);
    expect(adapter.aborted).toStrictEqual(['a']);
  });

  it('answers a repeated question from the cache, per tenant, unless the client opts out', async () => {
    const cache = new MemoryResponseCache({ maxBytes: 1 << 20, maxEntryBytes: 1 << 16 });
    const usage: ResponseEvent = { event: { $case: 'usage', value: { inputTokens: 5, outputTokens: 2, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 } } };
    await routerWith([[started, hello, stopped, usage], ok, ok], [model('m', [a], { cacheTtlSeconds: 60 })], {}, cache);
    const ask = (tenantId: string, cacheMode = '') => collect(sut.route({ ...request('m'), meta: { tenantId, cacheMode, requestId: '', keyId: '', endUserId: '', region: '', dialect: Dialect.DIALECT_UNSPECIFIED, allowedRegions: [], clientRequestId: '' } }, new AbortController().signal));

    const first = await ask('acme');
    const second = await ask('acme');
    await ask('globex');
    await ask('acme', 'no-store');

    expect(first[0]?.event?.$case === 'start' && first[0].event.value.cacheHit).toBeFalsy();
    expect(second[0]).toMatchObject({ event: { $case: 'start', value: { cacheHit: true, attempts: 0, model: 'm' } } });
    // Replayed through the protobuf codec: the same events, defaults filled in.
    expect(second.slice(1)).toMatchObject([hello, stopped, usage]);
    expect(adapter.calls).toHaveLength(3);
    await cache.close();
  });
});
