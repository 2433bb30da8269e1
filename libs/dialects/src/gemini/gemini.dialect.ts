import { ChatRequest, CountTokensResponse, Dialect, EmbedResponse, ErrorEvent, FoldedResponse } from '@switchyard/ir';
import type { ChatDialect, CountTokensDialect, EmbedDialect, ParsedEmbed, PathParams, RenderContext, RenderedBody, StreamRenderer } from '../dialect.types';
import { parseGeminiChatRequest, parseGeminiCountTokens } from './gemini-chat.parse';
import { renderGeminiCountTokens, renderGeminiError, renderGeminiResponse } from './gemini-chat.render';
import { GeminiChatStreamRenderer } from './gemini-chat.stream';
import { parseGeminiEmbedRequest, renderGeminiEmbedResponse } from './gemini-embed';

/** The Gemini API (generativelanguage v1beta): generateContent, streamGenerateContent, countTokens, embedContent. */
export class GeminiDialect implements ChatDialect, CountTokensDialect, EmbedDialect {
  readonly id = Dialect.DIALECT_GEMINI;

  parseRequest(body: unknown, path?: PathParams): ChatRequest {
    return parseGeminiChatRequest(body, path);
  }

  renderResponse(response: FoldedResponse, ctx: RenderContext): string {
    return renderGeminiResponse(response, ctx);
  }

  createStreamRenderer(ctx: RenderContext): StreamRenderer {
    return new GeminiChatStreamRenderer(ctx);
  }

  renderError(error: ErrorEvent): RenderedBody {
    return renderGeminiError(error);
  }

  parseCountTokens(body: unknown, path?: PathParams): ChatRequest {
    return parseGeminiCountTokens(body, path);
  }

  renderCountTokens(response: CountTokensResponse): string {
    return renderGeminiCountTokens(response);
  }

  parseEmbedRequest(body: unknown, path?: PathParams & { batch?: boolean }): ParsedEmbed {
    return parseGeminiEmbedRequest(body, path);
  }

  renderEmbedResponse(response: EmbedResponse, parsed: ParsedEmbed, _ctx: RenderContext): string {
    return renderGeminiEmbedResponse(response, parsed);
  }
}
