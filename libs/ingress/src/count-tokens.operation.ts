import type { CountTokensDialect, PathParams } from '@switchyard/dialects';
import { type PiiRedaction, redactChatRequest } from '@switchyard/guardrails';
import type { ChatRequest, CountTokensResponse, RequestSize, RouterPort } from '@switchyard/ir';
import type { AdmittedCall } from './admitted-call';
import { ESTIMATED_HEADER } from './answer-headers';
import type { DataOperation } from './data-operation';
import type { PeerSpill } from './region/peer-spill';
import { spillOrFail } from './region/spill-or-fail';
import type { ServedFacts } from './request-metrics';
import { sendBody } from './response-writer';
import { carryVendorHeaders } from './vendor-headers';

// Counts as a request (per minute, concurrency) that consumes no tokens.
const NO_TOKENS: RequestSize = { inputEstimate: 0, inputBound: 0, maxOutput: 0 };
const ESTIMATED: Record<string, string> = { [ESTIMATED_HEADER]: 'estimated' };

/** POST /v1/messages/count_tokens, :countTokens — admitted like a chat request, not metered. */
export class CountTokensOperation implements DataOperation<CountTokensDialect, ChatRequest, PathParams> {
  readonly operation = 'count_tokens';

  constructor(
    private readonly router: RouterPort,
    private readonly spill?: PeerSpill,
  ) {}

  parse(dialect: CountTokensDialect, body: unknown, path: PathParams): ChatRequest {
    return dialect.parseCountTokens(body, path);
  }

  irRequest(chat: ChatRequest): ChatRequest {
    return chat;
  }

  size(): RequestSize {
    return NO_TOKENS;
  }

  /** The texts are counted upstream too (Anthropic, Gemini): they are masked like a chat's. */
  redact(chat: ChatRequest, redaction: PiiRedaction): void {
    redactChatRequest(chat, redaction);
  }

  meter(): undefined {
    return undefined;
  }

  async run(admitted: AdmittedCall<CountTokensDialect, ChatRequest>): Promise<void> {
    const { dialect, parsed, res, signal } = admitted;
    carryVendorHeaders(parsed, dialect.id, admitted.call.headers);
    const counted = await this.router.countTokens(parsed, signal);
    admitted.served = servedFacts(parsed.model, counted);
    if (counted.error) return spillOrFail(this.spill, admitted, counted.error);
    sendBody(res, 200, dialect.renderCountTokens(counted), counted.estimated ? ESTIMATED : undefined);
  }
}

/** How a count was served, for the request metrics: the deployment that answered (or tried last) and the upstream time. */
function servedFacts(model: string, counted: CountTokensResponse): ServedFacts {
  const tried = counted.start?.providerId ?? counted.error?.attemptLog.findLast((a) => a.deploymentId)?.providerId ?? '';
  const upstreamSeconds = counted.error ? counted.error.upstreamSeconds : counted.upstreamSeconds;
  return { routed: tried !== '', model, provider: tried, cacheHit: false, upstreamSeconds, stream: false, firstTokenClock: 0 };
}
