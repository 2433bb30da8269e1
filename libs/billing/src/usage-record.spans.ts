import type { UsageEvent } from '@switchyard/ir';
import { GEN_AI, SEMCONV, type Span, SpanKind, SWITCHYARD, contextOfTraceparent, failSpan, startSpan } from '@switchyard/telemetry';

/**
 * Billing's part of each request's trace (docs/architecture.md §9, Traces): one span per event
 * that carried its request's trace context, a child of the ingress's request span, covering the
 * batch's pricing and insert (the work that recorded it). Parent per event, not one batch span
 * linked to many traces: the request's trace then shows where its usage went and when, and a
 * tracing backend finds it without following links. Events without a context get no span.
 */
export class UsageRecordSpans {
  private readonly spans: (Span | undefined)[];

  constructor(events: readonly UsageEvent[], traceparents: readonly string[]) {
    this.spans = events.map((e, i) => {
      const traceparent = traceparents[i];
      if (!traceparent) return undefined;
      return startSpan('usage record', SpanKind.CONSUMER, {
        [SEMCONV.messagingSystem]: 'switchyard.usage',
        [SEMCONV.messagingOperationName]: 'process',
        [SEMCONV.messagingBatchCount]: events.length,
        [SWITCHYARD.requestId]: e.requestId,
        [SWITCHYARD.tenantId]: e.tenantId,
        [SWITCHYARD.usageStatus]: e.status,
        [GEN_AI.requestModel]: e.model,
        [GEN_AI.usageInputTokens]: e.usage?.inputTokens ?? 0,
        [GEN_AI.usageOutputTokens]: e.usage?.outputTokens ?? 0,
      }, contextOfTraceparent(traceparent));
    });
  }

  /** The cost the event was priced at (USD). */
  cost(index: number, costUsd: number): void {
    this.spans[index]?.setAttribute(SWITCHYARD.costUsd, costUsd);
  }

  /** Ends every span; failed when the batch failed (the queue retries it). */
  end(failure: unknown): void {
    for (const span of this.spans) {
      if (!span) continue;
      if (failure !== undefined) failSpan(span, failure instanceof Error ? failure.name : 'error');
      span.end();
    }
  }
}
