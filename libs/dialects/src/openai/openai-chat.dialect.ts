import { ChatRequest, Dialect, ErrorEvent, FoldedResponse } from '@switchyard/ir';
import type { ChatDialect, RenderContext, RenderedBody, StreamRenderer } from '../dialect.types';
import { parseOpenAiChatRequest } from './openai-chat.parse';
import { renderOpenAiChatResponse, renderOpenAiError } from './openai-chat.render';
import { OpenAiChatStreamRenderer } from './openai-chat.stream';

export class OpenAiChatDialect implements ChatDialect {
  readonly id = Dialect.DIALECT_OPENAI;

  parseRequest(body: unknown): ChatRequest {
    return parseOpenAiChatRequest(body);
  }

  renderResponse(response: FoldedResponse, ctx: RenderContext): string {
    return renderOpenAiChatResponse(response, ctx);
  }

  createStreamRenderer(ctx: RenderContext): StreamRenderer {
    return new OpenAiChatStreamRenderer(ctx);
  }

  renderError(error: ErrorEvent): RenderedBody {
    return renderOpenAiError(error);
  }
}
