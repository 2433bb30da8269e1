import type { ChatDialect, OpenAiResponsesDialect, RenderedBody } from '@switchyard/dialects';
import { responseIdOf } from '@switchyard/dialects';
import { redactChatRequest, restoreResponse } from '@switchyard/guardrails';
import { IrError, ResponseFolder, chatRequestSize, estimatePromptTokens, tokensOfChars } from '@switchyard/ir';
import type { AuthPort, ChatRequest, Dialect, ErrorEvent, ResponseEvent, RouterPort } from '@switchyard/ir';
import type { BatchLineOperation, LineContext, LineOutcome } from './batch-line.operation';
import { errorAnswer, parseFailure, refusedAnswer } from './line-answers';
import { admitLine, backOffMs, isBackOff, keepLease, lineMeta, settleLine } from './line-admission';
import { lineUsageEvent } from './line-usage';

/** What is needed of a client dialect to run its requests as batch lines. */
export interface LineDialect {
  readonly id: Dialect;
  /** The line's body as an IR request, and how to render its answer; throws IrError. */
  parse(body: unknown): { chat: ChatRequest; render(folded: ResponseFolder['value'], events: readonly ResponseEvent[], at: { answerId: string; startedAt: number }): string };
  renderError(error: ErrorEvent): RenderedBody;
}

/** A chat dialect (OpenAI Chat Completions, Anthropic Messages) as batch lines. */
export function chatLineDialect(dialect: ChatDialect): LineDialect {
  return {
    id: dialect.id,
    parse: (body) => {
      const chat = dialect.parseRequest(body);
      return { chat, render: (folded, _events, at) => dialect.renderResponse(folded, { requestId: at.answerId, model: chat.model, created: Math.floor(at.startedAt / 1000), includeUsage: true }) };
    },
    renderError: (error) => dialect.renderError(error),
  };
}

/**
 * OpenAI Responses requests as batch lines: the Response object built from the line's events.
 * A line is never stored (batches answer in their output file), so `previous_response_id`, which
 * needs a stored conversation, is refused per line.
 */
export function responsesLineDialect(dialect: OpenAiResponsesDialect): LineDialect {
  return {
    id: dialect.id,
    parse: (body) => {
      const call = dialect.parseRequest(body);
      if (call.echo.previousResponseId) throw IrError.invalid('previous_response_id: not available in a batch line (batch answers are not stored)', 'previous_response_id');
      const echo = { ...call.echo, store: false };
      return {
        chat: call.chat,
        render: (_folded, events, at) => {
          const answer = dialect.createAnswer({ responseId: responseIdOf(at.answerId), createdAt: Math.floor(at.startedAt / 1000), model: call.chat.model, echo }, false);
          for (const ev of events) answer.event(ev);
          return JSON.stringify(answer.response());
        },
      };
    },
    renderError: (error) => dialect.renderError(error),
  };
}

/**
 * Chat lines in a client dialect around `RouterPort.route`: `/v1/chat/completions` and
 * `/v1/responses` (OpenAI Batches) and `/v1/messages` (Anthropic Message Batches) are this with
 * their dialect.
 */
export class ChatLine implements BatchLineOperation {
  private readonly renderError: LineDialect['renderError'];

  constructor(
    readonly endpoint: string,
    private readonly dialect: LineDialect,
    private readonly auth: AuthPort,
    private readonly router: RouterPort,
  ) {
    this.renderError = dialect.renderError;
  }

  async run(body: Record<string, unknown>, ctx: LineContext): Promise<LineOutcome> {
    const arrivedAt = Date.now();
    let chat: ChatRequest;
    let render: ReturnType<LineDialect['parse']>['render'];
    try {
      ({ chat, render } = this.dialect.parse(body));
    } catch (err) {
      return refusedAnswer(this.renderError, parseFailure(err), { ctx, dialect: this.dialect.id, model: '', startedAt: arrivedAt });
    }
    // A batch answer is a whole JSON body; `stream` has no meaning in a file.
    chat.stream = false;
    chat.includeUsage = false;
    // The create request's vendor headers, as the ingress puts a live request's own on it; the
    // provider forwards them only to an upstream of the client's family (docs/configuration.md).
    if (ctx.vendorHeaders.length) chat.vendorHeaders = { headers: [...ctx.vendorHeaders] };
    const admitted = await admitLine(this.auth, ctx, this.dialect.id, chat.model, chatRequestSize(chat), (r) => redactChatRequest(chat, r));
    if (!('principal' in admitted)) {
      if (isBackOff(admitted.error)) return { kind: 'wait', afterMs: backOffMs(admitted.error) };
      return refusedAnswer(this.renderError, admitted.error, { ctx, dialect: this.dialect.id, model: chat.model, startedAt: arrivedAt, pii: admitted.pii });
    }
    if (admitted.maxOutputTokens && !chat.sampling?.maxTokens) chat.sampling = { stop: [], ...chat.sampling, maxTokens: admitted.maxOutputTokens };
    chat.meta = lineMeta(ctx, admitted.principal, this.dialect.id);
    const startedAt = Date.now();
    const release = keepLease(this.auth, admitted.ticket);
    const folder = new ResponseFolder();
    const events: ResponseEvent[] = [];
    try {
      const routed = this.router.route(chat, ctx.signal);
      // Placeholders the upstream echoes are put back, as the ingress does for chat (mask with restore).
      for await (const ev of admitted.pii?.restore ? restoreResponse(routed, admitted.pii.restore) : routed) {
        folder.add(ev);
        events.push(ev);
      }
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
    const event = lineUsageEvent(ctx, { dialect: this.dialect.id, model: chat.model, start: folded.start.providerId ? folded.start : undefined, usage, error, startedAt, pii: admitted.pii });
    await settleLine(this.auth, admitted.ticket, chat.model, event.usage, startedAt);
    if (error) return errorAnswer(this.renderError, error, event);
    const rendered = render(folded, events, { answerId: ctx.answerId, startedAt });
    return { kind: 'answered', statusCode: 200, body: JSON.parse(rendered) as unknown, usage: event };
  }
}
