import { AdapterPort, ChatRequest, CountTokensResponse, EmbedGenerateRequest, EmbedResponse, ErrorEvent, ErrorKind, FinishReason, GenerateRequest, ResponseEvent, Role } from '@switchyard/ir';
import { MemoryResponseCache } from '@switchyard/cache';
import { DEFAULT_ROUTING, type RoutingConfig } from '@switchyard/config';
import { CatalogueSnapshot, CatalogueSource, DeploymentEntry, ModelEntry, ProviderEntry } from './catalogue.types';
import { RouterService } from './router.service';
import { UPSTREAM_FAULTS } from '@switchyard/providers';

const OPENAI_EU: ProviderEntry = {
  id: 'openai-eu',
  type: 'openai',
  baseUrl: 'https://api.openai.com/v1',
  apiKeys: ['env:OPENAI_KEY_1', 'env:OPENAI_KEY_2'],
  region: 'eu',
  optionsJson: '{"organization":"org-5tQ"}',
  passthroughJson: '{"allow":["service_tier"]}',
};
const VLLM: ProviderEntry = { id: 'vllm-gpu', type: 'openai-compatible', baseUrl: 'http://vllm:8000/v1', apiKeys: [], region: 'eu', optionsJson: '{}' };
const COHERE: ProviderEntry = { id: 'cohere', type: 'cohere', baseUrl: 'https://api.cohere.com/v2', apiKeys: ['env:COHERE_KEY'], region: 'us', optionsJson: '{}' };

function deployment(id: string, provider: ProviderEntry, weight: number, priority = 0): DeploymentEntry {
  return { id, provider, upstreamModel: provider === VLLM ? 'Qwen/Qwen3-32B' : 'gpt-4o-2024-08-06', weight, priority };
}

// With Math.random at 0 the picker takes the first untried deployment of the best tier.
const MODELS: ModelEntry[] = [
  { name: 'gpt-4o', fallbacks: [], tiers: [[deployment('gpt-4o@openai', OPENAI_EU, 1), deployment('gpt-4o@vllm', VLLM, 3)]], created: 1715367049 },
  { name: 'tiered', fallbacks: [], tiers: [[deployment('primary', OPENAI_EU, 1)], [deployment('backup', VLLM, 1, 1)]], created: 1715367050 },
  { name: 'exotic', fallbacks: [], tiers: [[deployment('exotic@cohere', COHERE, 1)]], created: 1715367051 },
  { name: 'empty', fallbacks: [], tiers: [], created: 1715367052 },
];

class InMemoryCatalogue implements CatalogueSource {
  constructor(private readonly models: ModelEntry[] = MODELS) {}

  async load(): Promise<CatalogueSnapshot> {
    return { models: new Map(this.models.map((m) => [m.name, m])) };
  }
}

/** A turn that answers only after `ms`, or never if aborted first (a slow first byte). */
type SlowTurn = { delayMs: number; events: ResponseEvent[] };

/** Error events lose their attempt log, start events theirs, so older expectations stay readable. */
function strip(events: ResponseEvent[]): ResponseEvent[] {
  return events.map((e) => {
    if (e.event?.$case === 'error') {
      const { attemptLog: _log, ...value } = e.event.value;
      return { event: { $case: 'error', value } };
    }
    if (e.event?.$case === 'start') {
      const { attemptLog: _log, ...value } = e.event.value;
      return { event: { $case: 'start', value } };
    }
    return e;
  });
}

/** Answers each generate() with the next scripted turn and records what it was asked. */
class ScriptedAdapter implements AdapterPort {
  readonly calls: GenerateRequest[] = [];
  readonly aborted: string[] = [];
  constructor(private readonly turns: (ResponseEvent[] | SlowTurn)[]) {}

  async *generate(request: GenerateRequest, signal?: AbortSignal): AsyncIterable<ResponseEvent> {
    this.calls.push(request);
    const turn = this.turns[this.calls.length - 1] ?? [];
    if (!Array.isArray(turn)) {
      const ok = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(true), turn.delayMs);
        signal?.addEventListener('abort', () => {
          clearTimeout(t);
          resolve(false);
        });
      });
      if (!ok) {
        this.aborted.push(request.target?.deploymentId ?? '');
        return;
      }
      for (const e of structuredClone(turn.events)) yield e;
      return;
    }
    for (const e of structuredClone(turn)) yield e;
  }

  /** Unary calls answer with the scripted turn's error, or succeed when it has none. */
  async embed(request: EmbedGenerateRequest): Promise<EmbedResponse> {
    const error = this.unaryError({ target: request.target });
    return error ? { error } : { embeddings: [{ index: 0, values: [0.25] }] };
  }

  async countTokens(request: GenerateRequest): Promise<CountTokensResponse> {
    const error = this.unaryError(request);
    return error ? { error } : { inputTokens: 7, estimated: false };
  }

  private unaryError(request: GenerateRequest): ErrorEvent | undefined {
    this.calls.push(request);
    const turn = this.turns[this.calls.length - 1] ?? [];
    const ev = (Array.isArray(turn) ? turn : turn.events).find((e) => e.event?.$case === 'error');
    return ev?.event?.$case === 'error' ? ev.event.value : undefined;
  }

  get deployments(): (string | undefined)[] {
    return this.calls.map((c) => c.target?.deploymentId);
  }
}

const started: ResponseEvent = { event: { $case: 'start', value: { id: 'chatcmpl-C3kX', model: 'upstream-echo' } } };
const hello: ResponseEvent = { event: { $case: 'textDelta', value: { text: 'Hello', choice: 0 } } };
const stopped: ResponseEvent = { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_STOP, rawReason: 'stop', choice: 0 } } };

function failure(retryable: boolean, retryAfterMs = 0): ResponseEvent {
  const value: ErrorEvent = retryable
    ? { kind: ErrorKind.ERROR_KIND_RATE_LIMITED, providerStatus: 429, message: 'upstream returned 429', retryable, retryAfterMs }
    : { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, providerStatus: 400, message: 'upstream returned 400', retryable, retryAfterMs };
  return { event: { $case: 'error', value } };
}
const rateLimited = failure(true);

function overloaded(message = 'upstream returned 503'): ResponseEvent {
  return { event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_OVERLOADED, providerStatus: 503, message, retryable: true, retryAfterMs: 0 } } };
}

function request(model: string): ChatRequest {
  return { model, messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'Hi' } } }] }], stream: true };
}

async function collect(events: AsyncIterable<ResponseEvent>): Promise<ResponseEvent[]> {
  const out: ResponseEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

describe(RouterService.name, () => {
  let adapter: ScriptedAdapter;
  let sut: RouterService;

  async function routerWith(turns: (ResponseEvent[] | SlowTurn)[], models: ModelEntry[] = MODELS, config: Partial<RoutingConfig> = {}, cache?: MemoryResponseCache): Promise<void> {
    adapter = new ScriptedAdapter(turns);
    sut = new RouterService(new InMemoryCatalogue(models), new Map([['openai', adapter]]), { ...DEFAULT_ROUTING, ...config }, cache);
    await sut.reload();
  }

  beforeEach(() => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

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

  it('answers an unknown model with NOT_FOUND naming the model, without calling an adapter', async () => {
    await routerWith([]);

    const events = await collect(sut.route(request('gpt-5'), new AbortController().signal));

    expect(events).toStrictEqual([
      { event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_NOT_FOUND, message: 'The model `gpt-5` does not exist or is not served here.', param: 'model', retryable: false } } },
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
              { deploymentId: 'gpt-4o@openai', providerId: 'openai-eu', model: 'gpt-4o', outcome: 'rate_limited', status: 429, durationMs: expect.any(Number), hedge: false },
              { deploymentId: 'gpt-4o@vllm', providerId: 'vllm-gpu', model: 'gpt-4o', outcome: 'ok', durationMs: expect.any(Number), hedge: false },
            ],
          },
        },
      },
      hello,
      stopped,
    ]);
  });

  it('retries embeddings and token counts like chat, stamping who answered', async () => {
    // The 429 puts gpt-4o@openai in cooldown, so the token count goes straight to vLLM.
    await routerWith([[rateLimited], [], []]);
    const signal = new AbortController().signal;

    const embedded = await sut.embed({ model: 'gpt-4o', inputs: [{ text: 'hi', tokens: [] }] }, signal);
    const counted = await sut.countTokens(request('gpt-4o'), signal);

    expect(embedded).toMatchObject({
      embeddings: [{ index: 0, values: [0.25] }],
      start: { model: 'gpt-4o', providerId: 'vllm-gpu', deploymentId: 'gpt-4o@vllm', upstreamModel: 'Qwen/Qwen3-32B', attempts: 2 },
    });
    expect(counted).toMatchObject({ inputTokens: 7, start: { deploymentId: 'gpt-4o@vllm', attempts: 1 } });
    expect(adapter.deployments).toStrictEqual(['gpt-4o@openai', 'gpt-4o@vllm', 'gpt-4o@vllm']);
  });

  it('answers a unary call for an unknown model or with a non-retryable failure at once', async () => {
    await routerWith([[failure(false)]]);
    const signal = new AbortController().signal;

    await expect(sut.embed({ model: 'nope', inputs: [] }, signal)).resolves.toStrictEqual({
      error: { kind: ErrorKind.ERROR_KIND_NOT_FOUND, message: 'The model `nope` does not exist or is not served here.', param: 'model', retryable: false },
    });
    await expect(sut.countTokens(request('gpt-4o'), signal)).resolves.toMatchObject({ error: { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST } });
    expect(adapter.calls).toHaveLength(1);
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
    const busy: ResponseEvent = { event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_OVERLOADED, providerStatus: 503, message: 'busy', retryable: true, retryAfterMs: 2000 } } };
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
      { event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: UPSTREAM_FAULTS['gateway-misconfigured'].text, retryable: false } } },
    ]);
  });

  it('answers a model without deployments as unavailable', async () => {
    await routerWith([]);

    const events = await collect(sut.route(request('empty'), new AbortController().signal));

    expect(strip(events)).toStrictEqual([
      { event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: 'no deployment of empty is available', retryable: false } } },
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

  describe('resilience (issue 5)', () => {
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
      const long: ChatRequest = { ...request('small'), messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'x'.repeat(100) } } }] }] };
      await routerWith([ok, [{ event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_CONTEXT_LENGTH, providerStatus: 400, message: 'too long', retryable: false } } }], ok], [small, big]);

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
      const req = { ...request('m'), meta: { allowedRegions: ['eu'] } };

      await collect(sut.route(req, new AbortController().signal));
      await collect(sut.route({ ...req, meta: { allowedRegions: ['ap'] } }, new AbortController().signal)).then((events) =>
        expect(strip(events)).toMatchObject([
          { event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_PERMISSION, param: 'model', message: expect.stringContaining('may only be served in the regions ap;') } } },
        ]),
      );
      await expect(sut.embed({ model: 'm', inputs: [{ text: 'x' }], meta: { allowedRegions: ['ap'] } }, new AbortController().signal)).resolves.toMatchObject({
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
      const usage: ResponseEvent = { event: { $case: 'usage', value: { inputTokens: 5, outputTokens: 2 } } };
      await routerWith([[started, hello, stopped, usage], ok, ok], [model('m', [a], { cacheTtlSeconds: 60 })], {}, cache);
      const ask = (tenantId: string, cacheMode = '') => collect(sut.route({ ...request('m'), meta: { tenantId, cacheMode } }, new AbortController().signal));

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
});
