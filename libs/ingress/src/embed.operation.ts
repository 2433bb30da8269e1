import type { EmbedDialect, ParsedEmbed, PathParams } from '@switchyard/dialects';
import { type PiiRedaction, redactEmbedRequest } from '@switchyard/guardrails';
import { Role } from '@switchyard/ir';
import type { ChatRequest, RequestSize, RouterPort } from '@switchyard/ir';
import type { AdmittedCall } from './admitted-call';
import { ESTIMATED_HEADER, answerHeaders } from './answer-headers';
import type { DataOperation } from './data-operation';
import type { PeerSpill } from './region/peer-spill';
import { spillOrFail } from './region/spill-or-fail';
import type { RequestLimits } from './request-limits';
import { sendBody } from './response-writer';
import { UsageTracker } from './usage-tracker';

type Embed = AdmittedCall<EmbedDialect, ParsedEmbed>;

/** POST /v1/embeddings, :embedContent, :batchEmbedContents — one usage event, like chat. */
export class EmbedOperation implements DataOperation<EmbedDialect, ParsedEmbed, PathParams & { batch?: boolean }> {
  readonly operation = 'embeddings';

  constructor(
    private readonly router: RouterPort,
    private readonly limits: RequestLimits,
    private readonly region: string,
    private readonly spill?: PeerSpill,
  ) {}

  parse(dialect: EmbedDialect, body: unknown, path: PathParams & { batch?: boolean }): ParsedEmbed {
    return dialect.parseEmbedRequest(body, path);
  }

  irRequest(parsed: ParsedEmbed): ParsedEmbed['request'] {
    return parsed.request;
  }

  size(parsed: ParsedEmbed): RequestSize {
    return this.limits.embed(parsed.request);
  }

  redact(parsed: ParsedEmbed, redaction: PiiRedaction): void {
    redactEmbedRequest(parsed.request, redaction);
  }

  meter({ dialect, parsed }: Embed): UsageTracker {
    const request = parsed.request;
    // The tracker sees the inputs as one user message, for its fallback estimate.
    const asChat: ChatRequest = {
      model: request.model,
      meta: request.meta,
      messages: [{ role: Role.ROLE_USER, content: (request.inputs).map((i) => ({ part: { $case: 'text' as const, value: { text: i.text, signature: '' } }, cacheControlJson: '' })), name: '' }],
      system: [],
      tools: [],
      stream: false,
      includeUsage: false,
      droppedParams: [],
    };
    return new UsageTracker(asChat, dialect.id, this.region);
  }

  async run(admitted: Embed): Promise<void> {
    const { dialect, call, parsed, res, signal, tracker } = admitted;
    const request = parsed.request;
    const answer = await this.router.embed(request, signal);
    if (answer.start) tracker?.observe({ event: { $case: 'start', value: answer.start } });
    if (answer.usage) tracker?.observe({ event: { $case: 'usage', value: answer.usage } });
    if (tracker && answer.upstreamSeconds !== undefined) tracker.upstreamSeconds = answer.upstreamSeconds;
    if (answer.error) {
      tracker?.observe({ event: { $case: 'error', value: answer.error } });
      return spillOrFail(this.spill, admitted, answer.error);
    }
    if (signal.aborted) return;
    const headers = answerHeaders(request.droppedParams, answer.start);
    if (answer.usageEstimated) headers[ESTIMATED_HEADER] = 'estimated';
    const ctx = { requestId: call.requestId, model: request.model, created: Math.floor(Date.now() / 1000), includeUsage: false };
    sendBody(res, 200, dialect.renderEmbedResponse(answer, parsed, ctx), headers);
  }
}
