import { Client, credentials, Metadata } from '@grpc/grpc-js';
import {
  type AdapterPort,
  type BillingPort,
  ErrorKind,
  type GenerateRequest,
  type GetUsageRequest,
  type GetUsageResponse,
  type ResponseEvent,
  type ResponseEventBatch,
  type RouteRequest,
  RouterServiceDefinition,
} from '@switchyard/ir';
import { GrpcAdapterClient } from './grpc-adapter.client';
import { GrpcBillingClient } from './grpc-billing.client';
import { toGrpcServiceDefinition } from './grpc-definition.converter';
import { GrpcRouterClient } from './grpc-router.client';
import { GrpcServerHost } from './grpc-server.host';
import { serveAdapter, serveBilling, serveRouter } from './port-service.registrar';

const GENERATE: GenerateRequest = {
  request: { model: 'claude-haiku', messages: [], stream: true, system: [], tools: [], includeUsage: false, droppedParams: [] },
  target: { deploymentId: 'd1', providerId: 'anthropic-main', providerType: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKeyRef: 'env:K', upstreamModel: 'claude-3-5-haiku', optionsJson: '', passthroughJson: '{"allow":["mcp_servers"]}' },
  timeouts: undefined,
};
const STOP: ResponseEvent = { event: { $case: 'stop', value: { reason: 1, rawReason: 'end_turn', choice: 0, stopSequence: '' } } };
const USAGE: GetUsageResponse = {
  rows: [{ day: '2025-01-31', tenantId: 'acme', keyId: 'key-1', model: 'gpt-4o-mini', requests: 3, inputTokens: 120, outputTokens: 45, costUsd: 0.0000453, upstreamCostUsd: 0.00003, marginUsd: 0.0000153, costedRequests: 3 }],
};

describe('port services', () => {
  const hosts: GrpcServerHost[] = [];
  const clients: { close(): void }[] = [];

  async function listen(register: (host: GrpcServerHost) => GrpcServerHost): Promise<string> {
    const host = register(new GrpcServerHost());
    hosts.push(host);
    return `127.0.0.1:${await host.start('127.0.0.1', 0)}`;
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await Promise.all(hosts.splice(0).map((host) => host.stop(100)));
  });

  it('serveAdapter relays generate to the AdapterPort', async () => {
    let received: GenerateRequest | undefined;
    const adapter: AdapterPort = {
      async *generate(request) {
        received = request;
        yield STOP;
      },
      embed: async (request) => ({ embeddings: [{ index: 0, values: [request.request?.inputs?.length ?? 0] }], usageEstimated: false }),
      countTokens: async (request) => ({ inputTokens: request.request?.messages?.length ?? 0, estimated: false }),
    };
    const sut = new GrpcAdapterClient(await listen((host) => serveAdapter(host, adapter)));
    clients.push(sut);

    const events: ResponseEvent[] = [];
    for await (const event of sut.generate(GENERATE, new AbortController().signal)) events.push(event);

    expect(events).toEqual([STOP]);
    expect(received).toMatchObject(GENERATE);
    await expect(sut.embed({ request: { model: 'e', inputs: [{ text: 'a', tokens: [] }], taskType: '', title: '', droppedParams: [] }, target: GENERATE.target }, new AbortController().signal)).resolves.toMatchObject({ embeddings: [{ index: 0, values: [1] }] });
    await expect(sut.countTokens(GENERATE, new AbortController().signal)).resolves.toMatchObject({ inputTokens: GENERATE.request?.messages?.length ?? 0 });
  });

  it('serveBilling relays getUsage to the BillingPort', async () => {
    const query: GetUsageRequest = { tenantId: 'acme', keyId: '', model: '', fromDay: '2025-01-01', toDay: '2025-01-31', clientRequestId: 'caller-7' };
    const billing: BillingPort = { getUsage: jest.fn(async () => USAGE) };
    const sut = new GrpcBillingClient(await listen((host) => serveBilling(host, billing)));
    clients.push(sut);

    await expect(sut.getUsage(query)).resolves.toEqual(USAGE);
    expect(billing.getUsage).toHaveBeenCalledWith(query);
  });

  it('serveRouter answers a RouteRequest without its request with an INVALID_REQUEST event', async () => {
    const router = { route: jest.fn(), listModels: jest.fn(), embed: jest.fn(), countTokens: jest.fn(), healthState: jest.fn() };
    const address = await listen((host) => serveRouter(host, router));
    const route = toGrpcServiceDefinition(RouterServiceDefinition).route;
    const raw = new Client(address, credentials.createInsecure());
    clients.push(raw);

    const events: ResponseEvent[] = [];
    const empty: RouteRequest = {};
    // On the wire: batches of events (ResponseEventBatch), here a single one.
    for await (const batch of raw.makeServerStreamRequest(route.path, route.requestSerialize, route.responseDeserialize, empty, new Metadata())) {
      events.push(...((batch as ResponseEventBatch).events));
    }

    expect(events).toEqual([{ event: { $case: 'error', value: expect.objectContaining({ kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, param: 'request' }) } }]);
    expect(router.route).not.toHaveBeenCalled();
  });

  it('keeps streams of one client independent of each other', async () => {
    const router = {
      async *route({ model }: { model?: string }) {
        for (let i = 0; i < 50; i++) yield { event: { $case: 'textDelta' as const, value: { text: `${model}:${i}`, choice: 0, logprobsJson: '', signature: '' } } };
      },
      listModels: jest.fn(),
      embed: jest.fn(),
      countTokens: jest.fn(),
      healthState: jest.fn(),
    };
    const sut = new GrpcRouterClient(await listen((host) => serveRouter(host, router)));
    clients.push(sut);

    const texts = await Promise.all(
      ['a', 'b', 'c'].map(async (model) => {
        const out: string[] = [];
        for await (const event of sut.route({ model, system: [], messages: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, new AbortController().signal)) if (event.event?.$case === 'textDelta') out.push(event.event.value.text);
        return out;
      }),
    );

    expect(texts).toEqual(['a', 'b', 'c'].map((model) => Array.from({ length: 50 }, (_, i) => `${model}:${i}`)));
  });
});
