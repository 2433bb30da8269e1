import { checkedEvents, checkedStreamParser } from '../core/ir-event.check';
import type { ChatRequest, EmbedRequest, EmbedResponse, ErrorEvent, ResponseEvent } from '@switchyard/ir';
import type { ProviderAdapter, ProviderStreamParser, UpstreamHttpRequest, UpstreamTarget } from '../core/provider-adapter.types';
import { buildGeminiEmbedRequest, parseGeminiCountTokensResponse, parseGeminiEmbedResponse } from './gemini.embed';
import { mapGeminiError } from './gemini.errors';
import { geminiManifest } from './gemini.manifest';
import { buildGeminiCountTokensRequest, buildGeminiRequest } from './gemini.request';
import { parseGeminiResponse } from './gemini.response';
import { GeminiStreamParser } from './gemini.stream';

/** The Gemini API (generativelanguage.googleapis.com): chat, embeddings and token counting. */
export class GeminiAdapter implements ProviderAdapter {
  readonly manifest = geminiManifest;

  buildRequest(request: ChatRequest, target: UpstreamTarget): UpstreamHttpRequest {
    return buildGeminiRequest(request, target);
  }

  parseResponse(body: unknown): ResponseEvent[] {
    return checkedEvents(parseGeminiResponse(body));
  }

  createStreamParser(): ProviderStreamParser {
    return checkedStreamParser(new GeminiStreamParser());
  }

  mapError(status: number, body: string, retryAfter: string | undefined): ErrorEvent {
    return mapGeminiError(status, body, retryAfter);
  }

  buildEmbedRequest(request: EmbedRequest, target: UpstreamTarget): UpstreamHttpRequest {
    return buildGeminiEmbedRequest(request, target);
  }

  parseEmbedResponse(body: unknown): EmbedResponse {
    return parseGeminiEmbedResponse(body);
  }

  buildCountTokensRequest(request: ChatRequest, target: UpstreamTarget): UpstreamHttpRequest {
    return buildGeminiCountTokensRequest(request, target);
  }

  parseCountTokensResponse(body: unknown): number {
    return parseGeminiCountTokensResponse(body);
  }
}
