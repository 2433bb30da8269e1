import {
  type ChatRequest,
  type CountTokensResponse,
  type EmbedRequest,
  type EmbedResponse,
  type HealthStateResponse,
  ErrorKind,
  FinishReason,
  type ListModelsResponse,
  type ResponseEvent,
  type RouterPort,
} from '@switchyard/ir';
import { GrpcRouterClient } from './grpc-router.client';
import { GrpcServerHost } from './grpc-server.host';
import { serveRouter } from './port-service.registrar';

const REQUEST: ChatRequest = { model: 'gpt-4o-mini', messages: [], stream: true, system: [], tools: [], includeUsage: false, droppedParams: [] };

// One event of each payload the ingress renders, fully specified so the decoded values compare equal.
const EVENTS: ResponseEvent[] = [
  { event: { $case: 'start', value: { id: 'resp_1', model: 'gpt-4o-mini', providerId: 'openai-main', deploymentId: 'd1', upstreamModel: 'gpt-4o-mini-2024-07-18', attempts: 1, droppedParams: [], cacheHit: false, attemptLog: [] } } },
  { event: { $case: 'textDelta', value: { text: 'Hel', choice: 0, logprobsJson: '', signature: '' } } },
  { event: { $case: 'textDelta', value: { text: 'lo ☀️', choice: 0, logprobsJson: '', signature: '' } } },
  { event: { $case: 'toolCallDelta', value: { index: 0, id: 'call_1', name: 'get_weather', argumentsDelta: '{"city":"Paris"}', choice: 0, signature: '' } } },
  { event: { $case: 'usage', value: { inputTokens: 12, outputTokens: 5, cachedInputTokens: 4, reasoningTokens: 0, cacheCreationInputTokens: 0 } } },
  { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_TOOL_CALLS, rawReason: 'tool_calls', choice: 0, stopSequence: '' } } },
];

const MODELS: ListModelsResponse = { models: [{ name: 'gpt-4o-mini', ownedBy: 'openai', created: 1721172741 }] };

/** A router whose `route` behaviour each test sets. */
class FakeRouter implements RouterPort {
  routeImpl: (request: ChatRequest, signal: AbortSignal) => AsyncIterable<ResponseEvent> = () => fromArray(EVENTS);

  route(request: ChatRequest, signal: AbortSignal): AsyncIterable<ResponseEvent> {
    return this.routeImpl(request, signal);
  }

  async listModels(): Promise<ListModelsResponse> {
    return MODELS;
  }

  embedImpl: (request: EmbedRequest, signal: AbortSignal) => Promise<EmbedResponse> = async (request) => ({
    embeddings: (request.inputs).map((input, index) => ({ index, values: [input.text?.length ?? 0, 0.5] })),
    usage: { inputTokens: 3, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 },
    usageEstimated: false,
  });

  embed(request: EmbedRequest, signal: AbortSignal): Promise<EmbedResponse> {
    return this.embedImpl(request, signal);
  }

  async healthState(): Promise<HealthStateResponse> {
    return { deployments: [{ deploymentId: 'd1', model: 'gpt-4o-mini', circuit: 'open', windowRequests: 12, windowFailures: 9, providerId: '', cooldownUntil: 0, ejectedUntil: 0, ejections: 0, consecutiveFailures: 0, inFlight: 0, ewmaTtftMs: 0, ewmaTotalMs: 0 }], retryBudgetAvailable: 3.5, retriesRefused: 2 };
  }

  async countTokens(request: ChatRequest): Promise<CountTokensResponse> {
    return { inputTokens: request.messages?.length ?? 0, estimated: true };
  }
}

async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** ~1 kB per event, so 10k events overflow every HTTP/2 and socket buffer on the way. */
function textOf(i: number): string {
  return `${i}`.padStart(1000, '.');
}

function textEvent(i: number): ResponseEvent {
  return { event: { $case: 'textDelta', value: { text: textOf(i), choice: 0, logprobsJson: '', signature: '' } } };
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe(GrpcRouterClient.name, () => {
  let router: FakeRouter;
  let host: GrpcServerHost;
  let sut: GrpcRouterClient;

  beforeEach(async () => {
    router = new FakeRouter();
    host = serveRouter(new GrpcServerHost(), router);
    const port = await host.start('127.0.0.1', 0);
    sut = new GrpcRouterClient(`127.0.0.1:${port}`);
  });

  afterEach(async () => {
    sut.close();
    await host.stop(100);
  });

  it('streams the events with their oneof payloads intact', async () => {
    await expect(collect(sut.route(REQUEST, new AbortController().signal))).resolves.toEqual(EVENTS);
  });

  it("carries the router's no-usable-deployment mark (spill-over, issue 15) to the ingress", async () => {
    const error = { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: 'no deployment of m is available', retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [], noUsableDeployment: true };
    router.routeImpl = () => fromArray<ResponseEvent>([{ event: { $case: 'error', value: error } }]);

    const [event] = await collect(sut.route(REQUEST, new AbortController().signal));

    expect(event?.event).toEqual({ $case: 'error', value: error });
  });

  it('hands the request to the router unchanged', async () => {
    let received: ChatRequest | undefined;
    router.routeImpl = (request) => {
      received = request;
      return fromArray(EVENTS);
    };

    await collect(sut.route(REQUEST, new AbortController().signal));

    expect(received).toMatchObject(REQUEST);
  });

  it('answers listModels', async () => {
    await expect(sut.listModels({ 'x-request-id': 'req-1' })).resolves.toEqual(MODELS);
  });

  it('cancels the call when the caller aborts, and the router sees its signal aborted', async () => {
    let routerSignal: AbortSignal | undefined;
    const routerAborted = new Promise<void>((resolve) => {
      router.routeImpl = async function* (_request, signal) {
        routerSignal = signal;
        signal.addEventListener('abort', () => resolve());
        yield EVENTS[0];
        await new Promise<never>(() => undefined); // an upstream that never answers
      };
    });
    const controller = new AbortController();

    const received: ResponseEvent[] = [];
    for await (const event of sut.route(REQUEST, controller.signal)) {
      received.push(event);
      controller.abort();
    }
    await routerAborted;

    expect(received).toEqual([EVENTS[0]]);
    expect(routerSignal?.aborted).toBe(true);
  });

  it('cancels the call when the caller stops iterating early', async () => {
    const routerAborted = new Promise<void>((resolve) => {
      router.routeImpl = async function* (_request, signal) {
        signal.addEventListener('abort', () => resolve());
        for (let i = 0; !signal.aborted; i++) {
          yield textEvent(i);
          await delay(5);
        }
      };
    });

    for await (const _event of sut.route(REQUEST, new AbortController().signal)) break;

    await expect(routerAborted).resolves.toBeUndefined();
  });

  it('yields nothing and makes no call when the signal is already aborted', async () => {
    const route = jest.fn(() => fromArray(EVENTS));
    router.routeImpl = route;

    await expect(collect(sut.route(REQUEST, AbortSignal.abort()))).resolves.toEqual([]);
    expect(route).not.toHaveBeenCalled();
  });

  it('ends with an INTERNAL error event when the router throws mid-stream', async () => {
    router.routeImpl = async function* () {
      yield EVENTS[0];
      throw new Error('router bug');
    };

    const events = await collect(sut.route(REQUEST, new AbortController().signal));

    expect(events).toHaveLength(2);
    expect(events[0]).toEqual(EVENTS[0]);
    expect(events[1].event).toEqual({
      $case: 'error',
      value: expect.objectContaining({ kind: ErrorKind.ERROR_KIND_INTERNAL, retryable: false, message: 'internal error' }),
    });
  });

  it('ends with an error event, not a throw, when the router is down', async () => {
    sut.close();
    await host.stop(100);
    sut = new GrpcRouterClient(`127.0.0.1:${await freePort()}`);

    const events = await collect(sut.route(REQUEST, new AbortController().signal));

    expect(events).toEqual([
      {
        event: {
          $case: 'error',
          value: expect.objectContaining({
            kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE,
            retryable: true,
            message: 'A gateway service is unavailable; retry shortly.',
          }),
        },
      },
    ]);
    expect(sut.ready()).toBe(false);
  });

  it('delivers 10k events complete and in order, holding the producer back while the reader pauses', async () => {
    const total = 10_000;
    let produced = 0;
    router.routeImpl = async function* () {
      for (let i = 0; i < total; i++) {
        produced++;
        yield textEvent(i);
      }
    };

    let received = 0;
    let firstOutOfOrder = -1;
    let aheadDuringPause = Infinity;
    for await (const event of sut.route(REQUEST, new AbortController().signal)) {
      // One cheap comparison per event; a deep `expect` per event would dominate the run.
      if (firstOutOfOrder < 0 && (event.event?.$case !== 'textDelta' || event.event.value.text !== textOf(received))) firstOutOfOrder = received;
      received++;
      if (received === 100) {
        await delay(200);
        aheadDuringPause = produced - received;
      }
    }

    expect(received).toBe(total);
    expect(firstOutOfOrder).toBe(-1);
    // ~10 MB in total: unbounded buffering would have produced everything during the pause.
    expect(aheadDuringPause).toBeLessThan(1_000);
  }, 30_000);

  it('carries the health state of the deployments', async () => {
    await expect(sut.healthState()).resolves.toMatchObject({
      deployments: [{ deploymentId: 'd1', model: 'gpt-4o-mini', circuit: 'open', windowRequests: 12, windowFailures: 9 }],
      retryBudgetAvailable: 3.5,
      retriesRefused: 2,
    });
  });

  it('carries embeddings and token counts as unary calls', async () => {
    const signal = new AbortController().signal;

    await expect(sut.embed({ model: 'text-embedding-3-small', inputs: [{ text: 'abcd', tokens: [] }, { text: 'ab', tokens: [] }], taskType: '', title: '', droppedParams: [] }, signal)).resolves.toMatchObject({
      embeddings: [
        { index: 0, values: [4, 0.5] },
        { index: 1, values: [2, 0.5] },
      ],
      usage: { inputTokens: 3 },
    });
    await expect(sut.countTokens(REQUEST, signal)).resolves.toMatchObject({ inputTokens: REQUEST.messages?.length, estimated: true });
  });

  it('answers a unary call that could not reach the router with an error, not a rejection', async () => {
    sut.close();
    await host.stop(100);
    sut = new GrpcRouterClient(`127.0.0.1:${await freePort()}`);

    const res = await sut.embed({ model: 'm', inputs: [], taskType: '', title: '', droppedParams: [] }, new AbortController().signal);

    expect(res.error).toMatchObject({ kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: 'A gateway service is unavailable; retry shortly.' });
  });

  it('cancels a unary call on the server when the caller aborts', async () => {
    let serverSignal: AbortSignal | undefined;
    router.embedImpl = (_request, signal) => {
      serverSignal = signal;
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve({ embeddings: [], usageEstimated: false })));
    };
    const caller = new AbortController();

    const pending = sut.embed({ model: 'm', inputs: [], taskType: '', title: '', droppedParams: [] }, caller.signal);
    while (!serverSignal) await delay(5);
    caller.abort();

    await expect(pending).resolves.toMatchObject({ error: { kind: ErrorKind.ERROR_KIND_CANCELLED } });
    while (!serverSignal.aborted) await delay(5);
    expect(serverSignal.aborted).toBe(true);
  });
});

/** A port nothing listens on: bound once, then released. */
async function freePort(): Promise<number> {
  const probe = new GrpcServerHost();
  const port = await probe.start('127.0.0.1', 0);
  await probe.stop(0);
  return port;
}
