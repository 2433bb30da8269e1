import { ErrorKind } from '@switchyard/ir';
import type { ErrorEvent, ResponseEvent } from '@switchyard/ir';
import { abortableSleep } from '@switchyard/shared';
import type { CatalogueStore } from '../catalogue.store';
import type { ModelEntry } from '../catalogue.types';
import { type RetryBudget, backoffMs } from '../selection';
import type { ModelTurn, RouteContext, RouteEnd, RunAttempt } from './attempt-context.types';
import type { DeploymentPicker } from './deployment-picker';
import { regionRefusal, skipped, unavailable, unknownModel } from './route-events';

/** Longest wait for a retry: a longer retry-after is not waited out. */
const MAX_RETRY_WAIT_MS = 10_000;

/** What the client asked, as the loop needs it. */
export interface RouteAsk {
  /** The public model name. */
  readonly model: string;
  readonly regions: readonly string[];
  readonly estimate: number;
  readonly signal: AbortSignal;
}

/** A request ready for the loop: its context and its chain of models; or the error that answers it at once. */
export type RoutePlan = { readonly route: RouteContext; readonly chain: ModelEntry[] } | { readonly error: ErrorEvent };

export interface RouteLoopDeps {
  readonly catalogue: CatalogueStore;
  readonly picker: DeploymentPicker;
  readonly budget: RetryBudget;
  /** routing.retries: tries after the first, per model of the chain. */
  readonly retries: number;
  /**
   * region.spillover.enabled: with nothing usable, end with `noUsableDeployment` (the ingress
   * forwards to a peer region) instead of trying a deployment anyway (panic mode).
   */
  readonly spillover?: boolean;
}

/**
 * The one retry-and-fallback loop, for chat streams, embeddings and token counts alike: along
 * the model chain (context window, then fallbacks), per model up to `retries` more tries on
 * other deployments, with full-jitter backoff floored by the `retry-after` of the deployment
 * that said it; with nothing left to try but a retry-after short enough, it waits that out.
 * Every retry needs room in the retry budget. A non-retryable failure, or any after the first
 * event reached the client (the attempt says served), ends it.
 */
export class RouteLoop {
  constructor(private readonly deps: RouteLoopDeps) {}

  plan(ask: RouteAsk): RoutePlan {
    const first = this.deps.catalogue.model(ask.model);
    if (!first) return { error: unknownModel(ask.model) };
    const chain = this.deps.catalogue.chainOf(first, ask.estimate);
    const outside = regionRefusal(chain, ask.regions);
    if (outside) return { error: outside };
    const route: RouteContext = { requested: ask.model, regions: ask.regions, estimate: ask.estimate, signal: ask.signal, log: [], upstreamSeconds: 0 };
    if (first !== chain[0]) route.log.push({ deploymentId: '', providerId: '', model: first.name, outcome: 'context_window_exceeded', hedge: false, status: 0, durationMs: 0 });
    return { route, chain };
  }

  async *run<T>(route: RouteContext, chain: ModelEntry[], attempt: RunAttempt<T>): AsyncGenerator<ResponseEvent, RouteEnd<T>> {
    const { picker, budget, catalogue, retries } = this.deps;
    const { signal, log } = route;
    budget.recordRequest();
    let last: ErrorEvent | undefined;
    let lastId = '';
    let attempts = 0;
    // Whether the last model of the chain ran out of usable deployments (rather than of retries).
    let exhausted = false;
    const spillover = this.deps.spillover === true;
    for (let m = 0; m < chain.length; m++) {
      const model = chain[m] as ModelEntry;
      const turn: ModelTurn = { route, model, tried: new Set() };
      exhausted = false;
      for (let i = 0; i <= retries; i++) {
        let d = picker.pickNext(turn, { panic: !spillover && attempts === 0 && m === chain.length - 1 });
        // Nothing else to go to, but the upstream said when to come back, soon enough: wait it out.
        const wait = last?.retryable ? (last.retryAfterMs) : 0;
        if (!d && last && wait > 0 && wait <= MAX_RETRY_WAIT_MS) {
          await abortableSleep(wait, signal);
          if (signal.aborted) return CANCELLED;
          last = { ...last, retryAfterMs: 0 };
          d = picker.pick(turn);
        }
        if (!d) {
          exhausted = true;
          break;
        }
        turn.tried.add(d.id);
        if (attempts > 0) {
          if (!budget.tryRetry()) {
            log.push(skipped(model, d, 'retry_budget_exhausted'));
            return failed(last ?? unavailable(model.name), route);
          }
          await abortableSleep(retryWaitMs(attempts, d.id === lastId ? last : undefined), signal);
          if (signal.aborted) return CANCELLED;
        }
        attempts++;
        lastId = d.id;
        const result = yield* attempt({ ...turn, deployment: d });
        if (result.served) return { status: 'served', value: result.value };
        last = result.error;
        if (signal.aborted) return CANCELLED;
        // A prompt too long for this model goes to the configured larger one, once.
        if (last.kind === ErrorKind.ERROR_KIND_CONTEXT_LENGTH && model.contextFallback && m === chain.length - 1) {
          const big = catalogue.model(model.contextFallback);
          if (big && !chain.includes(big)) chain.push(big);
          break;
        }
        if (!last.retryable) return failed(last, route);
      }
    }
    const end = failed(last ?? unavailable(route.requested), route);
    // Nothing usable left at the end of the chain: a peer region may serve it (docs/architecture.md §6, Regions).
    if (spillover && exhausted) end.error.noUsableDeployment = true;
    return end;
  }
}

const CANCELLED = { status: 'cancelled' } as const;

function failed(error: ErrorEvent, route: RouteContext): { status: 'failed'; error: ErrorEvent } {
  // Upstream time only when some upstream call was made (see RouteContext.upstreamSeconds).
  return { status: 'failed', error: { ...error, attemptLog: route.log, ...(route.upstreamSeconds > 0 ? { upstreamSeconds: route.upstreamSeconds } : {}) } };
}

/**
 * The backoff before a retry. `sameDeployment` is the last failure when the retry goes back to
 * the deployment that failed: its retry-after binds that one (now cooling down), not another.
 */
function retryWaitMs(attempt: number, sameDeployment: ErrorEvent | undefined): number {
  return Math.min(MAX_RETRY_WAIT_MS, backoffMs(attempt, sameDeployment?.retryAfterMs ?? 0));
}
