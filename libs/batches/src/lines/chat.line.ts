import type { ChatDialect } from '@switchyard/dialects';
import { ResponseFolder, chatRequestSize, estimatePromptTokens, tokensOfChars } from '@switchyard/ir';
import type { AuthPort, ChatRequest, RouterPort } from '@switchyard/ir';
import type { BatchLineOperation, LineContext, LineOutcome } from './batch-line.operation';
import { errorAnswer, parseFailure } from './line-answers';
import { admitLine, backOffMs, isBackOff, keepLease, lineMeta, settleLine } from './line-admission';
import { lineUsageEvent } from './line-usage';

/**
 * Chat lines in a client dialect around `RouterPort.route`: `/v1/chat/completions` (OpenAI
 * Batches) and `/v1/messages` (Anthropic Message Batches) are this with their dialect.
 */
export class ChatLine implements BatchLineOperation {
  private readonly renderError: ChatDialect['renderError'];

  constructor(
    readonly endpoint: string,
    private readonly dialect: ChatDialect,
    private readonly auth: AuthPort,
    private readonly router: RouterPort,
  ) {
    this.renderError = dialect.renderError.bind(dialect);
  }

  async run(body: Record<string, unknown>, ctx: LineContext): Promise<LineOutcome> {
    let chat: ChatRequest;
    try {
      chat = this.dialect.parseRequest(body);
    } catch (err) {
      return errorAnswer(this.renderError, parseFailure(err));
    }
    // A batch answer is a whole JSON body; `stream` has no meaning in a file.
    chat.stream = false;
    chat.includeUsage = false;
    const admitted = await admitLine(this.auth, ctx, this.dialect.id, chat.model, chatRequestSize(chat));
    if (!('principal' in admitted)) return isBackOff(admitted) ? { kind: 'wait', afterMs: backOffMs(admitted) } : errorAnswer(this.renderError, admitted);
    if (admitted.maxOutputTokens && !chat.sampling?.maxTokens) chat.sampling = { stop: [], ...chat.sampling, maxTokens: admitted.maxOutputTokens };
    chat.meta = lineMeta(ctx, admitted.principal, this.dialect.id);
    const startedAt = Date.now();
    const release = keepLease(this.auth, admitted.ticket);
    const folder = new ResponseFolder();
    try {
      for await (const ev of this.router.route(chat, ctx.signal)) folder.add(ev);
    } finally {
      release();
    }
    const folded = folder.value;
    const error = folded.error;
    // Every upstream said "not now" after the router's retries: wait, unmetered (nothing was served).
    if (error && isBackOff(error) && !ctx.signal.aborted) {
      await settleLine(this.auth, admitted.ticket, chat.model, undefined, startedAt);
      return { kind: 'wait', afterMs: backOffMs(error) };
    }
    const outputChars = folded.choices.reduce((n, c) => n + c.text.length, 0);
    const usage = folded.usage ?? (error ? undefined : { inputTokens: estimatePromptTokens(chat), outputTokens: tokensOfChars(outputChars), cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 });
    const event = lineUsageEvent(ctx, { dialect: this.dialect.id, model: chat.model, start: folded.start.providerId ? folded.start : undefined, usage, error, startedAt });
    await settleLine(this.auth, admitted.ticket, chat.model, event.usage, startedAt);
    if (error) return errorAnswer(this.renderError, error, event);
    const rendered = this.dialect.renderResponse(folded, { requestId: ctx.requestId, model: chat.model, created: Math.floor(startedAt / 1000), includeUsage: true });
    return { kind: 'answered', statusCode: 200, body: JSON.parse(rendered) as unknown, usage: event };
  }
}
