import { metricSeries } from '@switchyard/telemetry';
import { type ChatRequest, type CountTokensResponse, type EmbedResponse, ErrorKind, type HealthStateResponse, IrError, type ListModelsResponse, type MediaResponse, type ResponseEventBatch, RouterServiceDefinition } from '@switchyard/ir';
import { GrpcRouterClient } from './grpc-router.client';
import { GrpcServerHost } from './grpc-server.host';
import type { ServiceImplementation } from './proto-service.types';

const SERVICE = RouterServiceDefinition.fullName;
const REQUEST: ChatRequest = { model: 'm', messages: [], stream: true, system: [], tools: [], includeUsage: false, droppedParams: [] };

class Router implements ServiceImplementation<typeof RouterServiceDefinition> {
  async *route(): AsyncGenerator<ResponseEventBatch> {
    yield { events: [{ event: { $case: 'textDelta', value: { text: 'hi', choice: 0, logprobsJson: '', signature: '' } } }], final: true };
  }

  async listModels(): Promise<ListModelsResponse> {
    return { models: [] };
  }

  async embed(): Promise<EmbedResponse> {
    return { embeddings: [], usageEstimated: false };
  }

  async countTokens(): Promise<CountTokensResponse> {
    throw new IrError(ErrorKind.ERROR_KIND_RATE_LIMITED, 'slow down');
  }

  async media(): Promise<MediaResponse> {
    return { contentType: 'image/png', body: Buffer.alloc(0) };
  }

  async healthState(): Promise<HealthStateResponse> {
    return { deployments: [], retryBudgetAvailable: 0, retriesRefused: 0 };
  }
}

/** How many calls of `method` ended with `code`, as the process's registry counted them. */
function served(method: string, code: string): number {
  return metricSeries().grpcServerDuration.find({ service: SERVICE, method, code })?.count ?? 0;
}

function made(method: string, code: string): number {
  return metricSeries().grpcClientDuration.find({ service: SERVICE, method, code })?.count ?? 0;
}

describe('gRPC call durations', () => {
  let host: GrpcServerHost;
  let client: GrpcRouterClient;

  beforeEach(async () => {
    host = new GrpcServerHost();
    const port = await host.add(RouterServiceDefinition, new Router()).start('127.0.0.1', 0);
    client = new GrpcRouterClient(`127.0.0.1:${port}`);
  });

  afterEach(async () => {
    client.close();
    await host.stop(100);
  });

  it('observes a unary call on both sides under the service, the method and OK', async () => {
    const before = [served('ListModels', 'OK'), made('ListModels', 'OK')];
    await client.listModels();
    // The server observes after its callback: give its side the turn that sends the answer.
    await new Promise((r) => setImmediate(r));
    expect([served('ListModels', 'OK'), made('ListModels', 'OK')]).toEqual([before[0]! + 1, before[1]! + 1]);
  });

  it('observes a failed call under the status code it ended with', async () => {
    const before = [served('CountTokens', 'RESOURCE_EXHAUSTED'), made('CountTokens', 'RESOURCE_EXHAUSTED')];
    const answer = await client.countTokens(REQUEST, new AbortController().signal);
    expect(answer.error?.kind).toBe(ErrorKind.ERROR_KIND_RATE_LIMITED);
    await new Promise((r) => setImmediate(r));
    expect([served('CountTokens', 'RESOURCE_EXHAUSTED'), made('CountTokens', 'RESOURCE_EXHAUSTED')]).toEqual([before[0]! + 1, before[1]! + 1]);
  });

  it('observes a server stream once it ended, and a stream the caller left as CANCELLED on the client', async () => {
    const before = made('Route', 'OK');
    const events = [];
    for await (const ev of client.route(REQUEST, new AbortController().signal)) events.push(ev);
    expect(events).toHaveLength(1);
    expect(made('Route', 'OK')).toBe(before + 1);
    const cancelledBefore = made('Route', 'CANCELLED');
    const ctl = new AbortController();
    for await (const _ of client.route(REQUEST, ctl.signal)) break;
    expect(made('Route', 'CANCELLED')).toBe(cancelledBefore + 1);
  });
});
