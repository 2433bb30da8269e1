import { ErrorKind, GenerateRequest, ResponseEvent } from '@switchyard/ir';
import { DEFAULT_ROUTING } from '@switchyard/config';
import { UPSTREAM_FAULTS } from '@switchyard/providers';
import { CatalogueSource, ModelEntry } from './catalogue.types';
import { MODELS, ScriptedAdapter, VLLM, collect, deployment, failure, hello, overloaded, rateLimited, request, scriptedRouter, started, stopped, strip, pinRandomEachTest } from './router.harness';
import { RouterService } from './router.service';

describe(RouterService.name, () => {
  let adapter: ScriptedAdapter;
  let sut: RouterService;

  async function routerWith(...args: Parameters<typeof scriptedRouter>): Promise<void> {
    ({ sut, adapter } = await scriptedRouter(...args));
  }

  pinRandomEachTest();

  it('keeps the newer catalogue when an older, slower load finishes last', async () => {
    let releaseOld: () => void = () => undefined;
    const gate = new Promise<void>((r) => (releaseOld = r));
    const snapshots = [MODELS.slice(0, 1), MODELS];
    let call = 0;
    const source: CatalogueSource = {
      async load() {
        const models = snapshots[call++] ?? [];
        if (call === 1) await gate;
        return { models: new Map(models.map((m) => [m.name, m])) };
      },
    };
    sut = new RouterService(source, new Map(), DEFAULT_ROUTING);

    const older = sut.reload();
    await sut.reload();
    releaseOld();
    await older;

    expect((await sut.listModels()).models?.map((m) => m.name)).toEqual(MODELS.map((m) => m.name));
  });

  it('keeps serving the last catalogue it loaded when a reload fails (the database unreachable)', async () => {
    let failing = false;
    const source: CatalogueSource = {
      load() {
        if (failing) return Promise.reject(new Error('connect ECONNREFUSED 10.0.0.9:5432'));
        return Promise.resolve({ models: new Map(MODELS.map((m) => [m.name, m])) });
      },
    };
    sut = new RouterService(source, new Map(), DEFAULT_ROUTING);
    await sut.reload();
    failing = true;

    await expect(sut.reload()).rejects.toThrow('ECONNREFUSED');

    expect((await sut.listModels()).models?.map((m) => m.name)).toEqual(MODELS.map((m) => m.name));
  });

  it('answers an unknown model with NOT_FOUND naming the model, without calling an adapter', async () => {
    await routerWith([]);

    const events = await collect(sut.route(request('gpt-5'), new AbortController().signal));

    expect(events).toStrictEqual([
      { event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_NOT_FOUND, message: 'The model `gpt-5` does not exist or is not served here.', param: 'model', retryable: false, providerStatus: 0, retryAfterMs: 0, attemptLog: [] } } },
    ]);
    expect(adapter.calls).toHaveLength(0);
  });

  it('sends the deployment target and the configured timeouts to the adapter of the provider family', async () => {
    await routerWith([[started, stopped]]);

    await collect(sut.route(request('gpt-4o'), new AbortController().signal));

    expect(adapter.calls).toStrictEqual<GenerateRequest[]>([
      {
        request: request('gpt-4o'),
        target: {
          deploymentId: 'gpt-4o@openai',
          providerId: 'openai-eu',
          providerType: 'openai',
          baseUrl: 'https://api.openai.com/v1',
          apiKeyRef: 'env:OPENAI_KEY_1',
          upstreamModel: 'gpt-4o-2024-08-06',
          optionsJson: '{"organization":"org-5tQ"}',
          passthroughJson: '{"allow":["service_tier"]}',
        },
        timeouts: { connectMs: 5000, firstTokenMs: 30000, idleMs: 30000, totalMs: 600000 },
      },
    ]);
  });

  it('stamps the start event with the public model, the deployment and the attempt count', async () => {
    await routerWith([[rateLimited], [started, hello, stopped]]);

    const events = await collect(sut.route(request('gpt-4o'), new AbortController().signal));

    expect(events).toStrictEqual([
      {
        event: {
          $case: 'start',
          value: {
            id: 'chatcmpl-C3kX',
            model: 'gpt-4o',
            providerId: 'vllm-gpu',
            deploymentId: 'gpt-4o@vllm',
            upstreamModel: 'Qwen/Qwen3-32B',
            attempts: 2,
            attemptLog: [
              { deploymentId: 'gpt-4o@openai', providerId: 'openai-eu', model: 'gpt-4o', outcome: 'rate_limited', status: 429, durationMs: expect.any(Number), hedge: false, region: 'eu' },
              { deploymentId: 'gpt-4o@vllm', providerId: 'vllm-gpu', model: 'gpt-4o', outcome: 'ok', durationMs: expect.any(Number), hedge: false, status: 0, region: 'eu' },
            ],
            droppedParams: [],
            cacheHit: false,
            deploymentRegion: 'eu',
            upstreamFamily: 'openai',
          },
        },
      },
      hello,
      stopped,
    ]);
  });


  it('retries a retryable error on another deployment before anything was forwarded', async () => {
    await routerWith([[rateLimited], [started, hello, stopped]]);

    const events = await collect(sut.route(request('gpt-4o'), new AbortController().signal));

    expect(adapter.deployments).toStrictEqual(['gpt-4o@openai', 'gpt-4o@vllm']);
    expect(events.map((e) => e.event?.$case)).toStrictEqual(['start', 'textDelta', 'stop']);
  });

  it('never retries once events went to the client', async () => {
    await routerWith([[started, hello, rateLimited], [started, hello, stopped]]);

    const events = await collect(sut.route(request('gpt-4o'), new AbortController().signal));

    expect(adapter.calls).toHaveLength(1);
    expect(events.slice(1)).toStrictEqual([hello, rateLimited]);
  });

  it('forwards a non-retryable error at once', async () => {
    await routerWith([[failure(false)], [started, stopped]]);

    const events = await collect(sut.route(request('gpt-4o'), new AbortController().signal));

    expect(strip(events)).toStrictEqual([failure(false)]);
    expect(adapter.calls).toHaveLength(1);
  });

  it('gives up after the configured retries with the last error, cycling through the deployments', async () => {
    const last = overloaded('upstream returned 503 (third time)');
    await routerWith([[overloaded()], [overloaded()], [last], [started, stopped]]);

    const events = await collect(sut.route(request('gpt-4o'), new AbortController().signal));

    expect(adapter.deployments).toStrictEqual(['gpt-4o@openai', 'gpt-4o@vllm', 'gpt-4o@openai']);
    expect(strip(events)).toStrictEqual([last]);
  });

  it('falls back to the next priority tier', async () => {
    await routerWith([[rateLimited], [started, stopped]]);

    await collect(sut.route(request('tiered'), new AbortController().signal));

    expect(adapter.deployments).toStrictEqual(['primary', 'backup']);
  });

  it('picks deployments in proportion to their weights', async () => {
    await routerWith([[started], [started], [started]]);
    const draws = [0.2, 0.3, 0.99];

    for (const r of draws) {
      jest.spyOn(Math, 'random').mockReturnValue(r);
      await collect(sut.route(request('gpt-4o'), new AbortController().signal));
    }

    // Weights 1 and 3: a draw below 0.25 lands on the first deployment.
    expect(adapter.deployments).toStrictEqual(['gpt-4o@openai', 'gpt-4o@vllm', 'gpt-4o@vllm']);
  });

  it('rotates through the API keys of a provider', async () => {
    await routerWith([[started], [started], [started]]);

    for (let i = 0; i < 3; i++) await collect(sut.route(request('gpt-4o'), new AbortController().signal));

    expect(adapter.calls.map((c) => c.target?.apiKeyRef)).toStrictEqual(['env:OPENAI_KEY_1', 'env:OPENAI_KEY_2', 'env:OPENAI_KEY_1']);
  });

  it('moves to another deployment at once when one answers 429 with retry-after: that one cools down instead', async () => {
    jest.useFakeTimers();
    await routerWith([[failure(true, 2000)], [started, stopped]]);

    const done = collect(sut.route(request('gpt-4o'), new AbortController().signal));
    await jest.advanceTimersByTimeAsync(0);

    expect(adapter.deployments).toStrictEqual(['gpt-4o@openai', 'gpt-4o@vllm']);
    expect((await done).map((e) => e.event?.$case)).toStrictEqual(['start', 'stop']);
  });

  it('waits the retry-after before trying the same deployment again', async () => {
    jest.useFakeTimers();
    const only: ModelEntry = { name: 'solo', fallbacks: [], tiers: [[deployment('solo@vllm', VLLM, 1)]], created: 1 };
    // A 503 with retry-after: a failure, not a cooldown (the breaker needs more to open).
    const busy: ResponseEvent = { event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_OVERLOADED, providerStatus: 503, message: 'busy', retryable: true, retryAfterMs: 2000, param: '', attemptLog: [] } } };
    await routerWith([[busy], [started, stopped]], [only], { outlier: { consecutiveFailures: 5, ejectMs: 30_000, maxEjectMs: 300_000 } });

    const done = collect(sut.route(request('solo'), new AbortController().signal));
    await jest.advanceTimersByTimeAsync(1999);
    const callsBefore = adapter.calls.length;
    await jest.advanceTimersByTimeAsync(1);

    expect(callsBefore).toBe(1);
    expect((await done).map((e) => e.event?.$case)).toStrictEqual(['start', 'stop']);
    expect(adapter.calls).toHaveLength(2);
  });

  it('stops without another attempt when the client hangs up during the backoff', async () => {
    jest.useFakeTimers();
    jest.spyOn(Math, 'random').mockReturnValue(0.99);
    await routerWith([[overloaded()], [started, stopped]]);
    const client = new AbortController();

    const done = collect(sut.route(request('gpt-4o'), client.signal));
    await jest.advanceTimersByTimeAsync(10);
    client.abort();

    expect(await done).toStrictEqual([]);
    expect(adapter.calls).toHaveLength(1);
  });

  it('answers a provider type without an adapter as unavailable, with the gateway-at-fault text', async () => {
    await routerWith([]);

    const events = await collect(sut.route(request('exotic'), new AbortController().signal));

    expect(strip(events)).toStrictEqual([
      { event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: UPSTREAM_FAULTS['gateway-misconfigured'].text, retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] } } },
    ]);
  });

  it('answers a model without deployments as unavailable', async () => {
    await routerWith([]);

    const events = await collect(sut.route(request('empty'), new AbortController().signal));

    expect(strip(events)).toStrictEqual([
      { event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: 'no deployment of empty is available', retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] } } },
    ]);
  });

  it('lists the catalogue models as owned by switchyard', async () => {
    await routerWith([]);

    expect(await sut.listModels()).toStrictEqual({
      models: [
        { name: 'gpt-4o', ownedBy: 'switchyard', created: 1715367049 },
        { name: 'tiered', ownedBy: 'switchyard', created: 1715367050 },
        { name: 'exotic', ownedBy: 'switchyard', created: 1715367051 },
        { name: 'empty', ownedBy: 'switchyard', created: 1715367052 },
      ],
    });
  });
});
