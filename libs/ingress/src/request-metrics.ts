import { Dialect } from '@switchyard/ir';
import { metricSeries } from '@switchyard/telemetry';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { IncomingCall } from './incoming-call';

/**
 * The operation label: what a data-path request asked for, or `reject` for a POST to an API URL
 * we do not serve as asked (an unknown route, a Gemini stream without alt=sse), answered before
 * any operation ran.
 */
export type RequestOperation = 'chat' | 'embeddings' | 'count_tokens' | 'media' | 'reject';

/** What the request metrics need of how a request was served: its UsageTracker, or a token count's own (`servedFacts`). */
export interface ServedFacts {
  /** The router took the model (an answer began, or tries were made): the model is a configured one. */
  readonly routed: boolean;
  readonly model: string;
  readonly provider: string;
  readonly cacheHit: boolean;
  /** Upstream seconds the answer carried; undefined when not measured. */
  readonly upstreamSeconds: number | undefined;
  readonly stream: boolean;
  /** performance.now() at the first content event; 0 before or never. */
  readonly firstTokenClock: number;
}

/** Model and provider of a request that never reached a configured model (refused, unknown model): free text stays out of labels. */
export const UNROUTED = 'none';

const DIALECT_LABELS: Readonly<Record<Dialect, string>> = {
  [Dialect.DIALECT_UNSPECIFIED]: 'unspecified',
  [Dialect.DIALECT_OPENAI]: 'openai',
  [Dialect.DIALECT_ANTHROPIC]: 'anthropic',
  [Dialect.DIALECT_GEMINI]: 'gemini',
  [Dialect.DIALECT_OPENAI_RESPONSES]: 'openai_responses',
};

// Indexed by the status's hundreds digit: no string built per request.
const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/**
 * The ingress's request series at the end of each data-path request (docs/metrics.md):
 * switchyard_request_duration_seconds (the count is its _count), switchyard_gateway_overhead_seconds
 * (the duration minus the upstream seconds the answer carried back from the adapters) and, for
 * streams, switchyard_time_to_first_token_seconds. Labels come from the route's closed sets and
 * the catalogue only: a model the router never took is `none`.
 */
export class RequestMetrics {
  private readonly series = metricSeries();

  /** A request refused before any operation ran (401, 413, an unknown or unservable URL): no model, no upstream. */
  refused(dialect: Dialect, operation: RequestOperation, arrivedAt: number, status: number): void {
    const seconds = (performance.now() - arrivedAt) / 1000;
    const labels = { dialect: DIALECT_LABELS[dialect] ?? 'unspecified', operation, model: UNROUTED, provider: UNROUTED, status_class: STATUS_CLASSES[Math.trunc(status / 100)] ?? '5xx' };
    this.series.requestDuration.observe(labels, seconds);
    // All of it was the gateway's own time.
    this.series.gatewayOverhead.observe(labels, seconds);
  }

  record(dialect: Dialect, operation: RequestOperation, call: IncomingCall, res: ServerResponse, tracker: ServedFacts | undefined, aborted: boolean): void {
    const seconds = (performance.now() - call.arrivedAt) / 1000;
    const routed = tracker?.routed === true;
    const model = routed ? tracker.model : UNROUTED;
    const provider = routed ? tracker.provider || UNROUTED : UNROUTED;
    // A client that left gets 499 in the ledger; its status line may already have said 200.
    const status = aborted ? 499 : res.statusCode;
    const labels = { dialect: DIALECT_LABELS[dialect] ?? 'unspecified', operation, model, provider, status_class: STATUS_CLASSES[Math.trunc(status / 100)] ?? '5xx' };
    this.series.requestDuration.observe(labels, seconds);
    // Upstream time: none for a request the router never took or answered from the cache; what
    // the answer carried otherwise. Not measured (a token count, an adapter that did not say):
    // no overhead sample rather than a wrong one.
    const upstream = !routed || tracker.cacheHit ? 0 : tracker.upstreamSeconds;
    if (upstream !== undefined) this.series.gatewayOverhead.observe(labels, Math.max(0, seconds - upstream));
    if (tracker?.stream && tracker.firstTokenClock) {
      this.series.timeToFirstToken.child({ dialect: labels.dialect, model, provider }).observe((tracker.firstTokenClock - call.arrivedAt) / 1000);
    }
  }
}
