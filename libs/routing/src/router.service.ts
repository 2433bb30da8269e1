import { Logger, OnModuleDestroy } from '@nestjs/common';
import { isCacheable, responseCacheKey, type ResponseCache } from '@switchyard/cache';
import { ADAPTER_FAMILY_OF, type RoutingConfig } from '@switchyard/config';
import { ErrorKind, Role, estimatePromptTokens, isRetryableStatus } from '@switchyard/ir';
import type {
  AdapterPort,
  AdapterPorts,
  Attempt,
  ChatRequest,
  CountTokensResponse,
  EmbedRequest,
  EmbedResponse,
  ErrorEvent,
  HealthStateResponse,
  ListModelsResponse,
  ResponseEvent,
  RouterPort,
  StartEvent,
  Target,
  Timeouts,
} from '@switchyard/ir';
import type { CatalogueSnapshot, CatalogueSource, DeploymentEntry, ModelEntry } from './catalogue.types';
import { DeploymentHealth, HealthProber, type AttemptOutcome } from './health';
import { DeploymentStats, RetryBudget, backoffMs, pickDeployment } from './selection';
import { UPSTREAM_FAULTS } from '@switchyard/providers';

// Provider types come from the database as strings; unknown ones have no family.
const FAMILY: Readonly<Record<string, string | undefined>> = ADAPTER_FAMILY_OF;
const REFRESH_MS = 10_000;
const MAX_RETRY_WAIT_MS = 10_000;
const PROBE_REQUEST: ChatRequest = {
  model: 'probe',
  messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'ping' } } }] }],
  sampling: { maxTokens: 1, stop: [] },
};

function errorEvent(value: ErrorEvent): ResponseEvent {
  return { event: { $case: 'error', value } };
}

/** How one attempt ended, as the route loop needs to know it. */
type AttemptResult = { done: true } | { done: false; error: ErrorEvent };

/** One running call to one deployment. */
interface Run {
  d: DeploymentEntry;
  model: ModelEntry;
  entry: Attempt;
  started: number;
  /** Its own cancellation, only where a hedge race may cancel it; otherwise the client's signal is enough. */
  ctl: AbortController | undefined;
  it: AsyncIterator<ResponseEvent>;
  end: () => void;
  countedAt: number;
  estimate: number;
}

/**
 * Picks deployments and keeps requests alive when upstreams fail (DESIGN.md §1, issue 5):
 * strategies within priority tiers, health (circuit breakers, cooldowns, outlier ejection,
 * probes), retries under a retry budget, fallbacks (chains and context window), hedging and
 * the response cache. Health, latency and limit state are per router replica (see
 * docs/architecture.md §1, router); the response cache is shared through Redis in cluster mode.
 */
export class RouterService implements RouterPort, OnModuleDestroy {
  private readonly log = new Logger(RouterService.name);
  private snapshot: CatalogueSnapshot = { models: new Map() };
  private byId = new Map<string, { model: ModelEntry; d: DeploymentEntry }>();
  /** Loads started and the newest applied: a slow older load must not replace a newer snapshot. */
  private loadsStarted = 0;
  private newestApplied = 0;
  private timer: NodeJS.Timeout | undefined;
  private keyCursor = 0;
  readonly health: DeploymentHealth;
  readonly stats = new DeploymentStats();
  readonly budget: RetryBudget;
  private readonly prober: HealthProber;

  constructor(
    private readonly source: CatalogueSource,
    private readonly adapters: AdapterPorts,
    private readonly config: RoutingConfig,
    private readonly cache?: ResponseCache,
  ) {
    this.health = new DeploymentHealth(config);
    this.budget = new RetryBudget(config.retryBudget);
    // The prober only ticks; DeploymentHealth decides when each deployment is due.
    this.prober = new HealthProber(this.health, (id) => this.probe(id), Math.min(1000, config.probes.intervalMs));
  }

  /** Loads the catalogue and keeps it fresh; call once at start. */
  async start(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reload().catch((e: unknown) => this.log.warn(`catalogue refresh failed: ${String(e)}`)), REFRESH_MS);
    this.timer.unref();
    this.prober.start();
  }

  async reload(): Promise<void> {
    const load = ++this.loadsStarted;
    const snapshot = await this.source.load();
    if (load < this.newestApplied) return;
    this.newestApplied = load;
    this.snapshot = snapshot;
    const next = new Map<string, { model: ModelEntry; d: DeploymentEntry }>();
    for (const model of this.snapshot.models.values()) for (const d of model.tiers.flat()) next.set(d.id, { model, d });
    for (const id of this.byId.keys()) {
      if (next.has(id)) continue;
      this.health.forget(id);
      this.stats.forget(id);
    }
    this.byId = next;
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.prober.stop();
  }

  async listModels(): Promise<ListModelsResponse> {
    return { models: [...this.snapshot.models.values()].map((m) => ({ name: m.name, ownedBy: 'switchyard', created: m.created })) };
  }

  async healthState(): Promise<HealthStateResponse> {
    const deployments = [...this.byId.values()].map(({ model, d }) => {
      const h = this.health.state(d.id);
      const l = this.stats.latency(d.id);
      return {
        deploymentId: d.id,
        model: model.name,
        providerId: d.provider.id,
        circuit: h.circuit,
        cooldownUntil: h.cooldownUntil,
        ejectedUntil: h.ejectedUntil,
        ejections: h.ejections,
        windowRequests: h.windowRequests,
        windowFailures: h.windowFailures,
        consecutiveFailures: h.consecutiveFailures,
        inFlight: this.stats.inFlight(d.id),
        ewmaTtftMs: l.ttftMs ?? 0,
        ewmaTotalMs: l.totalMs ?? 0,
      };
    });
    return { deployments, retryBudgetAvailable: this.budget.available(), retriesRefused: this.budget.refused() };
  }

  async *route(request: ChatRequest, signal: AbortSignal): AsyncIterable<ResponseEvent> {
    const first = this.snapshot.models.get(request.model ?? '');
    if (!first) {
      yield errorEvent(unknownModel(request.model));
      return;
    }
    const estimate = estimatePromptTokens(request);
    const chain = this.chainOf(first, estimate);
    const outside = regionRefusal(chain, request.meta?.allowedRegions);
    if (outside) {
      yield errorEvent(outside);
      return;
    }
    const log: Attempt[] = [];
    if (first !== chain[0]) log.push({ deploymentId: '', providerId: '', model: first.name, outcome: 'context_window_exceeded', hedge: false });

    // The cache answers for the model that would serve: the same question, the same tenant.
    const mode = request.meta?.cacheMode ?? '';
    const ttl = chain[0]?.cacheTtlSeconds;
    const key = this.cache && ttl && mode !== 'no-store' ? responseCacheKey(request.meta?.tenantId ?? '', { ...request, model: chain[0]?.name ?? '' }) : undefined;
    if (key && mode !== 'no-cache') {
      const hit = await (this.cache as ResponseCache).get(key);
      if (signal.aborted) return;
      if (hit) {
        yield* replay(hit.events, request.model ?? '');
        return;
      }
    }
    const recorded: ResponseEvent[] | undefined = key ? [] : undefined;

    this.budget.recordRequest();
    let last: ErrorEvent | undefined;
    let lastId = '';
    let attempts = 0;
    for (let m = 0; m < chain.length; m++) {
      const model = chain[m] as ModelEntry;
      const tried = new Set<string>();
      for (let i = 0; i <= this.config.retries; i++) {
        let d = this.pickNext(model, tried, request, estimate, attempts === 0 && m === chain.length - 1);
        // Nothing else to go to, but the upstream said when to come back, soon enough: wait it out.
        const wait = last?.retryable ? (last.retryAfterMs ?? 0) : 0;
        if (!d && wait > 0 && wait <= MAX_RETRY_WAIT_MS) {
          await sleep(wait, signal);
          if (signal.aborted) return;
          last = { ...(last as ErrorEvent), retryAfterMs: 0 };
          d = this.pick(model, tried, request, estimate, false);
        }
        if (!d) break;
        tried.add(d.id);
        if (attempts > 0) {
          if (!this.budget.tryRetry()) {
            log.push(skipped(model, d, 'retry_budget_exhausted'));
            yield errorEvent({ ...(last ?? unavailable(model.name)), attemptLog: log });
            return;
          }
          await sleep(retryWaitMs(attempts, d.id, lastId, last), signal);
          if (signal.aborted) return;
        }
        attempts++;
        lastId = d.id;
        const result: AttemptResult = yield* this.attempt(model, d, request, estimate, tried, log, signal, recorded);
        if (result.done) {
          if (key && recorded && isCacheable(recorded, request.sampling?.n ?? 1)) void (this.cache as ResponseCache).set(key, { events: recorded, storedAt: Date.now() }, ttl as number);
          return;
        }
        last = result.error;
        if (signal.aborted) return;
        // A prompt too long for this model goes to the configured larger one, once.
        if (last.kind === ErrorKind.ERROR_KIND_CONTEXT_LENGTH && model.contextFallback && m === chain.length - 1) {
          const big = this.snapshot.models.get(model.contextFallback);
          if (big && !chain.includes(big)) chain.push(big);
          break;
        }
        if (!last.retryable) {
          yield errorEvent({ ...last, attemptLog: log });
          return;
        }
      }
    }
    yield errorEvent({ ...(last ?? unavailable(first.name)), attemptLog: log });
  }

  /**
   * One try of one deployment, with hedging when the model asks for it: the events are relayed
   * as they come; the result says whether the route loop may try another deployment.
   */
  private async *attempt(
    model: ModelEntry,
    d: DeploymentEntry,
    request: ChatRequest,
    estimate: number,
    tried: Set<string>,
    log: Attempt[],
    signal: AbortSignal,
    recorded: ResponseEvent[] | undefined,
  ): AsyncGenerator<ResponseEvent, AttemptResult> {
    const primary = this.begin(model, d, request, estimate, false, signal);
    log.push(primary.entry);
    const head = await this.firstOf(primary, model, tried, request, estimate, log, signal);
    const run = head.run;
    const firstResult = head.result;
    if (firstResult.done) {
      this.finish(run, undefined);
      return { done: false, error: unavailable(model.name) };
    }
    const firstEvent = firstResult.value;
    if (firstEvent.event?.$case === 'error') {
      const error = firstEvent.event.value;
      this.finish(run, error);
      return { done: false, error };
    }
    const ttft = Date.now() - run.started;
    run.entry.outcome = 'ok';
    let usageTokens: number | undefined;
    let ev: ResponseEvent | undefined = firstEvent;
    try {
      while (ev) {
        const e = ev.event;
        if (e?.$case === 'start') Object.assign(e.value, this.startOf(request.model ?? '', run.d, log));
        else if (e?.$case === 'usage') usageTokens = (e.value.inputTokens ?? 0) + (e.value.outputTokens ?? 0);
        else if (e?.$case === 'error') {
          // After the first byte nothing is retried; the failure still counts against the deployment.
          run.entry.outcome = outcomeName(e.value);
          this.finish(run, e.value);
          recorded?.push(ev);
          yield ev;
          return { done: true };
        }
        recorded?.push(ev);
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
      this.stats.observe(run.d.id, { ttftMs: ttft, totalMs: Date.now() - run.started });
      if (usageTokens !== undefined) this.stats.addTokens(run.d.id, usageTokens - run.estimate, run.countedAt);
      this.finish(run, undefined);
    }
    return { done: true };
  }

  /**
   * The first event of an attempt, racing a hedge when the model has one and no event came
   * within its threshold: whichever deployment answers first goes on, the other is cancelled.
   */
  private async firstOf(
    primary: Run,
    model: ModelEntry,
    tried: Set<string>,
    request: ChatRequest,
    estimate: number,
    log: Attempt[],
    signal: AbortSignal,
  ): Promise<{ run: Run; result: IteratorResult<ResponseEvent> }> {
    const pending = primary.it.next();
    const threshold = this.hedgeAfterMs(model, primary.d);
    if (threshold === undefined) return { run: primary, result: await pending };
    let timer: NodeJS.Timeout | undefined;
    const fired = new Promise<'hedge'>((resolve) => {
      timer = setTimeout(() => resolve('hedge'), threshold);
    });
    const early = await Promise.race([pending.then((result) => ({ run: primary, result })), fired]);
    clearTimeout(timer);
    if (early !== 'hedge') return early;
    if (signal.aborted) return { run: primary, result: await pending };
    const second = this.pick(model, tried, request, estimate, false);
    if (!second || !this.budget.tryRetry()) return { run: primary, result: await pending };
    tried.add(second.id);
    const hedge = this.begin(model, second, request, estimate, true, signal);
    log.push(hedge.entry);
    const racers = new Map<Run, Promise<{ run: Run; result: IteratorResult<ResponseEvent> }>>([
      [primary, pending.then((result) => ({ run: primary, result }))],
      [hedge, hedge.it.next().then((result) => ({ run: hedge, result }))],
    ]);
    for (;;) {
      const settled = await Promise.race(racers.values());
      racers.delete(settled.run);
      const ev = settled.result.done ? undefined : settled.result.value;
      // A racer that failed before its first event loses only if the other can still answer.
      if (ev?.event?.$case === 'error' && racers.size) {
        const error = ev.event.value;
        this.finish(settled.run, error);
        continue;
      }
      for (const loser of racers.keys()) this.cancel(loser, 'hedge_lost');
      return settled;
    }
  }

  /** Starts a call to `d`; the caller must end it with finish() or release(). */
  private begin(model: ModelEntry, d: DeploymentEntry, request: ChatRequest, estimate: number, hedge: boolean, signal: AbortSignal): Run {
    // An AbortController and two listener calls per request showed in profiles: only attempts
    // of a hedged model, which a race may cancel, get their own.
    const ctl = model.hedge ? new AbortController() : undefined;
    const onAbort = () => ctl?.abort();
    if (ctl) signal.addEventListener('abort', onAbort, { once: true });
    const endStats = this.stats.begin(d.id);
    const countedAt = this.stats.countRequest(d.id, estimate);
    const entry: Attempt = { deploymentId: d.id, providerId: d.provider.id, model: model.name, outcome: 'pending', hedge };
    const adapter = this.adapterOf(d);
    const events = adapter ? adapter.generate({ request, target: this.targetOf(d), timeouts: this.timeoutsOf(model) }, ctl?.signal ?? signal) : noAdapterStream(this.noAdapter(d));
    return {
      d,
      model,
      entry,
      started: Date.now(),
      ctl,
      it: events[Symbol.asyncIterator](),
      countedAt,
      estimate,
      end: () => {
        if (ctl) signal.removeEventListener('abort', onAbort);
        endStats();
      },
    };
  }

  /**
   * A deployment whose provider family no adapter serves (ADAPTER_GRPC_URLS lacks it) is the
   * gateway's misconfiguration: the operator gets the details, the tenant the fixed text that
   * says so (docs/architecture.md, "Upstream errors").
   */
  private noAdapter(d: DeploymentEntry): ErrorEvent {
    this.log.error(`no adapter serves provider type ${d.provider.type} (deployment ${d.id})`);
    return { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: UPSTREAM_FAULTS['gateway-misconfigured'].text, retryable: false };
  }

  private finish(run: Run, error: ErrorEvent | undefined): void {
    this.recordAttempt(run.entry, run.d.id, run.started, error);
    run.end();
  }

  /**
   * One attempt's end in its log entry and in the deployment's health (which also starts the
   * cooldown of a 429).
   */
  private recordAttempt(entry: Attempt, id: string, started: number, error: ErrorEvent | undefined): void {
    entry.durationMs = Date.now() - started;
    if (error) {
      entry.outcome = outcomeName(error);
      entry.status = error.providerStatus ?? 0;
    }
    this.health.record(id, error ? outcomeOf(error) : { ok: true });
  }

  /** The next deployment to try; with every one tried and retries left, round again (healthy ones only). */
  private pickNext(model: ModelEntry, tried: Set<string>, request: ChatRequest, estimate: number, panic: boolean): DeploymentEntry | undefined {
    const d = this.pick(model, tried, request, estimate, panic);
    if (d || tried.size === 0) return d;
    tried.clear();
    return this.pick(model, tried, request, estimate, false);
  }

  /** Ends a call that neither succeeded nor failed (client gone, lost a hedge race). */
  private release(run: Run): void {
    run.entry.durationMs = Date.now() - run.started;
    this.health.release(run.d.id);
    run.end();
  }

  private cancel(run: Run, outcome: string): void {
    run.entry.outcome = outcome;
    run.ctl?.abort();
    void run.it.return?.(undefined).catch(() => undefined);
    this.release(run);
  }

  /** The hedge threshold of a model on `d`: a fixed delay, or that deployment's TTFT percentile. */
  private hedgeAfterMs(model: ModelEntry, d: DeploymentEntry): number | undefined {
    const h = model.hedge;
    if (!h) return undefined;
    if (h.afterMs !== undefined) return h.afterMs;
    return this.stats.ttftPercentile(d.id, h.percentile ?? 95);
  }

  /**
   * The next deployment of `model` for this request: healthy, in the tenant's regions, under
   * its upstream limits, not tried yet. With nothing healthy left anywhere (`panic`), health and
   * limits are ignored rather than failing a request that some deployment might still serve.
   */
  private pick(model: ModelEntry, tried: ReadonlySet<string>, request: ChatRequest, estimate: number, panic: boolean): DeploymentEntry | undefined {
    const regions = request.meta?.allowedRegions ?? [];
    const inRegion = (d: DeploymentEntry) => regions.length === 0 || regions.includes(d.provider.region);
    const strategy = model.strategy ?? 'weighted';
    const picked = pickDeployment(model, {
      strategy,
      usable: (d) => !tried.has(d.id) && inRegion(d) && this.health.isAvailable(d.id) && this.stats.withinLimits(d, estimate),
      stats: this.stats,
      estimatedTokens: estimate,
    });
    if (picked && this.health.tryAcquire(picked.id)) return picked;
    if (picked || !panic || tried.size > 0) return undefined;
    return pickDeployment(model, { strategy, usable: (d) => inRegion(d), stats: this.stats, estimatedTokens: estimate });
  }

  /** The model, redirected by its context window, then its fallbacks: each model once. */
  private chainOf(first: ModelEntry, estimate: number): ModelEntry[] {
    let head = first;
    const seen = new Set<ModelEntry>();
    while (head.contextWindow !== undefined && estimate > head.contextWindow && head.contextFallback && !seen.has(head)) {
      seen.add(head);
      const bigger = this.snapshot.models.get(head.contextFallback);
      if (!bigger) break;
      head = bigger;
    }
    const chain = [head];
    for (const name of head.fallbacks) {
      const m = this.snapshot.models.get(name);
      if (m && !chain.includes(m)) chain.push(m);
    }
    return chain;
  }

  embed(request: EmbedRequest, signal: AbortSignal): Promise<EmbedResponse> {
    return this.unary<EmbedResponse>(request.model ?? '', request.meta?.allowedRegions ?? [], signal, (adapter, target, timeouts) => adapter.embed({ request, target, timeouts }, signal));
  }

  countTokens(request: ChatRequest, signal: AbortSignal): Promise<CountTokensResponse> {
    return this.unary<CountTokensResponse>(request.model ?? '', request.meta?.allowedRegions ?? [], signal, (adapter, target, timeouts) =>
      adapter.countTokens({ request, target, timeouts }, signal),
    );
  }

  /** The retry loop of `route` for single-answer calls (embeddings, token counts). */
  private async unary<R extends { error?: ErrorEvent | undefined; start?: StartEvent | undefined }>(
    name: string,
    allowedRegions: string[],
    signal: AbortSignal,
    invoke: (adapter: AdapterPort, target: Target, timeouts: Timeouts) => Promise<R>,
  ): Promise<R> {
    const model = this.snapshot.models.get(name);
    if (!model) return { error: unknownModel(name) } as R;
    const outside = regionRefusal([model], allowedRegions);
    if (outside) return { error: outside } as R;
    const request: ChatRequest = { model: name, meta: { allowedRegions } };
    const tried = new Set<string>();
    const log: Attempt[] = [];
    let last: ErrorEvent | undefined;
    let lastId = '';
    this.budget.recordRequest();
    for (let attempt = 0; attempt <= this.config.retries; attempt++) {
      const d = this.pickNext(model, tried, request, 0, attempt === 0);
      if (!d) break;
      tried.add(d.id);
      if (attempt > 0) {
        if (!this.budget.tryRetry()) break;
        await sleep(retryWaitMs(attempt, d.id, lastId, last), signal);
        if (signal.aborted) break;
      }
      lastId = d.id;
      const adapter = this.adapterOf(d);
      if (!adapter) return { error: this.noAdapter(d) } as R;
      const started = Date.now();
      const end = this.stats.begin(d.id);
      const entry: Attempt = { deploymentId: d.id, providerId: d.provider.id, model: model.name, outcome: 'ok', hedge: false };
      log.push(entry);
      const res = await invoke(adapter, this.targetOf(d), this.timeoutsOf(model));
      end();
      this.recordAttempt(entry, d.id, started, res.error);
      if (!res.error) this.stats.observe(d.id, { totalMs: entry.durationMs });
      if (res.error?.retryable) {
        last = res.error;
        continue;
      }
      if (res.error) return { ...res, error: { ...res.error, attemptLog: log } };
      res.start = { ...res.start, ...this.startOf(name, d, log) };
      return res;
    }
    return { error: { ...(last ?? unavailable(model.name)), attemptLog: log } } as R;
  }

  /** A cheap request to a deployment the breaker or the outlier detector took out. */
  private async probe(id: string): Promise<boolean> {
    const found = this.byId.get(id);
    const adapter = found && this.adapterOf(found.d);
    if (!found || !adapter) return false;
    const ctl = new AbortController();
    const timeouts = this.timeoutsOf(found.model);
    const timer = setTimeout(() => ctl.abort(), timeouts.firstTokenMs);
    timer.unref();
    try {
      for await (const ev of adapter.generate({ request: { ...PROBE_REQUEST, model: found.model.name }, target: this.targetOf(found.d), timeouts }, ctl.signal)) {
        if (ev.event?.$case === 'error') return !isDeploymentFault(ev.event.value);
        ctl.abort();
        return true;
      }
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private adapterOf(d: DeploymentEntry): AdapterPort | undefined {
    const family = FAMILY[d.provider.type];
    return family ? this.adapters.get(family) : undefined;
  }

  /** The deployment as the adapter needs it; several keys of one provider take turns. */
  private targetOf(d: DeploymentEntry): Target {
    const keys = d.provider.apiKeys;
    const apiKeyRef = keys.length ? (keys[this.keyCursor++ % keys.length] ?? '') : '';
    const p = d.provider;
    return { deploymentId: d.id, providerId: p.id, providerType: p.type, baseUrl: p.baseUrl, apiKeyRef, upstreamModel: d.upstreamModel, optionsJson: p.optionsJson, passthroughJson: p.passthroughJson };
  }

  /** routing.timeouts with the model's own overrides. */
  private timeoutsOf(model: ModelEntry): Timeouts {
    const t = { ...this.config.timeouts, ...model.timeouts };
    return { connectMs: t.connectMs, firstTokenMs: t.firstTokenMs, idleMs: t.idleMs, totalMs: t.totalMs };
  }

  private startOf(model: string, d: DeploymentEntry, log: Attempt[]): StartEvent {
    return { model, providerId: d.provider.id, deploymentId: d.id, upstreamModel: d.upstreamModel, attempts: log.filter((a) => a.deploymentId).length, attemptLog: log };
  }
}

/** Replays a cached answer: the same events, marked as a hit, with no attempts. */
async function* replay(events: ResponseEvent[], model: string): AsyncGenerator<ResponseEvent> {
  for (const ev of events) {
    if (ev.event?.$case === 'start') yield { event: { $case: 'start', value: { ...ev.event.value, model, cacheHit: true, attempts: 0, attemptLog: [] } } };
    else yield ev;
  }
}

/** The backoff before a retry; retry-after binds the deployment that said it (now cooling down), not the next one. */
function retryWaitMs(attempt: number, next: string, lastId: string, last: ErrorEvent | undefined): number {
  return Math.min(MAX_RETRY_WAIT_MS, backoffMs(attempt, next === lastId ? (last?.retryAfterMs ?? 0) : 0));
}

/** Whether an upstream failure is the deployment's fault (for health), or the request's. */
function isDeploymentFault(e: ErrorEvent): boolean {
  const status = e.providerStatus ?? 0;
  if (status === 0) return e.kind !== ErrorKind.ERROR_KIND_INVALID_REQUEST && e.kind !== ErrorKind.ERROR_KIND_CANCELLED;
  return status >= 500 || status === 408 || isRetryableStatus(status);
}

function outcomeOf(e: ErrorEvent): AttemptOutcome {
  const status = e.providerStatus ?? 0;
  if (status === 429 || e.kind === ErrorKind.ERROR_KIND_RATE_LIMITED) return { ok: false, status: status || 429, rateLimited: true, retryAfterMs: e.retryAfterMs || undefined };
  if (!isDeploymentFault(e)) return { ok: true, status };
  return { ok: false, status, retryAfterMs: e.retryAfterMs || undefined };
}

/** "rate_limited", "upstream_unavailable", … from the error kind. */
function outcomeName(e: ErrorEvent): string {
  return ErrorKind[e.kind ?? ErrorKind.ERROR_KIND_UNSPECIFIED].replace('ERROR_KIND_', '').toLowerCase();
}

function skipped(model: ModelEntry, d: DeploymentEntry, outcome: string): Attempt {
  return { deploymentId: '', providerId: d.provider.id, model: model.name, outcome, hedge: false };
}

async function* noAdapterStream(error: ErrorEvent): AsyncGenerator<ResponseEvent> {
  yield errorEvent(error);
}

function unknownModel(model: string | undefined): ErrorEvent {
  return { kind: ErrorKind.ERROR_KIND_NOT_FOUND, message: `The model \`${model}\` does not exist or is not served here.`, param: 'model', retryable: false };
}

/**
 * A key restricted to regions none of whose deployments (fallbacks included) are in: not an
 * outage but a permission (403), and retrying will not help.
 */
function regionRefusal(chain: readonly ModelEntry[], regions: readonly string[] | undefined): ErrorEvent | undefined {
  if (!regions?.length) return undefined;
  const deployed = new Set(chain.flatMap((m) => m.tiers.flat().map((d) => d.provider.region)));
  if ([...deployed].some((r) => regions.includes(r))) return undefined;
  const where = [...deployed].filter(Boolean).join(', ') || 'no region';
  return {
    kind: ErrorKind.ERROR_KIND_PERMISSION,
    message: `This key may only be served in the regions ${regions.join(', ')}; the model \`${chain[0]?.name ?? ''}\` is deployed in ${where}.`,
    param: 'model',
    retryable: false,
  };
}


function unavailable(model: string): ErrorEvent {
  return { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: `no deployment of ${model} is available`, retryable: false };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
