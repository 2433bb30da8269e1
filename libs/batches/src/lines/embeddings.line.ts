import { OpenAiEmbeddingsDialect } from '@switchyard/dialects';
import type { ParsedEmbed } from '@switchyard/dialects';
import { redactEmbedRequest } from '@switchyard/guardrails';
import { embedRequestSize } from '@switchyard/ir';
import type { AuthPort, EmbedResponse, RouterPort } from '@switchyard/ir';
import type { BatchLineOperation, LineContext, LineOutcome } from './batch-line.operation';
import { errorAnswer, parseFailure, refusedAnswer } from './line-answers';
import { admitLine, backOffMs, isBackOff, keepLease, lineMeta, settleLine } from './line-admission';
import { lineUsageEvent } from './line-usage';

const EMBEDDINGS = new OpenAiEmbeddingsDialect();
const renderError = EMBEDDINGS.renderError.bind(EMBEDDINGS);

/** `/v1/embeddings` lines: the OpenAI embeddings dialect around `RouterPort.embed`. */
export class EmbeddingsLine implements BatchLineOperation {
  readonly endpoint = '/v1/embeddings';

  constructor(
    private readonly auth: AuthPort,
    private readonly router: RouterPort,
  ) {}

  async run(body: Record<string, unknown>, ctx: LineContext): Promise<LineOutcome> {
    const arrivedAt = Date.now();
    let parsed: ParsedEmbed;
    try {
      parsed = EMBEDDINGS.parseEmbedRequest(body);
    } catch (err) {
      return refusedAnswer(renderError, parseFailure(err), { ctx, dialect: EMBEDDINGS.id, model: '', startedAt: arrivedAt });
    }
    const request = parsed.request;
    const admitted = await admitLine(this.auth, ctx, EMBEDDINGS.id, request.model, embedRequestSize(request), (r) => redactEmbedRequest(request, r));
    if (!('principal' in admitted)) {
      if (isBackOff(admitted.error)) return { kind: 'wait', afterMs: backOffMs(admitted.error) };
      return refusedAnswer(renderError, admitted.error, { ctx, dialect: EMBEDDINGS.id, model: request.model, startedAt: arrivedAt, pii: admitted.pii });
    }
    request.meta = lineMeta(ctx, admitted.principal, EMBEDDINGS.id);
    const startedAt = Date.now();
    const release = keepLease(this.auth, admitted.ticket);
    let answer: EmbedResponse;
    try {
      answer = await this.router.embed(request, ctx.signal);
    } finally {
      release();
    }
    const error = answer.error;
    if (error && isBackOff(error) && !ctx.signal.aborted) {
      await settleLine(this.auth, admitted.ticket, request.model, undefined, startedAt);
      return { kind: 'wait', afterMs: backOffMs(error) };
    }
    const event = lineUsageEvent(ctx, { dialect: EMBEDDINGS.id, model: request.model, start: answer.start, usage: answer.usage, error, startedAt, pii: admitted.pii });
    await settleLine(this.auth, admitted.ticket, request.model, event.usage, startedAt);
    if (error) return errorAnswer(renderError, error, event);
    const rendered = EMBEDDINGS.renderEmbedResponse(answer, parsed, { requestId: ctx.requestId, model: request.model, created: Math.floor(startedAt / 1000), includeUsage: false });
    return { kind: 'answered', statusCode: 200, body: JSON.parse(rendered) as unknown, usage: event };
  }
}
