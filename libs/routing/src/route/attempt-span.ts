import type { Attempt } from '@switchyard/ir';
import { type Context, GEN_AI, type Span, SpanKind, SWITCHYARD, contextWith, failSpan, genAiProviderName, startSpan } from '@switchyard/telemetry';
import type { AttemptContext } from './attempt-context.types';

// Outcomes of a try that are not failures of the request: it answered, lost a hedge race or
// the client left (route-events.ts names them).
const NOT_FAILED = new Set(['ok', 'hedge_lost', 'cancelled']);

/** One try of one deployment as a child span of the request's route span (`route.trace`); the adapter call is made in its context. */
export interface AttemptSpan {
  readonly span: Span;
  /** The context the adapter call runs in, so its own spans (or the gRPC hop's) are children of this try. */
  readonly context: Context;
}

export function startAttemptSpan(a: AttemptContext, parent: Context, hedge: boolean): AttemptSpan {
  const d = a.deployment;
  const number = a.route.log.reduce((n, e) => (e.deploymentId ? n + 1 : n), 0) + 1;
  const span = startSpan(`attempt ${number}`, SpanKind.INTERNAL, {
    [SWITCHYARD.attemptNumber]: number,
    [SWITCHYARD.attemptHedge]: hedge,
    [SWITCHYARD.model]: a.model.name,
    [SWITCHYARD.deploymentId]: d.id,
    [SWITCHYARD.providerId]: d.provider.id,
    [SWITCHYARD.region]: d.provider.region,
    [GEN_AI.providerName]: genAiProviderName(d.provider.type),
    [GEN_AI.requestModel]: d.upstreamModel,
  }, parent);
  return { span, context: contextWith(span, parent) };
}

/** Ends the try's span with its log entry: outcome, the upstream's status, and failed unless it answered, lost a race or was cancelled. */
export function endAttemptSpan(s: AttemptSpan, entry: Attempt): void {
  const outcome = entry.outcome;
  s.span.setAttribute(SWITCHYARD.attemptOutcome, outcome);
  if (entry.status) s.span.setAttribute('http.response.status_code', entry.status);
  if (!NOT_FAILED.has(outcome)) failSpan(s.span, outcome);
  s.span.end();
}
