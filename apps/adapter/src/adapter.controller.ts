import { Controller, Inject } from '@nestjs/common';
import { Ctx, GrpcMethod, Payload } from '@nestjs/microservices';
import { eventBatches, noMedia, type ServiceImplementation } from '@switchyard/grpc';
import {
  type AdapterPort,
  AdapterServiceDefinition,
  type CountTokensResponse,
  type EmbedGenerateRequest,
  type EmbedResponse,
  type GenerateRequest,
  type MediaGenerateRequest,
  type MediaResponse,
  type ResponseEventBatch,
} from '@switchyard/ir';
import { UpstreamService } from '@switchyard/upstream';

const SERVICE = AdapterServiceDefinition.name;

/** switchyard.adapter.v1.AdapterService: translation and the upstream call, streamed back as IR events. */
@Controller()
export class AdapterController implements ServiceImplementation<AdapterServiceDefinition> {
  constructor(@Inject(UpstreamService) private readonly upstream: AdapterPort) {}

  @GrpcMethod(SERVICE, 'Generate')
  generate(@Payload() request: GenerateRequest, @Ctx() signal: AbortSignal): AsyncIterable<ResponseEventBatch> {
    return eventBatches(this.upstream.generate(request, signal));
  }

  @GrpcMethod(SERVICE, 'Embed')
  embed(@Payload() request: EmbedGenerateRequest, @Ctx() signal: AbortSignal): Promise<EmbedResponse> {
    return this.upstream.embed(request, signal);
  }

  @GrpcMethod(SERVICE, 'CountTokens')
  countTokens(@Payload() request: GenerateRequest, @Ctx() signal: AbortSignal): Promise<CountTokensResponse> {
    return this.upstream.countTokens(request, signal);
  }

  @GrpcMethod(SERVICE, 'Media')
  media(@Payload() request: MediaGenerateRequest, @Ctx() signal: AbortSignal): Promise<MediaResponse> {
    return this.upstream.media ? this.upstream.media(request, signal) : Promise.resolve(noMedia('adapter'));
  }
}
