import type { ChatRequest, CountTokensResponse, Dialect, EmbedRequest, EmbedResponse, ErrorEvent, FoldedResponse, ResponseEvent } from '@switchyard/ir';

/** What the ingress needs to know about the request to render its response. */
export interface RenderContext {
  requestId: string;
  /** The public model name the client asked for. */
  model: string;
  /** Seconds since the epoch, for dialects that stamp responses. */
  created: number;
  includeUsage: boolean;
  /**
   * The upstream's own response id, when an upstream of the client's own family answered (not
   * from the cache): the answer carries it instead of one made from `requestId` (upstream-id.ts).
   */
  upstreamId?: string;
}

export interface RenderedBody {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** Renders one response stream; `event` returns the bytes to write (possibly empty). */
export interface StreamRenderer {
  event(event: ResponseEvent): string;
  /** Called once after the last event when the stream ended normally. */
  end(): string;
  /** Ends a stream that already began with the dialect's own error event. */
  error(error: ErrorEvent): string;
}

/**
 * What the URL says about the request. Gemini names the model and the operation in the path
 * (`/v1beta/models/{model}:streamGenerateContent`); the other dialects put both in the body.
 */
export interface PathParams {
  model?: string;
  /** True for Gemini's streamGenerateContent. */
  stream?: boolean;
}

/** A client-facing API dialect (docs/architecture.md §3): parse into IR, render IR back. */
export interface ChatDialect {
  readonly id: Dialect;
  /** Throws IrError (invalid request) naming the offending field. */
  parseRequest(body: unknown, path?: PathParams): ChatRequest;
  renderResponse(response: FoldedResponse, ctx: RenderContext): string;
  createStreamRenderer(ctx: RenderContext): StreamRenderer;
  renderError(error: ErrorEvent): RenderedBody;
}

/** Dialects with a token-counting endpoint (Anthropic count_tokens, Gemini countTokens). */
export interface CountTokensDialect {
  readonly id: Dialect;
  /** The request whose prompt is counted; throws IrError like parseRequest. */
  parseCountTokens(body: unknown, path?: PathParams): ChatRequest;
  renderCountTokens(response: CountTokensResponse): string;
  renderError(error: ErrorEvent): RenderedBody;
}

/** An embeddings request as parsed, with what the dialect needs to render its answer. */
export interface ParsedEmbed {
  request: EmbedRequest;
  /** OpenAI `encoding_format`: base64 is rendered by us, the upstream is always asked for floats. */
  encoding: 'float' | 'base64';
  /** Gemini batchEmbedContents (a list of embeddings) rather than embedContent (one). */
  batch: boolean;
}

/** Dialects with an embeddings endpoint (OpenAI /v1/embeddings, Gemini embedContent). */
export interface EmbedDialect {
  readonly id: Dialect;
  /** `batch` is Gemini's batchEmbedContents; throws IrError naming the offending field. */
  parseEmbedRequest(body: unknown, path?: PathParams & { batch?: boolean }): ParsedEmbed;
  renderEmbedResponse(response: EmbedResponse, parsed: ParsedEmbed, ctx: RenderContext): string;
  renderError(error: ErrorEvent): RenderedBody;
}
