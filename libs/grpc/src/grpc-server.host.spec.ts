import { type CountTokensResponse, type HealthStateResponse, type EmbedResponse, type ListModelsResponse, type MediaResponse, type ResponseEvent, type ResponseEventBatch, RouterServiceDefinition, type RouteRequest } from '@switchyard/ir';
import { GrpcRouterClient } from './grpc-router.client';
import { GrpcServerHost } from './grpc-server.host';
import type { ServiceImplementation } from './proto-service.types';

/** A generated service implemented by a class: its methods must keep `this`. */
class CountingRouter implements ServiceImplementation<typeof RouterServiceDefinition> {
  aborted = false;
  private calls = 0;

  async *route(_request: RouteRequest, signal: AbortSignal): AsyncGenerator<ResponseEventBatch> {
    this.calls++;
    yield { events: [{ event: { $case: 'textDelta', value: { text: `call ${this.calls}`, choice: 0, logprobsJson: '', signature: '' } } }], final: false };
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    this.aborted = true;
  }

  async listModels(): Promise<ListModelsResponse> {
    return { models: [{ name: `after ${this.calls} calls`, ownedBy: '', created: 0 }] };
  }

  async embed(): Promise<EmbedResponse> {
    return { embeddings: [], usageEstimated: false };
  }

  async countTokens(_request?: RouteRequest, _signal?: AbortSignal): Promise<CountTokensResponse> {
    return { inputTokens: this.calls, estimated: false };
  }

  async media(): Promise<MediaResponse> {
    return { contentType: 'image/png', body: Buffer.alloc(0) };
  }

  async healthState(): Promise<HealthStateResponse> {
    return { deployments: [], retryBudgetAvailable: 0, retriesRefused: 0 };
  }
}

describe(GrpcServerHost.name, () => {
  let sut: GrpcServerHost;

  beforeEach(() => {
    sut = new GrpcServerHost();
  });

  afterEach(async () => {
    await sut.stop(100);
  });

  it('serves a class instance with `this` intact, and its stop cancels the streams still running', async () => {
    const router = new CountingRouter();
    const port = await sut.add(RouterServiceDefinition, router).start('127.0.0.1', 0);
    const client = new GrpcRouterClient(`127.0.0.1:${port}`);

    const iterator = client.route({ model: 'm', system: [], messages: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, new AbortController().signal)[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toMatchObject({ value: { event: { $case: 'textDelta', value: { text: 'call 1' } } } });
    await expect(client.listModels()).resolves.toMatchObject({ models: [{ name: 'after 1 calls' }] });

    await sut.stop(50);

    await expect(iterator.next()).resolves.toMatchObject({ value: { event: { $case: 'error' } } });
    expect(router.aborted).toBe(true);
    client.close();
  });

  it("leaves a finished call's signal alone: only a caller that goes away aborts it", async () => {
    const router = new CountingRouter();
    let unarySignal: AbortSignal | undefined;
    let streamSignal: AbortSignal | undefined;
    router.countTokens = async (_request?: RouteRequest, signal?: AbortSignal): Promise<CountTokensResponse> => {
      unarySignal = signal;
      return { inputTokens: 1, estimated: false };
    };
    router.route = async function* (_request: RouteRequest, signal: AbortSignal): AsyncGenerator<ResponseEventBatch> {
      streamSignal = signal;
      yield { events: [{ event: { $case: 'textDelta', value: { text: 'done', choice: 0, logprobsJson: '', signature: '' } } }], final: false };
    };
    const port = await sut.add(RouterServiceDefinition, router).start('127.0.0.1', 0);
    const client = new GrpcRouterClient(`127.0.0.1:${port}`);
    const stackLimit = Error.stackTraceLimit;

    await client.countTokens({ model: 'm', system: [], messages: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, new AbortController().signal);
    for await (const _ of client.route({ model: 'm', system: [], messages: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, new AbortController().signal));
    // grpc-js reports the end of each call as 'cancelled' on a later tick.
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(unarySignal?.aborted).toBe(false);
    expect(streamSignal?.aborted).toBe(false);
    // The clients turn stack capture off around each call and put it back.
    expect(Error.stackTraceLimit).toBe(stackLimit);
    client.close();
  });

  it('ends a stream for its reader at the final batch, without waiting for the status', async () => {
    const router = new CountingRouter();
    let serverSignal: AbortSignal | undefined;
    router.route = async function* (_request: RouteRequest, signal: AbortSignal): AsyncGenerator<ResponseEventBatch> {
      serverSignal = signal;
      yield { events: [{ event: { $case: 'textDelta', value: { text: 'whole answer', choice: 0, logprobsJson: '', signature: '' } } }], final: true };
      // A status that never comes: the reader must not need it.
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    };
    const port = await sut.add(RouterServiceDefinition, router).start('127.0.0.1', 0);
    const client = new GrpcRouterClient(`127.0.0.1:${port}`);

    const events: ResponseEvent[] = [];
    for await (const event of client.route({ model: 'm', system: [], messages: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, new AbortController().signal)) events.push(event);

    expect(events).toMatchObject([{ event: { $case: 'textDelta', value: { text: 'whole answer' } } }]);
    // Not cancelled either: the server ends the call itself.
    expect(serverSignal?.aborted).toBe(false);
    client.close();
  });

  it('binds an ephemeral port when asked for port 0', async () => {
    const port = await sut.add(RouterServiceDefinition, new CountingRouter()).start('127.0.0.1', 0);

    expect(port).toBeGreaterThan(0);
  });

  it('refuses an implementation that misses a method', () => {
    const partial = { listModels: async (): Promise<ListModelsResponse> => ({ models: [] }) };

    // @ts-expect-error -- `route` is missing, which the types already reject
    expect(() => sut.add(RouterServiceDefinition, partial)).toThrow('switchyard.router.v1.RouterService/Route has no implementation');
  });

  it('rejects start when the address cannot be bound', async () => {
    const port = await sut.add(RouterServiceDefinition, new CountingRouter()).start('127.0.0.1', 0);
    const other = new GrpcServerHost().add(RouterServiceDefinition, new CountingRouter());
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined); // grpc-js logs the failed bind

    await expect(other.start('127.0.0.1', port)).rejects.toThrow();
    await other.stop(0);
    log.mockRestore();
  });
});
