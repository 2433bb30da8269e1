import { checkedEvents, checkedStreamParser } from '../core/ir-event.check';
import type { ChatRequest, ErrorEvent, ResponseEvent } from '@switchyard/ir';
import type { ProviderAdapter, ProviderManifest, ProviderStreamParser, UpstreamHttpRequest, UpstreamTarget } from '../core/provider-adapter.types';
import { mapAnthropicError } from './anthropic.errors';
import { anthropicManifest } from './anthropic.manifest';
import { buildAnthropicCountTokensRequest, buildAnthropicRequest } from './anthropic.request';
import { parseAnthropicResponse } from './anthropic.response';
import { AnthropicStreamParser } from './anthropic.stream';

/**
 * The Anthropic Messages API (POST {base}/v1/messages, and /v1/messages/count_tokens).
 * Target options: `anthropicVersion` (header, default 2023-06-01), `anthropicBeta` (the
 * anthropic-beta header), `defaultMaxTokens` (max_tokens when the request sets none).
 * Anthropic has no embeddings endpoint, so there is no buildEmbedRequest.
 */
export class AnthropicAdapter implements ProviderAdapter {
  readonly manifest: ProviderManifest = anthropicManifest;

  buildRequest(request: ChatRequest, target: UpstreamTarget): UpstreamHttpRequest {
    return buildAnthropicRequest(request, target);
  }

  parseResponse(body: unknown): ResponseEvent[] {
    return checkedEvents(parseAnthropicResponse(body));
  }

  createStreamParser(): ProviderStreamParser {
    return checkedStreamParser(new AnthropicStreamParser());
  }

  mapError(status: number, body: string, retryAfter: string | undefined): ErrorEvent {
    return mapAnthropicError(status, body, retryAfter);
  }

  buildCountTokensRequest(request: ChatRequest, target: UpstreamTarget): UpstreamHttpRequest {
    return buildAnthropicCountTokensRequest(request, target);
  }

  parseCountTokensResponse(body: unknown): number {
    const count = (body as { input_tokens?: unknown } | null)?.input_tokens;
    if (typeof count !== 'number' || !Number.isFinite(count)) throw new Error('upstream token count has no input_tokens');
    return count;
  }
}
