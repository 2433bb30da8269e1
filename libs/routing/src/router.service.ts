import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ResponseCache } from '@switchyard/cache';
import type { RoutingConfig } from '@switchyard/config';
import { ErrorKind, estimatePromptTokens } from '@switchyard/ir';
import type {
  AdapterPorts,
  ChatRequest,
  CountTokensResponse,
  EmbedRequest,
  EmbedResponse,
  HealthStateResponse,
  ListModelsResponse,
  MediaRequest,
  MediaResponse,
  ResponseEvent,
  RouterPort,
} from '@switchyard/ir';
import { GEN_AI, GEN_AI_OPERATION, type Span, SpanKind, SWITCHYARD, TRACING, activeContext, contextWith, failSpan, startSpan } from '@switchyard/telemetry';
import { CatalogueStore } from './catalogue.store';
import type { CatalogueSource } from './catalogue.types';
import type { HealthAlert } from '@switchyard/notify';
import { DeploymentHealth, HealthProber, type HealthTransitionEvent } from './health';
import { AnswerCache, replay } from './route/answer-cache';
import { DeploymentCalls } from './route/deployment-calls';
import { DeploymentPicker } from './route/deployment-picker';
import { DeploymentProbe } from './route/deployment-probe';
import { type RouteAsk, RouteLoop } from './route/route-loop';
import { errorEvent } from './route/route-events';
import { countAttempts, countCacheLookup } from './route/route-metrics';
import { StreamAttempts } from './route/stream-attempts';
import { type UnaryAnswer, UnaryAttempts, type UnaryKind } from './route/unary-attempts';
import { DeploymentStats, RetryBudget } from './selection';

const REFRESH_MS = 10_000;

/** An adapter port without images and audio: the request cannot be served there, whatever the retries. */
function noMediaAdapter(providerType: string): MediaResponse {
  const message = `The model is served by ${providerType}, which cannot generate images or audio through this gateway.`;
  return { contentType: '', body: Buffer.alloc(0), error: { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, message, param: 'model', retryable: false, providerStatus: 0, retryAfterMs: 0, attemptLog: [] } };
}

/** Where health alerts go (the notifier, issue 13). */
export interface HealthAlertSink {
  notify(alert: HealthAlert): void;
}

/** How a chat route ended, for its span. */
type RouteOutcome = 'served' | 'failed' | 'cancelled' | 'cache_hit';

/**
 * The RouterPort the apps serve: picks deployments and keeps requests alive when upstreams fail
 * (docs/architecture.md §1, router). It wires the parts and answers the port's calls:
 * - `CatalogueStore`: the catalogue snapshot, reloaded every 10 s and on configuration changes;
 * - `RouteLoop`: the one retry-and-fallback loop, for chat, embeddings and token counts;
 * - `DeploymentPicker`: strategies within priority tiers, health, regions, limits, panic mode;
 * - `StreamAttempts` (chat, with hedging) and `UnaryAttempts` (embeddings, token counts): one try of one deployment;
 * - `DeploymentCalls`: adapters by provider family, key rotation, timeouts;
 * - `AnswerCache`: the response cache (shared through Redis in cluster mode);
 * - `HealthProber` with `DeploymentProbe`: active probes of deployments that are out.
 * Health, latency and limit state are per router replica (docs/architecture.md §1, router).
 */
export class RouterService implements RouterPort, OnModuleDestroy {
  private readonly log = new Logger(RouterService.name);
  readonly health: DeploymentHealth;
  readonly stats = new DeploymentStats();
  readonly budget: RetryBudget;
  private readonly catalogue: CatalogueStore;
  private readonly loop: RouteLoop;
  private readonly streams: StreamAttempts;
  private readonly unaries: UnaryAttempts;
  private readonly answers: AnswerCache;
  private readonly prober: HealthProber;

  /**
   * `region.spillover`: whether a request with no usable deployment ends for a peer region rather
   * than in panic mode; `region.name`: this gateway's region, whose deployments are tried first.
   */
  constructor(source: CatalogueSource, adapters: AdapterPorts, config: RoutingConfig, cache?: ResponseCache, alerts?: HealthAlertSink, region: { spillover: boolean; name?: string } = { spillover: false }) {
    const health = (this.health = new DeploymentHealth(config));
    if (alerts) health.onTransition((event) => this.announce(event, alerts));
    const stats = this.stats;
    const budget = (this.budget = new RetryBudget(config.retryBudget));
    this.catalogue = new CatalogueStore(source, (id) => {
      health.forget(id);
      stats.forget(id);
    });
    const calls = new DeploymentCalls(adapters, config.timeouts);
    const picker = new DeploymentPicker(health, stats, region.name ?? '');
    this.loop = new RouteLoop({ catalogue: this.catalogue, picker, budget, retries: config.retries, spillover: region.spillover });
    this.streams = new StreamAttempts({ health, stats, budget, picker, calls });
    this.unaries = new UnaryAttempts({ health, stats, calls });
    this.answers = new AnswerCache(cache);
    // The prober only ticks; DeploymentHealth decides when each deployment is due.
    const probe = new DeploymentProbe(this.catalogue, calls);
    this.prober = new HealthProber(health, (id) => probe.run(id), Math.min(1000, config.probes.intervalMs));
  }

  /** Loads the catalogue and keeps it fresh; call once at start. */
  async start(): Promise<void> {
    await this.reload();
    this.catalogue.refreshEvery(REFRESH_MS, (e) => this.log.warn(`catalogue refresh failed: ${String(e)}`));
    this.prober.start();
  }

  reload(): Promise<void> {
    return this.catalogue.reload();
  }

  onModuleDestroy(): void {
    this.catalogue.stop();
    this.prober.stop();
  }

  async listModels(): Promise<ListModelsResponse> {
    return { models: [...this.catalogue.models()].map((m) => ({ name: m.name, ownedBy: 'switchyard', created: m.created })) };
  }

  async healthState(): Promise<HealthStateResponse> {
    const deployments = [...this.catalogue.deployments()].map(({ model, d }) => {
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

  route(request: ChatRequest, signal: AbortSignal): AsyncIterable<ResponseEvent> {
    return TRACING.on ? this.tracedRoute(request, signal) : this.routeChat(request, signal, undefined);
  }

  /**
   * The route as a span (docs/architecture.md §9, Traces): a child of the caller's context (the
   * gRPC call's, or the ingress request's in standalone), parent of one span per try; a cache hit
   * is an attribute of it.
   */
  private async *tracedRoute(request: ChatRequest, signal: AbortSignal): AsyncIterable<ResponseEvent> {
    const model = request.model;
    const meta = request.meta;
    const span = startSpan(`route ${model}`, SpanKind.INTERNAL, {
      [GEN_AI.operationName]: GEN_AI_OPERATION.chat,
      [GEN_AI.requestModel]: model,
      [GEN_AI.requestStream]: request.stream,
      [SWITCHYARD.tenantId]: meta?.tenantId ?? '',
      [SWITCHYARD.keyId]: meta?.keyId ?? '',
    });
    let outcome: RouteOutcome | undefined;
    try {
      outcome = yield* this.routeChat(request, signal, span);
    } finally {
      span.setAttribute(SWITCHYARD.cacheHit, outcome === 'cache_hit');
      if (outcome === 'failed') failSpan(span, 'route_failed');
      span.end();
    }
  }

  private async *routeChat(request: ChatRequest, signal: AbortSignal, span: Span | undefined): AsyncGenerator<ResponseEvent, RouteOutcome> {
    const requested = request.model;
    const plan = this.loop.plan({ model: requested, regions: request.meta?.allowedRegions ?? [], estimate: estimatePromptTokens(request), signal });
    if ('error' in plan) {
      yield errorEvent(plan.error);
      return 'failed';
    }
    if (span) plan.route.trace = contextWith(span);
    // The cache answers for the model that would serve: the same question, the same tenant.
    const slot = this.answers.slotFor(request, plan.chain[0]);
    if (slot?.readable) {
      const hit = await this.answers.get(slot);
      if (signal.aborted) return 'cancelled';
      countCacheLookup(plan.chain[0]?.name ?? '', hit !== undefined);
      if (hit) {
        yield* replay(hit.events, requested);
        return 'cache_hit';
      }
    }
    const recorded: ResponseEvent[] | undefined = slot ? [] : undefined;
    try {
      const end = yield* this.loop.run(plan.route, plan.chain, (a) => this.streams.run(a, { request, recorded }));
      if (end.status === 'served' && slot && recorded) this.answers.store(slot, recorded, request.sampling?.n ?? 1);
      else if (end.status === 'failed') yield errorEvent(end.error);
      return end.status;
    } finally {
      // Also when the client left mid-answer: its tries are closed (cancelled) by now.
      countAttempts(plan.route.log);
    }
  }

  embed(request: EmbedRequest, signal: AbortSignal): Promise<EmbedResponse> {
    const ask = { model: request.model, regions: request.meta?.allowedRegions ?? [], estimate: 0, signal };
    return this.unary<EmbedResponse>(ask, {
      invoke: (adapter, call) => adapter.embed({ request, ...call }, signal),
      failed: (error) => ({ embeddings: [], usageEstimated: false, error }),
    });
  }

  countTokens(request: ChatRequest, signal: AbortSignal): Promise<CountTokensResponse> {
    const ask = { model: request.model, regions: request.meta?.allowedRegions ?? [], estimate: 0, signal };
    return this.unary<CountTokensResponse>(ask, {
      invoke: (adapter, call) => adapter.countTokens({ request, ...call }, signal),
      failed: (error) => ({ inputTokens: 0, estimated: false, error }),
    });
  }

  /** Images and audio (issue 17): one answer, through the same loop as embeddings (chain, retries, backoff, budget). */
  media(request: MediaRequest, signal: AbortSignal): Promise<MediaResponse> {
    const ask = { model: request.model, regions: request.meta?.allowedRegions ?? [], estimate: 0, signal };
    return this.unary<MediaResponse>(ask, {
      invoke: (adapter, call) => (adapter.media ? adapter.media({ request, ...call }, signal) : Promise.resolve(noMediaAdapter(call.target.providerType))),
      failed: (error) => ({ contentType: '', body: Buffer.alloc(0), error }),
    });
  }

  /** Names the deployment (model, provider) for the alert. */
  private announce(event: HealthTransitionEvent, alerts: HealthAlertSink): void {
    const placed = this.catalogue.deployment(event.deploymentId);
    if (!placed) return;
    alerts.notify({ type: 'health', ...event, model: placed.model.name, providerId: placed.d.provider.id, upstreamModel: placed.d.upstreamModel });
  }

  /** A single-answer call through the route loop; failures come back in `error`, never as a rejection. */
  private async unary<R extends UnaryAnswer>(ask: RouteAsk, kind: UnaryKind<R>): Promise<R> {
    const plan = this.loop.plan(ask);
    if ('error' in plan) return kind.failed(plan.error);
    // Each try's span is a child of the caller's (the gRPC call's, or the ingress request's).
    if (TRACING.on) plan.route.trace = activeContext();
    const run = this.loop.run(plan.route, plan.chain, (a) => this.unaries.run(a, kind));
    // Unary attempts relay nothing: the loop's first step is its end.
    let step = await run.next();
    while (!step.done) step = await run.next();
    countAttempts(plan.route.log);
    const end = step.value;
    if (end.status === 'served') return end.value;
    if (end.status === 'failed') return kind.failed(end.error);
    return kind.failed({ kind: ErrorKind.ERROR_KIND_CANCELLED, message: 'the client cancelled the request', retryable: false, attemptLog: plan.route.log, providerStatus: 0, retryAfterMs: 0, param: '' });
  }
}
