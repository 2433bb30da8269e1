import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ADAPTER_FAMILY_OF, type RoutingConfig } from '@switchyard/config';
import { ADAPTER_PORTS, ErrorKind } from '@switchyard/ir';
import type { AdapterPorts, ChatRequest, ErrorEvent, ListModelsResponse, ResponseEvent, RouterPort } from '@switchyard/ir';
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
      yield errorEvent({ kind: ErrorKind.ERROR_KIND_NOT_FOUND, message: `The model \`${request.model}\` does not exist or is not served here.`, param: 'model', retryable: false });
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
    yield errorEvent(last ?? { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: `no deployment of ${model.name} is available`, retryable: false });
  }

  private async *call(request: ChatRequest, d: DeploymentEntry, attempts: number, signal: AbortSignal): AsyncIterable<ResponseEvent> {
    const family = FAMILY[d.provider.type];
    const adapter = family ? this.adapters.get(family) : undefined;
    if (!adapter) {
      yield errorEvent({ kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: `no adapter serves provider type ${d.provider.type}`, retryable: false });
      return;
    }
    const keys = d.provider.apiKeys;
    const apiKeyRef = keys.length ? keys[this.keyCursor++ % keys.length] : '';
    const t = this.config.timeouts;
    const target = { deploymentId: d.id, providerId: d.provider.id, providerType: d.provider.type, baseUrl: d.provider.baseUrl, apiKeyRef, upstreamModel: d.upstreamModel, optionsJson: d.provider.optionsJson };
    for await (const ev of adapter.generate({ request, target, timeouts: { connectMs: t.connectMs, firstTokenMs: t.firstTokenMs, totalMs: t.totalMs } }, signal)) {
      if (ev.event?.$case === 'start') {
        const s = ev.event.value;
        s.model = request.model;
        s.providerId = d.provider.id;
        s.deploymentId = d.id;
        s.upstreamModel = d.upstreamModel;
        s.attempts = attempts;
      }
      yield ev;
    }
  }
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
