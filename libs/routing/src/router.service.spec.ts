import { AdapterPort, ChatRequest, CountTokensResponse, EmbedGenerateRequest, EmbedResponse, ErrorEvent, ErrorKind, FinishReason, GenerateRequest, ResponseEvent, Role } from '@switchyard/ir';
import { DEFAULT_ROUTING } from '@switchyard/config';
import { CatalogueSnapshot, CatalogueSource, DeploymentEntry, ModelEntry, ProviderEntry } from './catalogue.types';
import { RouterService } from './router.service';

const OPENAI_EU: ProviderEntry = {
  id: 'openai-eu',
  type: 'openai',
  baseUrl: 'https://api.openai.com/v1',
  apiKeys: ['env:OPENAI_KEY_1', 'env:OPENAI_KEY_2'],
  region: 'eu',
  optionsJson: '{"organization":"org-5tQ"}',
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
  async load(): Promise<CatalogueSnapshot> {
    return { models: new Map(MODELS.map((m) => [m.name, m])) };
  }
}

/** Answers each generate() with the next scripted turn and records what it was asked. */
class ScriptedAdapter implements AdapterPort {
  readonly calls: GenerateRequest[] = [];
  constructor(private readonly turns: ResponseEvent[][]) {}

  async *generate(request: GenerateRequest): AsyncIterable<ResponseEvent> {
    this.calls.push(request);
    for (const e of structuredClone(this.turns[this.calls.length - 1] ?? [])) yield e;
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
    const ev = turn.find((e) => e.event?.$case === 'error');
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

  async function routerWith(turns: ResponseEvent[][]): Promise<void> {
    adapter = new ScriptedAdapter(turns);
    sut = new RouterService(new InMemoryCatalogue(), new Map([['openai', adapter]]), DEFAULT_ROUTING);
    await sut.reload();
  }

  beforeEach(() => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
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
        },
        timeouts: { connectMs: 5000, firstTokenMs: 30000, totalMs: 600000 },
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
          value: { id: 'chatcmpl-C3kX', model: 'gpt-4o', providerId: 'vllm-gpu', deploymentId: 'gpt-4o@vllm', upstreamModel: 'Qwen/Qwen3-32B', attempts: 2 },
        },
      },
      hello,
      stopped,
    ]);
  });

  it('retries embeddings and token counts like chat, stamping who answered', async () => {
    await routerWith([[rateLimited], [], [rateLimited], []]);
    const signal = new AbortController().signal;

    const embedded = await sut.embed({ model: 'gpt-4o', inputs: [{ text: 'hi', tokens: [] }] }, signal);
    const counted = await sut.countTokens(request('gpt-4o'), signal);

    expect(embedded).toStrictEqual({
      embeddings: [{ index: 0, values: [0.25] }],
      start: { model: 'gpt-4o', providerId: 'vllm-gpu', deploymentId: 'gpt-4o@vllm', upstreamModel: 'Qwen/Qwen3-32B', attempts: 2 },
    });
    expect(counted).toMatchObject({ inputTokens: 7, start: { deploymentId: 'gpt-4o@vllm', attempts: 2 } });
    expect(adapter.deployments).toStrictEqual(['gpt-4o@openai', 'gpt-4o@vllm', 'gpt-4o@openai', 'gpt-4o@vllm']);
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

    expect(events).toStrictEqual([failure(false)]);
    expect(adapter.calls).toHaveLength(1);
  });

  it('gives up after the configured retries with the last error, cycling through the deployments', async () => {
    const last = failure(true, 0);
    if (last.event?.$case === 'error') last.event.value.message = 'upstream returned 429 (third time)';
    await routerWith([[rateLimited], [rateLimited], [last], [started, stopped]]);

    const events = await collect(sut.route(request('gpt-4o'), new AbortController().signal));

    expect(adapter.deployments).toStrictEqual(['gpt-4o@openai', 'gpt-4o@vllm', 'gpt-4o@openai']);
    expect(events).toStrictEqual([last]);
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

  it('waits the upstream retry-after before the next attempt', async () => {
    jest.useFakeTimers();
    await routerWith([[failure(true, 2000)], [started, stopped]]);

    const done = collect(sut.route(request('gpt-4o'), new AbortController().signal));
    await jest.advanceTimersByTimeAsync(1999);
    const callsBefore = adapter.calls.length;
    await jest.advanceTimersByTimeAsync(1);

    expect(callsBefore).toBe(1);
    expect((await done).map((e) => e.event?.$case)).toStrictEqual(['start', 'stop']);
    expect(adapter.calls).toHaveLength(2);
  });

  it('stops without another attempt when the client hangs up during the wait', async () => {
    jest.useFakeTimers();
    await routerWith([[failure(true, 5000)], [started, stopped]]);
    const client = new AbortController();

    const done = collect(sut.route(request('gpt-4o'), client.signal));
    await jest.advanceTimersByTimeAsync(100);
    client.abort();

    expect(await done).toStrictEqual([]);
    expect(adapter.calls).toHaveLength(1);
  });

  it('answers a provider type without an adapter as unavailable', async () => {
    await routerWith([]);

    const events = await collect(sut.route(request('exotic'), new AbortController().signal));

    expect(events).toStrictEqual([
      { event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: 'no adapter serves provider type cohere', retryable: false } } },
    ]);
  });

  it('answers a model without deployments as unavailable', async () => {
    await routerWith([]);

    const events = await collect(sut.route(request('empty'), new AbortController().signal));

    expect(events).toStrictEqual([
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
});
