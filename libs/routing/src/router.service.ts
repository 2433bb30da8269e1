import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ADAPTER_FAMILY_OF, type RoutingConfig } from '@switchyard/config';
import { ADAPTER_PORTS, ErrorKind } from '@switchyard/ir';
import type { AdapterPort, AdapterPorts, ChatRequest, CountTokensResponse, EmbedRequest, EmbedResponse, ErrorEvent, HealthStateResponse, ListModelsResponse, ResponseEvent, RouterPort, StartEvent, Target, Timeouts } from '@switchyard/ir';
import { CATALOGUE_SOURCE, ROUTING_CONFIG } from './catalogue.types';
import type { CatalogueSnapshot, CatalogueSource, DeploymentEntry } from './catalogue.types';
import { backoffMs, pickDeployment } from './deployment-picker';

// Provider types come from the database as strings; unknown ones have no family.
const FAMILY: Readonly<Record<string, string | undefined>> = ADAPTER_FAMILY_OF;
const REFRESH_MS = 10_000;
const MAX_RETRY_WAIT_MS = 10_000;

function errorEvent(value: ErrorEvent): ResponseEvent {
  return { event: { $case: 'error', value } };
}

@Injectable()
export class RouterService implements RouterPort, OnModuleDestroy {
  private readonly log = new Logger(RouterService.name);
  private snapshot: CatalogueSnapshot = { models: new Map() };
  private timer: NodeJS.Timeout | undefined;
  private keyCursor = 0;

  constructor(
    @Inject(CATALOGUE_SOURCE) private readonly source: CatalogueSource,
    @Inject(ADAPTER_PORTS) private readonly adapters: AdapterPorts,
    @Inject(ROUTING_CONFIG) private readonly config: RoutingConfig,
  ) {}

  /** Loads the catalogue and keeps it fresh; call once at start. */
  async start(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reload().catch((e: unknown) => this.log.warn(`catalogue refresh failed: ${String(e)}`)), REFRESH_MS);
    this.timer.unref();
  }

  async reload(): Promise<void> {
    this.snapshot = await this.source.load();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async listModels(): Promise<ListModelsResponse> {
    return { models: [...this.snapshot.models.values()].map((m) => ({ name: m.name, ownedBy: 'switchyard', created: m.created })) };
  }

  async *route(request: ChatRequest, signal: AbortSignal): AsyncIterable<ResponseEvent> {
    const model = this.snapshot.models.get(request.model ?? '');
    if (!model) {
      yield errorEvent(unknownModel(request.model));
      return;
    }
    const tried = new Set<string>();
    let last: ErrorEvent | undefined;
    for (let attempt = 0; attempt <= this.config.retries; attempt++) {
      if (attempt > 0 && tried.size >= model.tiers.flat().length) tried.clear();
      const deployment = pickDeployment(model, tried);
      if (!deployment) break;
      tried.add(deployment.id);
      if (attempt > 0) {
        await sleep(Math.min(MAX_RETRY_WAIT_MS, backoffMs(attempt, last?.retryAfterMs ?? 0)), signal);
        if (signal.aborted) return;
      }
      let forwarded = false;
      last = undefined;
      for await (const ev of this.call(request, deployment, attempt + 1, signal)) {
        // Retry only while nothing has gone to the client (DESIGN.md §1).
        if (!forwarded && ev.event?.$case === 'error' && ev.event.value.retryable) {
          last = ev.event.value;
          break;
        }
        forwarded = true;
        yield ev;
      }
      if (!last) return;
    }
    yield errorEvent(last ?? unavailable(model.name));
  }

  async healthState(): Promise<HealthStateResponse> {
    const deployments = [...this.snapshot.models.values()].flatMap((m) =>
      m.tiers.flat().map((d) => ({ deploymentId: d.id, model: m.name, providerId: d.provider.id, circuit: 'closed' })),
    );
    return { deployments };
  }

  embed(request: EmbedRequest, signal: AbortSignal): Promise<EmbedResponse> {
    return this.unary<EmbedResponse>(request.model ?? '', signal, (adapter, target, timeouts) => adapter.embed({ request, target, timeouts }, signal));
  }

  countTokens(request: ChatRequest, signal: AbortSignal): Promise<CountTokensResponse> {
    return this.unary<CountTokensResponse>(request.model ?? '', signal, (adapter, target, timeouts) => adapter.countTokens({ request, target, timeouts }, signal));
  }

  /** The retry loop of `route` for single-answer calls (embeddings, token counts). */
  private async unary<R extends { error?: ErrorEvent | undefined; start?: StartEvent | undefined }>(
    name: string,
    signal: AbortSignal,
    invoke: (adapter: AdapterPort, target: Target, timeouts: Timeouts) => Promise<R>,
  ): Promise<R> {
    const model = this.snapshot.models.get(name);
    if (!model) return { error: unknownModel(name) } as R;
    const tried = new Set<string>();
    let last: ErrorEvent | undefined;
    for (let attempt = 0; attempt <= this.config.retries; attempt++) {
      if (attempt > 0 && tried.size >= model.tiers.flat().length) tried.clear();
      const deployment = pickDeployment(model, tried);
      if (!deployment) break;
      tried.add(deployment.id);
      if (attempt > 0) {
        await sleep(Math.min(MAX_RETRY_WAIT_MS, backoffMs(attempt, last?.retryAfterMs ?? 0)), signal);
        if (signal.aborted) break;
      }
      const adapter = this.adapterOf(deployment);
      if (!adapter) return { error: noAdapter(deployment) } as R;
      const res = await invoke(adapter, this.targetOf(deployment), this.timeouts());
      if (res.error?.retryable) {
        last = res.error;
        continue;
      }
      res.start = { ...res.start, ...this.startOf(name, deployment, attempt + 1) };
      return res;
    }
    return { error: last ?? unavailable(model.name) } as R;
  }

  private async *call(request: ChatRequest, d: DeploymentEntry, attempts: number, signal: AbortSignal): AsyncIterable<ResponseEvent> {
    const adapter = this.adapterOf(d);
    if (!adapter) {
      yield errorEvent(noAdapter(d));
      return;
    }
    for await (const ev of adapter.generate({ request, target: this.targetOf(d), timeouts: this.timeouts() }, signal)) {
      if (ev.event?.$case === 'start') Object.assign(ev.event.value, this.startOf(request.model ?? '', d, attempts));
      yield ev;
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
    return { deploymentId: d.id, providerId: d.provider.id, providerType: d.provider.type, baseUrl: d.provider.baseUrl, apiKeyRef, upstreamModel: d.upstreamModel, optionsJson: d.provider.optionsJson };
  }

  private timeouts(): Timeouts {
    const t = this.config.timeouts;
    return { connectMs: t.connectMs, firstTokenMs: t.firstTokenMs, totalMs: t.totalMs };
  }

  private startOf(model: string, d: DeploymentEntry, attempts: number): StartEvent {
    return { model, providerId: d.provider.id, deploymentId: d.id, upstreamModel: d.upstreamModel, attempts };
  }
}

function unknownModel(model: string | undefined): ErrorEvent {
  return { kind: ErrorKind.ERROR_KIND_NOT_FOUND, message: `The model \`${model}\` does not exist or is not served here.`, param: 'model', retryable: false };
}

function noAdapter(d: DeploymentEntry): ErrorEvent {
  return { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: `no adapter serves provider type ${d.provider.type}`, retryable: false };
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
