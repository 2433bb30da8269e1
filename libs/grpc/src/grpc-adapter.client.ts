import { type AdapterPort, AdapterServiceDefinition, type CountTokensResponse, type EmbedGenerateRequest, type EmbedResponse, type GenerateRequest, type MediaGenerateRequest, type MediaResponse, type ResponseEvent } from '@switchyard/ir';
import { toGrpcServiceDefinition } from './grpc-definition.converter';
import { type GrpcClientOptions, GrpcPortClient } from './grpc-port.client';
import type { CallMetadata } from './proto-service.types';

const ADAPTER = toGrpcServiceDefinition(AdapterServiceDefinition);

/**
 * AdapterPort over gRPC (cluster mode). `generate` never throws: failures end the stream with an error event.
 *
 * No transport retry here (`retryUnavailable` stays off): an UNAVAILABLE before the first message
 * does not mean the adapter never started the upstream call. The adapter sends its first batch
 * only once the upstream has answered (a non-streamed answer: once it has answered in full), so a
 * replica killed before that may already have made the call, and a second attempt would call the
 * upstream twice. The failure is `retryable` and goes to the router's retry loop, which decides
 * with its backoff, retry budget and circuit breakers whether to try again (docs/architecture.md §1, router: Retries).
 */
export class GrpcAdapterClient extends GrpcPortClient implements AdapterPort {
  private readonly generateMux;

  constructor(address: string, options?: GrpcClientOptions) {
    super(address, options);
    this.generateMux = this.muxPool(ADAPTER.generateMux);
  }

  generate(request: GenerateRequest, signal: AbortSignal, metadata?: CallMetadata): AsyncIterable<ResponseEvent> {
    return this.events(ADAPTER.generate, request, { signal, metadata }, this.generateMux);
  }

  embed(request: EmbedGenerateRequest, signal: AbortSignal, metadata?: CallMetadata): Promise<EmbedResponse> {
    return this.unaryOrError(ADAPTER.embed, request, { signal, metadata });
  }

  countTokens(request: GenerateRequest, signal: AbortSignal, metadata?: CallMetadata): Promise<CountTokensResponse> {
    return this.unaryOrError(ADAPTER.countTokens, request, { signal, metadata });
  }

  async media(request: MediaGenerateRequest, signal: AbortSignal, metadata?: CallMetadata): Promise<MediaResponse> {
    const answer = await this.unaryOrError(ADAPTER.media, request, { signal, metadata });
    // A transport failure comes back as `{ error }` alone; the router re-encodes what it returns.
    const got: Partial<MediaResponse> = answer;
    return { ...answer, contentType: got.contentType ?? '', body: got.body ?? Buffer.alloc(0) };
  }
}
