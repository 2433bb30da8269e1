import { type ChatRequest, type CountTokensResponse, type EmbedRequest, type EmbedResponse, type HealthStateResponse, type ListModelsRequest, type ListModelsResponse, type ResponseEvent, type RouterPort, RouterServiceDefinition } from '@switchyard/ir';
import { toGrpcServiceDefinition } from './grpc-definition.converter';
import { type GrpcClientOptions, GrpcPortClient } from './grpc-port.client';
import type { CallMetadata } from './proto-service.types';

const ROUTER = toGrpcServiceDefinition(RouterServiceDefinition);
const LIST_MODELS_REQUEST: ListModelsRequest = {};

/** RouterPort over gRPC (cluster mode). `route` never throws: failures end the stream with an error event. */
export class GrpcRouterClient extends GrpcPortClient implements RouterPort {
  constructor(address: string, options?: GrpcClientOptions) {
    super(address, options);
  }

  route(request: ChatRequest, signal: AbortSignal, metadata?: CallMetadata): AsyncIterable<ResponseEvent> {
    return this.events(ROUTER.route, { request }, signal, metadata);
  }

  listModels(metadata?: CallMetadata): Promise<ListModelsResponse> {
    return this.unary(ROUTER.listModels, LIST_MODELS_REQUEST, metadata);
  }

  healthState(metadata?: CallMetadata): Promise<HealthStateResponse> {
    return this.unary(ROUTER.healthState, {}, metadata);
  }

  embed(request: EmbedRequest, signal: AbortSignal, metadata?: CallMetadata): Promise<EmbedResponse> {
    return this.unaryOrError(ROUTER.embed, request, signal, metadata);
  }

  countTokens(request: ChatRequest, signal: AbortSignal, metadata?: CallMetadata): Promise<CountTokensResponse> {
    return this.unaryOrError(ROUTER.countTokens, { request }, signal, metadata);
  }
}
