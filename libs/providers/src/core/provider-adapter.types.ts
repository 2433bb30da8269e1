import type { ChatRequest, ErrorEvent, ResponseEvent } from '@switchyard/ir';

// The adapter contract every provider implements (STYLE.md: build request, parse response,
// parse a stream event, map an error). Pure functions of their inputs: no I/O here.

export const PROVIDER_IDS = ['openai', 'openai-compatible'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export interface ProviderManifest {
  id: ProviderId;
  /** The adapter worker that serves it (ADAPTER_PROVIDER). */
  family: 'openai' | 'anthropic' | 'gemini';
  capabilities: { streaming: boolean; tools: boolean; vision: boolean; jsonSchema: boolean; reasoning: boolean };
}

/** One upstream deployment, with its credential already resolved. */
export interface UpstreamTarget {
  baseUrl: string;
  apiKey: string;
  upstreamModel: string;
  options: Record<string, string | number | boolean>;
}

export interface UpstreamHttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** One server-sent event as framed on the wire. */
export interface SseEvent {
  event: string;
  data: string;
}

export interface ProviderStreamParser {
  /** IR events for one upstream SSE event; throws on a malformed event. */
  push(event: SseEvent): ResponseEvent[];
  /** True once the provider signalled the end of its stream. */
  readonly done: boolean;
}

export interface ProviderAdapter {
  readonly manifest: ProviderManifest;
  buildRequest(request: ChatRequest, target: UpstreamTarget): UpstreamHttpRequest;
  parseResponse(body: unknown): ResponseEvent[];
  createStreamParser(): ProviderStreamParser;
  mapError(status: number, body: string, retryAfter: string | undefined): ErrorEvent;
}
