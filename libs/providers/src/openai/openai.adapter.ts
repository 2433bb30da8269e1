import { checkedEvents, checkedStreamParser } from '../core/ir-event.check';
import type { ChatRequest, EmbedRequest, EmbedResponse, ErrorEvent, MediaRequest, ResponseEvent } from '@switchyard/ir';
import type { MediaAnswer, MediaReading, ProviderAdapter, ProviderManifest, ProviderStreamParser, UpstreamHttpRequest, UpstreamTarget } from '../core/provider-adapter.types';
import { buildResponsesRequest, openAiApiOf } from './openai-responses.request';
import { parseResponsesResponse } from './openai-responses.response';
import { OpenAiResponsesStreamParser } from './openai-responses.stream';
import { buildOpenAiMediaRequest, readOpenAiMediaAnswer } from './openai.media';
import { buildOpenAiEmbedRequest, parseOpenAiEmbedResponse } from './openai.embeddings';
import { mapOpenAiError } from './openai.errors';
import { OpenAiEndpoint, buildOpenAiRequest } from './openai.request';
import { parseOpenAiResponse } from './openai.response';
import { OpenAiStreamParser } from './openai.stream';
import { vendorProfile } from './openai.vendors';

/**
 * OpenAI itself, Azure OpenAI, and the OpenAI-compatible servers (vendor quirks in openai.vendors.ts).
 * Chat Completions by default; OpenAI and Azure deployments whose provider sets `options.api:
 * responses`, and OpenAI ones serving a Responses-API client, speak the Responses API
 * (openai-responses.*.ts), and their answers are read in it.
 * Both wires share the error body, so mapError serves both.
 */
export class OpenAiAdapter implements ProviderAdapter {
  constructor(
    readonly manifest: ProviderManifest,
    private readonly endpoint: OpenAiEndpoint,
  ) {}

  buildRequest(request: ChatRequest, target: UpstreamTarget): UpstreamHttpRequest {
    if (openAiApiOf(target, this.endpoint, request) === 'responses') return buildResponsesRequest(request, target, this.endpoint);
    return buildOpenAiRequest(request, target, vendorProfile(this.endpoint, target), this.endpoint);
  }

  parseResponse(body: unknown, request?: UpstreamHttpRequest): ResponseEvent[] {
    return checkedEvents(request?.wire === 'responses' ? parseResponsesResponse(body) : parseOpenAiResponse(body));
  }

  createStreamParser(request?: UpstreamHttpRequest): ProviderStreamParser {
    return checkedStreamParser(request?.wire === 'responses' ? new OpenAiResponsesStreamParser() : new OpenAiStreamParser());
  }

  mapError(status: number, body: string, retryAfter: string | undefined): ErrorEvent {
    return mapOpenAiError(status, body, retryAfter);
  }

  buildEmbedRequest(request: EmbedRequest, target: UpstreamTarget): UpstreamHttpRequest {
    return buildOpenAiEmbedRequest(request, target, this.endpoint);
  }

  parseEmbedResponse(body: unknown): EmbedResponse {
    return parseOpenAiEmbedResponse(body);
  }

  buildMediaRequest(request: MediaRequest, target: UpstreamTarget): UpstreamHttpRequest {
    return buildOpenAiMediaRequest(request, target, this.endpoint);
  }

  readMediaAnswer(request: MediaRequest, answer: MediaAnswer): MediaReading {
    return readOpenAiMediaAnswer(request, answer);
  }
}
