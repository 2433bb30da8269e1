import type { ChatRequest, ErrorEvent, ResponseEvent } from '@switchyard/ir';
import type { ProviderAdapter, ProviderManifest, ProviderStreamParser, UpstreamHttpRequest, UpstreamTarget } from '../core/provider-adapter.types';
import { mapOpenAiError } from './openai.errors';
import { buildOpenAiRequest } from './openai.request';
import { parseOpenAiResponse } from './openai.response';
import { OpenAiStreamParser } from './openai.stream';

/** OpenAI itself, and (with `legacyMaxTokens`) the OpenAI-compatible servers. */
export class OpenAiAdapter implements ProviderAdapter {
  constructor(
    readonly manifest: ProviderManifest,
    private readonly legacyMaxTokens: boolean,
  ) {}

  buildRequest(request: ChatRequest, target: UpstreamTarget): UpstreamHttpRequest {
    return buildOpenAiRequest(request, target, this.legacyMaxTokens);
  }

  parseResponse(body: unknown): ResponseEvent[] {
    return parseOpenAiResponse(body);
  }

  createStreamParser(): ProviderStreamParser {
    return new OpenAiStreamParser();
  }

  mapError(status: number, body: string, retryAfter: string | undefined): ErrorEvent {
    return mapOpenAiError(status, body, retryAfter);
  }
}
