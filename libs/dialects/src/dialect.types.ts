import type { ChatRequest, Dialect, ErrorEvent, FoldedResponse, ResponseEvent } from '@switchyard/ir';

/** What the ingress needs to know about the request to render its response. */
export interface RenderContext {
  requestId: string;
  /** The public model name the client asked for. */
  model: string;
  /** Seconds since the epoch, for dialects that stamp responses. */
  created: number;
  includeUsage: boolean;
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

/** A client-facing API dialect (DESIGN.md §3): parse into IR, render IR back. */
export interface ChatDialect {
  readonly id: Dialect;
  /** Throws IrError (invalid request) naming the offending field. */
  parseRequest(body: unknown): ChatRequest;
  renderResponse(response: FoldedResponse, ctx: RenderContext): string;
  createStreamRenderer(ctx: RenderContext): StreamRenderer;
  renderError(error: ErrorEvent): RenderedBody;
}
