import { ChatRequest, CountTokensResponse, Dialect, ErrorEvent, FoldedResponse } from '@switchyard/ir';
import type { ChatDialect, CountTokensDialect, RenderContext, RenderedBody, StreamRenderer } from '../dialect.types';
import { parseAnthropicCountTokensRequest, parseAnthropicMessagesRequest } from './anthropic-messages.parse';
import { renderAnthropicCountTokens, renderAnthropicError, renderAnthropicMessage } from './anthropic-messages.render';
import { AnthropicMessagesStreamRenderer } from './anthropic-messages.stream';

/** POST /v1/messages and /v1/messages/count_tokens, as the Anthropic API and SDKs speak them. */
export class AnthropicMessagesDialect implements ChatDialect, CountTokensDialect {
  readonly id = Dialect.DIALECT_ANTHROPIC;

  parseRequest(body: unknown): ChatRequest {
    return parseAnthropicMessagesRequest(body);
  }

  renderResponse(response: FoldedResponse, ctx: RenderContext): string {
    return renderAnthropicMessage(response, ctx);
  }

  createStreamRenderer(ctx: RenderContext): StreamRenderer {
    return new AnthropicMessagesStreamRenderer(ctx);
  }

  parseCountTokens(body: unknown): ChatRequest {
    return parseAnthropicCountTokensRequest(body);
  }

  renderCountTokens(response: CountTokensResponse): string {
    return renderAnthropicCountTokens(response);
  }

  renderError(error: ErrorEvent): RenderedBody {
    return renderAnthropicError(error);
  }
}
