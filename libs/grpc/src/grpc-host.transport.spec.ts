import { Controller, type DynamicModule, Module } from '@nestjs/common';
import { Ctx, GrpcMethod, Payload } from '@nestjs/microservices';
import { status as Status } from '@grpc/grpc-js';
import { ErrorKind, IrError, type ResponseEventBatch, type RouteRequest, RouterServiceDefinition } from '@switchyard/ir';
import { createGrpcMicroservice, type GrpcMicroservice } from './grpc-microservice.runner';
import { GrpcHealthService } from './grpc-health.service';
import { GrpcHealthController } from './grpc-health.controller';
import { GrpcRouterClient } from './grpc-router.client';

const SERVICE = RouterServiceDefinition.name;

/** A router whose answers the test controls: a stream it can watch being cancelled, and a refusal. */
@Controller()
class ScriptedRouterController {
  static cancelled = false;

  @GrpcMethod(SERVICE, 'Route')
  async *route(@Payload() _request: RouteRequest, @Ctx() signal: AbortSignal): AsyncGenerator<ResponseEventBatch> {
    yield { events: [{ event: { $case: 'textDelta', value: { text: 'one', choice: 0, logprobsJson: '', signature: '' } } }], final: false };
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    ScriptedRouterController.cancelled = true;
  }

  @GrpcMethod(SERVICE, 'ListModels')
  listModels(): Promise<never> {
    return Promise.reject(new IrError(ErrorKind.ERROR_KIND_RATE_LIMITED, 'slow down', undefined, 1500));
  }

  @GrpcMethod(SERVICE, 'Embed')
  embed(): never {
    throw new Error('not this one');
  }

  @GrpcMethod(SERVICE, 'CountTokens')
  countTokens(): Promise<{ inputTokens: number }> {
    return Promise.resolve({ inputTokens: 7 });
  }

  @GrpcMethod(SERVICE, 'Media')
  media(): Promise<{ contentType: string }> {
    return Promise.resolve({ contentType: 'image/png' });
  }

  @GrpcMethod(SERVICE, 'HealthState')
  healthState(): Promise<{ deployments: [] }> {
    return Promise.resolve({ deployments: [] });
  }
}

@Module({})
class TestModule {
  static with(health: GrpcHealthService, controllers: DynamicModule['controllers']): DynamicModule {
    return { module: TestModule, controllers: [...(controllers ?? []), GrpcHealthController], providers: [{ provide: GrpcHealthService, useValue: health }] };
  }
}

describe('GrpcHostTransport', () => {
  let service: GrpcMicroservice;
  let client: GrpcRouterClient;

  beforeAll(async () => {
    const health = new GrpcHealthService([RouterServiceDefinition.fullName]);
    service = await createGrpcMicroservice(TestModule.with(health, [ScriptedRouterController]), { name: 'test', host: '127.0.0.1', port: 0, services: [RouterServiceDefinition], health });
    client = new GrpcRouterClient(`127.0.0.1:${service.port}`);
  });

  afterAll(async () => {
    client.close();
    await service.app.close();
  });

  it('serves a unary method through the controller', async () => {
    await expect(client.countTokens({ model: 'm', system: [], messages: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, new AbortController().signal)).resolves.toMatchObject({ inputTokens: 7 });
  });

  it('keeps the kind, message and retry hint of an IrError the controller threw (not Nest\'s "Internal server error")', async () => {
    await expect(client.listModels()).rejects.toMatchObject({ code: Status.RESOURCE_EXHAUSTED, kind: ErrorKind.ERROR_KIND_RATE_LIMITED, message: 'slow down', retryAfterMs: 1500 });
  });

  it('answers an unexpected error as INTERNAL with the fixed text, never its own message', async () => {
    const answer = await client.embed({ model: 'm', inputs: [], taskType: '', title: '', droppedParams: [] }, new AbortController().signal);
    expect(answer.error).toMatchObject({ kind: ErrorKind.ERROR_KIND_INTERNAL, message: 'internal error' });
  });

  it('streams the controller\'s iterable and aborts its signal when the caller goes away', async () => {
    const caller = new AbortController();
    const iterator = client.route({ model: 'm', system: [], messages: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, caller.signal)[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toMatchObject({ value: { event: { $case: 'textDelta', value: { text: 'one' } } } });
    caller.abort();
    await iterator.return?.();
    await eventually(() => ScriptedRouterController.cancelled);
  });

  it('refuses to start when a method of a served definition has no handler', async () => {
    const health = new GrpcHealthService([]);
    await expect(createGrpcMicroservice(TestModule.with(health, []), { name: 'bad', host: '127.0.0.1', port: 0, services: [RouterServiceDefinition], health })).rejects.toThrow(
      "switchyard.router.v1.RouterService/Route: no @GrpcMethod('RouterService', 'Route') handler",
    );
  });
});

async function eventually(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in 2 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
