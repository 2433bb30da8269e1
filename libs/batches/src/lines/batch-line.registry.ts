import type { AuthPort, RouterPort } from '@switchyard/ir';
import type { BatchLineOperation } from './batch-line.operation';
import { AnthropicMessagesDialect, OpenAiChatDialect, OpenAiResponsesDialect } from '@switchyard/dialects';
import { ChatLine, chatLineDialect, responsesLineDialect } from './chat.line';
import { EmbeddingsLine } from './embeddings.line';

/**
 * The endpoints a batch may name, each with the operation that runs its lines: the one place to
 * register an endpoint.
 */
const BATCH_LINE_OPERATIONS: Readonly<Record<string, (auth: AuthPort, router: RouterPort) => BatchLineOperation>> = {
  '/v1/chat/completions': (auth, router) => new ChatLine('/v1/chat/completions', chatLineDialect(new OpenAiChatDialect()), auth, router),
  '/v1/responses': (auth, router) => new ChatLine('/v1/responses', responsesLineDialect(new OpenAiResponsesDialect()), auth, router),
  '/v1/embeddings': (auth, router) => new EmbeddingsLine(auth, router),
};

/** What POST /v1/batches accepts as `endpoint`. */
export const BATCH_ENDPOINTS: ReadonlySet<string> = new Set(Object.keys(BATCH_LINE_OPERATIONS));

/** Anthropic Message Batches' lines: Messages requests (its own API, not an OpenAI `endpoint`). */
export const ANTHROPIC_MESSAGES = '/v1/messages';

export function batchLineOperations(auth: AuthPort, router: RouterPort): ReadonlyMap<string, BatchLineOperation> {
  const ops = new Map(Object.entries(BATCH_LINE_OPERATIONS).map(([endpoint, make]) => [endpoint, make(auth, router)]));
  ops.set(ANTHROPIC_MESSAGES, new ChatLine(ANTHROPIC_MESSAGES, chatLineDialect(new AnthropicMessagesDialect()), auth, router));
  return ops;
}
