import { type AdapterPort, AdapterServiceDefinition, type CountTokensResponse, type EmbedGenerateRequest, type EmbedResponse, type GenerateRequest, type ResponseEvent } from '@switchyard/ir';
import { toGrpcServiceDefinition } from './grpc-definition.converter';
import { type GrpcClientOptions, GrpcPortClient } from './grpc-port.client';
import type { CallMetadata } from './proto-service.types';

const ADAPTER = toGrpcServiceDefinition(AdapterServiceDefinition);

/** AdapterPort over gRPC (cluster mode). `generate` never throws: failures end the stream with an error event. */
export class GrpcAdapterClient extends GrpcPortClient implements AdapterPort {
  constructor(address: string, options?: GrpcClientOptions) {
    super(address, options);
  }

  generate(request: GenerateRequest, signal: AbortSignal, metadata?: CallMetadata): AsyncIterable<ResponseEvent> {
    return this.events(ADAPTER.generate, request, signal, metadata);
  }

  embed(request: EmbedGenerateRequest, signal: AbortSignal, metadata?: CallMetadata): Promise<EmbedResponse> {
    return this.unaryOrError(ADAPTER.embed, request, signal, metadata);
  }

  countTokens(request: GenerateRequest, signal: AbortSignal, metadata?: CallMetadata): Promise<CountTokensResponse> {
    return this.unaryOrError(ADAPTER.countTokens, request, signal, metadata);
  }
}
