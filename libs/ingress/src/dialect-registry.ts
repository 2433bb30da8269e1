import { AnthropicMessagesDialect, GeminiDialect, OpenAiChatDialect, OpenAiEmbeddingsDialect, OpenAiResponsesDialect } from '@switchyard/dialects';
import type { ChatDialect, CountTokensDialect, EmbedDialect, PathParams, RenderedBody } from '@switchyard/dialects';
import { IrError, MediaOperation } from '@switchyard/ir';
import type { ErrorEvent } from '@switchyard/ir';
import { isStorableText, storableText } from '@switchyard/shared';
import { unstorableField } from './ingress-errors';

export const OPENAI_DIALECT: ChatDialect = new OpenAiChatDialect();
const OPENAI_EMBEDDINGS: EmbedDialect = new OpenAiEmbeddingsDialect();
export const ANTHROPIC = new AnthropicMessagesDialect();
export const GEMINI = new GeminiDialect();
export const RESPONSES = new OpenAiResponsesDialect();

/** What a data-path URL asks for, in which dialect (docs/architecture.md §3). */
export type DataRoute =
  | { op: 'chat'; dialect: ChatDialect; path: PathParams }
  | { op: 'count'; dialect: CountTokensDialect; path: PathParams }
  | { op: 'embed'; dialect: EmbedDialect; path: PathParams & { batch?: boolean } }
  | { op: 'responses'; dialect: OpenAiResponsesDialect; path: PathParams }
  // OpenAI images and audio (issue 17), relayed to OpenAI-family upstreams.
  | { op: 'media'; dialect: ChatDialect; path: PathParams & { media: MediaOperation } }
  // A URL we understand but cannot serve as asked (answered 400 in its dialect's shape).
  | { op: 'reject'; dialect: ChatDialect; error: IrError };

const CHAT_OPENAI: DataRoute = { op: 'chat', dialect: OPENAI_DIALECT, path: {} };
const CHAT_ANTHROPIC: DataRoute = { op: 'chat', dialect: ANTHROPIC, path: {} };
const COUNT_ANTHROPIC: DataRoute = { op: 'count', dialect: ANTHROPIC, path: {} };
const EMBED_OPENAI: DataRoute = { op: 'embed', dialect: OPENAI_EMBEDDINGS, path: {} };
const RESPONSES_OPENAI: DataRoute = { op: 'responses', dialect: RESPONSES, path: {} };
const IMAGES_OPENAI: DataRoute = { op: 'media', dialect: OPENAI_DIALECT, path: { media: MediaOperation.MEDIA_OPERATION_IMAGE_GENERATION } };
const SPEECH_OPENAI: DataRoute = { op: 'media', dialect: OPENAI_DIALECT, path: { media: MediaOperation.MEDIA_OPERATION_SPEECH } };
const TRANSCRIPTION_OPENAI: DataRoute = { op: 'media', dialect: OPENAI_DIALECT, path: { media: MediaOperation.MEDIA_OPERATION_TRANSCRIPTION } };

// Gemini: /{v1beta|v1}/models/{model}:{method}; the model may be URL-encoded.
const GEMINI_PATH = /^\/v1(?:beta)?\/models\/([^/:]+):([A-Za-z]+)$/;

/** A data API URL (`/v1/…`, `/v1beta/…`): a POST there that is no data route is a client aiming at one. */
export function isApiPath(pathname: string): boolean {
  return (pathname.startsWith('/v1/') && !NEST_SERVED.some((p) => pathname.startsWith(p))) || pathname.startsWith('/v1beta/');
}

// API routes served by Nest controllers, not by the data path: a POST there is no miss (issue 17).
const NEST_SERVED = ['/v1/files', '/v1/batches', '/v1/messages/batches'];

/** The route of a POST to `pathname` (`search`: the query string without `?`), or undefined when it is not a data-path URL. */
export function dataRoute(pathname: string, search: string): DataRoute | undefined {
  const route = routeOf(pathname, search);
  // A NUL can only arrive percent-encoded (Node's parser refuses a raw one); a surrogate cannot
  // arrive at all (an encoded one decodes to U+FFFD). Checked only when the text has one.
  if (route && search.includes('%00')) {
    const param = [...new URLSearchParams(search)].find(([k, v]) => !isStorableText(k) || !isStorableText(v));
    if (param) return { op: 'reject', dialect: dialectOfPath(pathname), error: unstorableField(`query parameter ${storableText(param[0])}`) };
  }
  return route;
}

function routeOf(pathname: string, search: string): DataRoute | undefined {
  switch (pathname) {
    case '/v1/chat/completions':
      return CHAT_OPENAI;
    case '/v1/messages':
      return CHAT_ANTHROPIC;
    case '/v1/messages/count_tokens':
      return COUNT_ANTHROPIC;
    case '/v1/embeddings':
      return EMBED_OPENAI;
    case '/v1/responses':
      return RESPONSES_OPENAI;
    case '/v1/images/generations':
      return IMAGES_OPENAI;
    case '/v1/audio/speech':
      return SPEECH_OPENAI;
    case '/v1/audio/transcriptions':
      return TRANSCRIPTION_OPENAI;
  }
  const m = GEMINI_PATH.exec(pathname);
  if (!m) return undefined;
  let model: string;
  try {
    model = decodeURIComponent(m[1] as string);
  } catch {
    return undefined;
  }
  // `%00` in the model would reach the ledger's model column (issue 10).
  if (!isStorableText(model)) return { op: 'reject', dialect: GEMINI, error: unstorableField('model') };
  switch (m[2]) {
    case 'generateContent':
      return { op: 'chat', dialect: GEMINI, path: { model, stream: false } };
    case 'streamGenerateContent':
      // Without alt=sse Gemini streams one growing JSON array; every Google SDK asks for SSE.
      if (new URLSearchParams(search).get('alt') !== 'sse') return { op: 'reject', dialect: GEMINI, error: IrError.invalid('streamGenerateContent is served as server-sent events only: add alt=sse to the query.', 'alt') };
      return { op: 'chat', dialect: GEMINI, path: { model, stream: true } };
    case 'countTokens':
      return { op: 'count', dialect: GEMINI, path: { model } };
    case 'embedContent':
      return { op: 'embed', dialect: GEMINI, path: { model, batch: false } };
    case 'batchEmbedContents':
      return { op: 'embed', dialect: GEMINI, path: { model, batch: true } };
    default:
      return undefined;
  }
}

/**
 * Errors raised before a route handler runs (body too large, unknown path) still reach the
 * client in its dialect, chosen by the URL.
 */
export function renderErrorForPath(url: string, error: ErrorEvent): RenderedBody {
  return dialectOfPath(url).renderError(error);
}

/** The dialect a URL belongs to (OpenAI's when none says otherwise). */
export function dialectOfPath(url: string): ChatDialect {
  if (url.startsWith('/v1/messages')) return ANTHROPIC;
  if (url.startsWith('/v1beta/') || /^\/v1\/models\/[^/?]+:/.test(url)) return GEMINI;
  return OPENAI_DIALECT;
}
