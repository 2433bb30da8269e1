import type { Attempt, ChatRequest, ErrorEvent, ResponseEvent } from '@switchyard/ir';
import { iteratorIn, runIn } from '@switchyard/telemetry';
import type { DeploymentEntry } from '../catalogue.types';
import type { DeploymentHealth } from '../health';
import type { DeploymentStats, RetryBudget } from '../selection';
import type { AttemptContext, AttemptResult } from './attempt-context.types';
import { endAttemptSpan, startAttemptSpan } from './attempt-span';
import type { DeploymentCalls } from './deployment-calls';
import type { DeploymentPicker } from './deployment-picker';
import { closeEntry, errorEvent, outcomeName, outcomeOf, regionOf, startOf, unavailable } from './route-events';

/** What a chat attempt sends, and where it records the answer for the response cache. */
export interface StreamCall {
  readonly request: ChatRequest;
  /** Every event relayed, when the answer may be cached; undefined otherwise. */
  readonly recorded: ResponseEvent[] | undefined;
}

/** Whether a call is the attempt's own, or a hedge raced against it. */
type CallRole = 'primary' | 'hedge';

/** One running call to one deployment. */
interface Run {
  readonly d: DeploymentEntry;
  readonly entry: Attempt;
  readonly started: number;
  /** Its own cancellation, only where a hedge race may cancel it; otherwise the client's signal is enough. */
  readonly ctl: AbortController | undefined;
  readonly it: AsyncIterator<ResponseEvent>;
  readonly end: () => void;
  readonly countedAt: number;
}

type Head = { run: Run; result: IteratorResult<ResponseEvent> };

export interface StreamAttemptDeps {
  readonly health: DeploymentHealth;
  readonly stats: DeploymentStats;
  readonly budget: RetryBudget;
  readonly picker: DeploymentPicker;
  readonly calls: DeploymentCalls;
}

/**
 * Chat attempts: one try of one deployment, hedged when the model asks for it. Events are
 * relayed as they come; until the first one, a failure leaves the route loop free to try
 * another deployment, after it nothing is retried.
 */
export class StreamAttempts {
  constructor(private readonly deps: StreamAttemptDeps) {}

  async *run(a: AttemptContext, call: StreamCall): AsyncGenerator<ResponseEvent, AttemptResult<void>> {
    const { signal, log } = a.route;
    const primary = this.begin(a, call.request, 'primary');
    log.push(primary.entry);
    const { run, result } = await this.firstOf(primary, a, call.request);
    if (result.done) {
      this.finish(run, undefined);
      return { served: false, error: unavailable(a.model.name) };
    }
    const first = result.value;
    if (first.event?.$case === 'error') {
      const error = first.event.value;
      a.route.upstreamSeconds += error.upstreamSeconds ?? 0;
      this.finish(run, error);
      return { served: false, error };
    }
    const ttft = Date.now() - run.started;
    run.entry.outcome = 'ok';
    let usageTokens: number | undefined;
    let ev: ResponseEvent | undefined = first;
    try {
      while (ev) {
        const e = ev.event;
        if (e?.$case === 'start') Object.assign(e.value, startOf(a.route, run.d));
        else if (e?.$case === 'usage') {
          usageTokens = e.value.inputTokens + e.value.outputTokens;
          if (e.value.upstreamSeconds !== undefined) e.value.upstreamSeconds += a.route.upstreamSeconds;
        } else if (e?.$case === 'stop') {
          if (e.value.upstreamSeconds !== undefined) e.value.upstreamSeconds += a.route.upstreamSeconds;
        } else if (e?.$case === 'error') {
          if (e.value.upstreamSeconds !== undefined) e.value.upstreamSeconds += a.route.upstreamSeconds;
          // After the first byte nothing is retried; the failure still counts against the deployment.
          run.entry.outcome = outcomeName(e.value);
          this.finish(run, e.value);
          call.recorded?.push(ev);
          yield ev;
          return { served: true, value: undefined };
        }
        call.recorded?.push(ev);
        yield ev;
        if (signal.aborted) break;
        const next = await run.it.next();
        ev = next.done ? undefined : next.value;
      }
    } finally {
      if (signal.aborted) {
        run.entry.outcome = 'cancelled';
        run.ctl?.abort();
        this.release(run);
      }
    }
    if (!signal.aborted) {
      const { stats } = this.deps;
      stats.observe(run.d.id, { ttftMs: ttft, totalMs: Date.now() - run.started });
      if (usageTokens !== undefined) stats.addTokens(run.d.id, usageTokens - a.route.estimate, run.countedAt);
      this.finish(run, undefined);
    }
    return { served: true, value: undefined };
  }

  /**
   * The first event of an attempt, racing a hedge when the model has one and no event came
   * within its threshold: whichever deployment answers first goes on, the other is cancelled.
   */
  private async firstOf(primary: Run, a: AttemptContext, request: ChatRequest): Promise<Head> {
    const pending = primary.it.next();
    const threshold = this.hedgeAfterMs(a);
    if (threshold === undefined) return { run: primary, result: await pending };
    let timer: NodeJS.Timeout | undefined;
    const fired = new Promise<'hedge'>((resolve) => {
      timer = setTimeout(() => resolve('hedge'), threshold);
    });
    const early = await Promise.race([pending.then((result) => ({ run: primary, result })), fired]);
    clearTimeout(timer);
    if (early !== 'hedge') return early;
    if (a.route.signal.aborted) return { run: primary, result: await pending };
    const second = this.deps.picker.pick(a);
    if (!second || !this.deps.budget.tryRetry()) return { run: primary, result: await pending };
    a.tried.add(second.id);
    const hedge = this.begin({ ...a, deployment: second }, request, 'hedge');
    a.route.log.push(hedge.entry);
    const racers = new Map<Run, Promise<Head>>([
      [primary, pending.then((result) => ({ run: primary, result }))],
      [hedge, hedge.it.next().then((result) => ({ run: hedge, result }))],
    ]);
    for (;;) {
      const settled = await Promise.race(racers.values());
      racers.delete(settled.run);
      const ev = settled.result.done ? undefined : settled.result.value;
      // A racer that failed before its first event loses only if the other can still answer.
      if (ev?.event?.$case === 'error' && racers.size) {
        this.finish(settled.run, ev.event.value);
        continue;
      }
      for (const loser of racers.keys()) this.cancel(loser, 'hedge_lost');
      return settled;
    }
  }

  /** The hedge threshold of the attempt's model on its deployment: a fixed delay, or that deployment's TTFT percentile. */
  private hedgeAfterMs(a: AttemptContext): number | undefined {
    const h = a.model.hedge;
    if (!h) return undefined;
    if (h.afterMs !== undefined) return h.afterMs;
    return this.deps.stats.ttftPercentile(a.deployment.id, h.percentile ?? 95);
  }

  /** Starts a call to the attempt's deployment; the caller must end it with finish() or release(). */
  private begin(a: AttemptContext, request: ChatRequest, role: CallRole): Run {
    const { stats, calls } = this.deps;
    const { deployment: d, model } = a;
    const { signal, estimate } = a.route;
    // An AbortController and two listener calls per request showed in profiles: only attempts
    // of a hedged model, which a race may cancel, get their own.
    const ctl = model.hedge ? new AbortController() : undefined;
    const onAbort = () => ctl?.abort();
    if (ctl) signal.addEventListener('abort', onAbort, { once: true });
    const endStats = stats.begin(d.id);
    const countedAt = stats.countRequest(d.id, estimate);
    const entry: Attempt = { deploymentId: d.id, providerId: d.provider.id, model: model.name, outcome: 'pending', hedge: role === 'hedge', status: 0, durationMs: 0, ...regionOf(d) };
    const adapter = calls.adapterOf(d);
    const generate = () => (adapter ? adapter.generate({ request, target: calls.targetOf(d), timeouts: calls.timeoutsOf(model) }, ctl?.signal ?? signal) : only(errorEvent(calls.noAdapter(d))));
    // With tracing on (the route span's context is set), the try is a span and the adapter call runs in its context.
    const traced = a.route.trace && startAttemptSpan(a, a.route.trace, role === 'hedge');
    const it = traced ? iteratorIn(traced.context, runIn(traced.context, generate)[Symbol.asyncIterator]()) : generate()[Symbol.asyncIterator]();
    return {
      d,
      entry,
      started: Date.now(),
      ctl,
      it,
      countedAt,
      end: () => {
        if (ctl) signal.removeEventListener('abort', onAbort);
        endStats();
        if (traced) endAttemptSpan(traced, entry);
      },
    };
  }

  /** Ends a call that succeeded or failed: its log entry, and its deployment's health (a 429 starts a cooldown). */
  private finish(run: Run, error: ErrorEvent | undefined): void {
    closeEntry(run.entry, run.started, error);
    this.deps.health.record(run.d.id, outcomeOf(error));
    run.end();
  }

  /** Ends a call that neither succeeded nor failed (client gone, lost a hedge race). */
  private release(run: Run): void {
    run.entry.durationMs = Date.now() - run.started;
    this.deps.health.release(run.d.id);
    run.end();
  }

  private cancel(run: Run, outcome: string): void {
    run.entry.outcome = outcome;
    run.ctl?.abort();
    void run.it.return?.(undefined).catch(() => undefined);
    this.release(run);
  }
}

async function* only(event: ResponseEvent): AsyncGenerator<ResponseEvent> {
  yield event;
}
