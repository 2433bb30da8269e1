import { type ChatRequest, type CountTokensResponse, type EmbedRequest, type EmbedResponse, type HealthStateResponse, type ListModelsRequest, type ListModelsResponse, type MediaRequest, type MediaResponse, type ResponseEvent, type RouterPort, RouterServiceDefinition } from '@switchyard/ir';
import { toGrpcServiceDefinition } from './grpc-definition.converter';
import { type GrpcClientOptions, GrpcPortClient } from './grpc-port.client';
import type { CallMetadata } from './proto-service.types';

const ROUTER = toGrpcServiceDefinition(RouterServiceDefinition);
const LIST_MODELS_REQUEST: ListModelsRequest = {};

/**
 * RouterPort over gRPC (cluster mode). `route` never throws: failures end the stream with an error event.
 *
 * Every call is retried once on another router replica when the one it went to dropped it before
 * answering (`GrpcPortClient`). Nothing else retries this hop, and nothing has reached the client
 * yet. The dead replica may have started the upstream call already: the retry repeats that work,
 * as the router's own retries do before the first byte; the tenant is billed for the answer it
 * gets (usage comes from the events the ingress saw), never for the lost attempt.
 */
export class GrpcRouterClient extends GrpcPortClient implements RouterPort {
  private readonly routeMux;

  constructor(address: string, options?: GrpcClientOptions) {
    super(address, options);
    this.routeMux = this.muxPool(ROUTER.routeMux);
  }

  route(request: ChatRequest, signal: AbortSignal, metadata?: CallMetadata): AsyncIterable<ResponseEvent> {
    return this.events(ROUTER.route, { request }, { signal, metadata, retryUnavailable: true }, this.routeMux);
  }

  listModels(metadata?: CallMetadata): Promise<ListModelsResponse> {
    return this.unary(ROUTER.listModels, LIST_MODELS_REQUEST, { metadata, retryUnavailable: true });
  }

  healthState(metadata?: CallMetadata): Promise<HealthStateResponse> {
    return this.unary(ROUTER.healthState, {}, { metadata, retryUnavailable: true });
  }

  embed(request: EmbedRequest, signal: AbortSignal, metadata?: CallMetadata): Promise<EmbedResponse> {
    return this.unaryOrError(ROUTER.embed, request, { signal, metadata, retryUnavailable: true });
  }

  countTokens(request: ChatRequest, signal: AbortSignal, metadata?: CallMetadata): Promise<CountTokensResponse> {
    return this.unaryOrError(ROUTER.countTokens, { request }, { signal, metadata, retryUnavailable: true });
  }

  async media(request: MediaRequest, signal: AbortSignal, metadata?: CallMetadata): Promise<MediaResponse> {
    const answer = await this.unaryOrError(ROUTER.media, request, { signal, metadata, retryUnavailable: true });
    const got: Partial<MediaResponse> = answer;
    return { ...answer, contentType: got.contentType ?? '', body: got.body ?? Buffer.alloc(0) };
  }
}
