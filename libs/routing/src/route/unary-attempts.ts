import type { AdapterPort, Attempt, ErrorEvent, StartEvent, Target, Timeouts } from '@switchyard/ir';
import { runIn } from '@switchyard/telemetry';
import type { DeploymentHealth } from '../health';
import type { DeploymentStats } from '../selection';
import type { AttemptContext, AttemptResult } from './attempt-context.types';
import { endAttemptSpan, startAttemptSpan } from './attempt-span';
import type { DeploymentCalls } from './deployment-calls';
import { closeEntry, outcomeOf, regionOf, startOf } from './route-events';

/** A single-answer reply (embeddings, token counts): an error, or an answer stamped with a start. */
export interface UnaryAnswer {
  error?: ErrorEvent | undefined;
  start?: StartEvent | undefined;
  /** The upstream time of the answer (the gateway-overhead series); the failed tries' before it are added here. */
  upstreamSeconds?: number | undefined;
}

/** What one unary call to a deployment is sent with, besides the request the caller holds. */
export interface UnaryCall {
  readonly target: Target;
  readonly timeouts: Timeouts;
}

export type UnaryInvoke<R> = (adapter: AdapterPort, call: UnaryCall) => Promise<R>;

/**
 * One kind of unary call: how to make it, and how its failed answer is built. The failed answer
 * is a whole message (embeddings: [], usageEstimated: false, ...): the generated encoder throws on
 * a missing required field, so a bare `{ error }` cannot cross gRPC.
 */
export interface UnaryKind<R extends UnaryAnswer> {
  readonly invoke: UnaryInvoke<R>;
  readonly failed: (error: ErrorEvent) => R;
}

export interface UnaryAttemptDeps {
  readonly health: DeploymentHealth;
  readonly stats: DeploymentStats;
  readonly calls: DeploymentCalls;
}

/**
 * Unary attempts: one call of one deployment for embeddings and token counts. Nothing reaches
 * the client before the answer, so every failure leaves the route loop free to go on. They are
 * counted in flight and in health like chat attempts, not against the deployment's rpm/tpm.
 */
export class UnaryAttempts {
  constructor(private readonly deps: UnaryAttemptDeps) {}

  // A generator that yields nothing: the route loop relays what attempts yield, and unary ones have nothing to relay.
  async *run<R extends UnaryAnswer>(a: AttemptContext, kind: UnaryKind<R>): AsyncGenerator<never, AttemptResult<R>> {
    const { health, stats, calls } = this.deps;
    const d = a.deployment;
    const entry: Attempt = { deploymentId: d.id, providerId: d.provider.id, model: a.model.name, outcome: 'ok', hedge: false, status: 0, durationMs: 0, ...regionOf(d) };
    // Before the entry joins the log: the try's number counts the tries before it.
    const traced = a.route.trace && startAttemptSpan(a, a.route.trace, false);
    a.route.log.push(entry);
    const started = Date.now();
    const adapter = calls.adapterOf(d);
    const end = stats.begin(d.id);
    const call = () => kind.invoke(adapter as AdapterPort, { target: calls.targetOf(d), timeouts: calls.timeoutsOf(a.model) });
    // No adapter serves the provider family: answered like a failed call, as chat attempts are.
    let answer: R;
    try {
      answer = adapter ? await (traced ? runIn(traced.context, call) : call()) : kind.failed(calls.noAdapter(d));
    } finally {
      end();
    }
    closeEntry(entry, started, answer.error);
    if (traced) endAttemptSpan(traced, entry);
    health.record(d.id, outcomeOf(answer.error));
    if (answer.error) {
      // The route loop sets the sum on the final error when every try failed.
      a.route.upstreamSeconds += answer.error.upstreamSeconds ?? 0;
      return { served: false, error: answer.error };
    }
    if (answer.upstreamSeconds !== undefined) answer.upstreamSeconds += a.route.upstreamSeconds;
    stats.observe(d.id, { totalMs: entry.durationMs });
    answer.start = { id: '', droppedParams: [], cacheHit: false, ...answer.start, ...startOf(a.route, d) };
    return { served: true, value: answer };
  }
}
