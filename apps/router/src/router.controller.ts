import { Controller, Inject } from '@nestjs/common';
import { Ctx, GrpcMethod, Payload } from '@nestjs/microservices';
import { eventBatches, noMedia, type ServiceImplementation } from '@switchyard/grpc';
import {
  type CountTokensResponse,
  type EmbedRequest,
  type EmbedResponse,
  ErrorKind,
  type HealthStateResponse,
  type ListModelsResponse,
  type MediaRequest,
  type MediaResponse,
  type ResponseEvent,
  type ResponseEventBatch,
  type RouteRequest,
  ROUTER_PORT,
  type RouterPort,
  RouterServiceDefinition,
} from '@switchyard/ir';

const SERVICE = RouterServiceDefinition.name;

/** switchyard.router.v1.RouterService: deployment choice, retries and fallbacks behind one call. */
@Controller()
export class RouterController implements ServiceImplementation<RouterServiceDefinition> {
  constructor(@Inject(ROUTER_PORT) private readonly router: RouterPort) {}

  @GrpcMethod(SERVICE, 'Route')
  route(@Payload() { request }: RouteRequest, @Ctx() signal: AbortSignal): AsyncIterable<ResponseEventBatch> {
    return eventBatches(request ? this.router.route(request, signal) : missingRequest());
  }

  @GrpcMethod(SERVICE, 'ListModels')
  listModels(): Promise<ListModelsResponse> {
    return this.router.listModels();
  }

  @GrpcMethod(SERVICE, 'Embed')
  embed(@Payload() request: EmbedRequest, @Ctx() signal: AbortSignal): Promise<EmbedResponse> {
    return this.router.embed(request, signal);
  }

  @GrpcMethod(SERVICE, 'CountTokens')
  countTokens(@Payload() { request }: RouteRequest, @Ctx() signal: AbortSignal): Promise<CountTokensResponse> {
    return this.router.countTokens(request ?? { model: '', system: [], messages: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }, signal);
  }

  @GrpcMethod(SERVICE, 'Media')
  media(@Payload() request: MediaRequest, @Ctx() signal: AbortSignal): Promise<MediaResponse> {
    return this.router.media ? this.router.media(request, signal) : Promise.resolve(noMedia('router'));
  }

  @GrpcMethod(SERVICE, 'HealthState')
  healthState(): Promise<HealthStateResponse> {
    return this.router.healthState();
  }
}

// The streaming contract is "never throw": a malformed call is answered with an error event.
async function* missingRequest(): AsyncGenerator<ResponseEvent> {
  yield {
    event: {
      $case: 'error',
      value: { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, message: 'RouteRequest.request is required', param: 'request', retryable: false, providerStatus: 0, retryAfterMs: 0, attemptLog: [] },
    },
  };
}
