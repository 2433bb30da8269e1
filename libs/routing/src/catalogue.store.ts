import type { CatalogueSnapshot, CatalogueSource, DeploymentEntry, ModelEntry } from './catalogue.types';

/** A deployment with the model it serves. */
export interface PlacedDeployment {
  readonly model: ModelEntry;
  readonly d: DeploymentEntry;
}

/**
 * The router's current catalogue: the newest snapshot its source loaded, refreshed on a timer
 * and on demand (configuration changes), looked up by model name and by deployment id. The hot
 * path reads only this, never the database.
 */
export class CatalogueStore {
  private snapshot: CatalogueSnapshot = { models: new Map() };
  private byId = new Map<string, PlacedDeployment>();
  /** Loads started and the newest applied: a slow older load must not replace a newer snapshot. */
  private loadsStarted = 0;
  private newestApplied = 0;
  private timer: NodeJS.Timeout | undefined;

  /** `removed` hears of every deployment a new snapshot no longer has, to drop its state. */
  constructor(
    private readonly source: CatalogueSource,
    private readonly removed: (deploymentId: string) => void,
  ) {}

  async reload(): Promise<void> {
    const load = ++this.loadsStarted;
    const snapshot = await this.source.load();
    if (load < this.newestApplied) return;
    this.newestApplied = load;
    this.snapshot = snapshot;
    const next = new Map<string, PlacedDeployment>();
    for (const model of snapshot.models.values()) for (const d of model.tiers.flat()) next.set(d.id, { model, d });
    for (const id of this.byId.keys()) if (!next.has(id)) this.removed(id);
    this.byId = next;
  }

  /** Reloads every `intervalMs` until stop(); a failed reload keeps the snapshot and is reported. */
  refreshEvery(intervalMs: number, failed: (error: unknown) => void): void {
    this.stop();
    this.timer = setInterval(() => void this.reload().catch(failed), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  model(name: string): ModelEntry | undefined {
    return this.snapshot.models.get(name);
  }

  models(): Iterable<ModelEntry> {
    return this.snapshot.models.values();
  }

  deployment(id: string): PlacedDeployment | undefined {
    return this.byId.get(id);
  }

  deployments(): Iterable<PlacedDeployment> {
    return this.byId.values();
  }

  /** The model, redirected by its context window, then its fallbacks: each model once. */
  chainOf(first: ModelEntry, estimate: number): ModelEntry[] {
    let head = first;
    const seen = new Set<ModelEntry>();
    while (head.contextWindow !== undefined && estimate > head.contextWindow && head.contextFallback && !seen.has(head)) {
      seen.add(head);
      const bigger = this.model(head.contextFallback);
      if (!bigger) break;
      head = bigger;
    }
    const chain = [head];
    for (const name of head.fallbacks) {
      const m = this.model(name);
      if (m && !chain.includes(m)) chain.push(m);
    }
    return chain;
  }
}
