import { ChatDialect, OpenAiChatDialect, RenderedBody } from '@switchyard/dialects';
import { ErrorEvent } from '@switchyard/ir';

export const OPENAI_DIALECT: ChatDialect = new OpenAiChatDialect();

/**
 * Errors raised before a route handler runs (body too large, unknown path) still reach the
 * client in its dialect, chosen by the URL. Anthropic and Gemini dialects join in issue 3.
 */
export function renderErrorForPath(_url: string, error: ErrorEvent): RenderedBody {
  return OPENAI_DIALECT.renderError(error);
}
