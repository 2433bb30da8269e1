import type { ChatRequest, EmbedRequest, EmbedResponse, ErrorEvent, MediaRequest, MediaUnits, ResponseEvent, Usage } from '@switchyard/ir';
import type { PassthroughPolicy } from './passthrough.policy';
import type { AdapterFamily, ProviderId } from './provider-ids';

// The adapter contract every provider implements: build the request, read the response, read a
// stream event, map an error (docs/architecture.md §1, adapter). Pure functions of their
// inputs: no I/O here.

export interface ProviderManifest {
  id: ProviderId;
  /** The adapter worker that serves it (ADAPTER_PROVIDER). */
  family: AdapterFamily;
  capabilities: { streaming: boolean; tools: boolean; vision: boolean; jsonSchema: boolean; reasoning: boolean };
  /**
   * The response header the provider documents as its request id, passed on with an upstream
   * error so the operator can quote it to the provider; undefined when none is documented.
   */
  requestIdHeader?: string;
}

/** One upstream deployment, with its credential already resolved. */
export interface UpstreamTarget {
  baseUrl: string;
  apiKey: string;
  upstreamModel: string;
  options: Record<string, string | number | boolean>;
  /** The operator's passthrough policy for this provider; the family's defaults when absent. */
  passthrough?: PassthroughPolicy;
}

export interface UpstreamHttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** A binary body (multipart/form-data), sent instead of `body` when set. */
  bytes?: Uint8Array;
  /**
   * Request fields this upstream cannot express and that are harmless to drop (e.g. `seed` for
   * Anthropic), named as the client's IR field path; reported in x-switchyard-dropped-params.
   * Fields whose loss would change the answer must throw IrError.invalid naming them instead.
   */
  dropped?: string[];
  /**
   * For an adapter that speaks more than one wire format (OpenAI: Chat Completions or the
   * Responses API, by deployment), the one this request is written in; the caller hands the
   * request back to parseResponse / createStreamParser so the answer is read in the same one.
   */
  wire?: string;
}

/** One server-sent event as framed on the wire. */
export interface SseEvent {
  event: string;
  data: string;
}

export interface ProviderStreamParser {
  /** IR events for one upstream SSE event; throws on a malformed event. The first event is `start`. */
  push(event: SseEvent): ResponseEvent[];
  /** True once the provider's end marker arrived ([DONE], message_stop): nothing after it matters. */
  readonly done: boolean;
  /**
   * For providers without an end marker (Gemini ends its SSE stream by closing it): called when
   * the body ended; returns the closing events, or throws when the stream was cut short.
   */
  finish?(): ResponseEvent[];
}

/** An upstream's successful answer to a media call, as it came: its media type and bytes. */
export interface MediaAnswer {
  contentType: string;
  body: Uint8Array;
}

/** What a media answer says about usage: tokens where the upstream reports them, and the billing units. */
export interface MediaReading {
  usage?: Usage;
  units: MediaUnits;
}

export interface ProviderAdapter {
  readonly manifest: ProviderManifest;
  buildRequest(request: ChatRequest, target: UpstreamTarget): UpstreamHttpRequest;
  parseResponse(body: unknown, request?: UpstreamHttpRequest): ResponseEvent[];
  createStreamParser(request?: UpstreamHttpRequest): ProviderStreamParser;
  mapError(status: number, body: string, retryAfter: string | undefined): ErrorEvent;
  /** Embeddings, for providers that have them (OpenAI family, Gemini). */
  buildEmbedRequest?(request: EmbedRequest, target: UpstreamTarget): UpstreamHttpRequest;
  parseEmbedResponse?(body: unknown): EmbedResponse;
  /** The provider's own token-counting endpoint (Anthropic, Gemini); others are counted locally. */
  buildCountTokensRequest?(request: ChatRequest, target: UpstreamTarget): UpstreamHttpRequest;
  parseCountTokensResponse?(body: unknown): number;
  /** Images and audio (OpenAI family); a provider without them is refused with a 400 naming the model. */
  buildMediaRequest?(request: MediaRequest, target: UpstreamTarget): UpstreamHttpRequest;
  readMediaAnswer?(request: MediaRequest, answer: MediaAnswer): MediaReading;
}
