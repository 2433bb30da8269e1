import type { DeploymentHealth } from './deployment-health';

/**
 * Active probes for the deployments that are out (breaker open or ejected): every `intervalMs`
 * it asks `health.dueForProbe()` and runs `probe(id)` for each, at most one in flight per id,
 * and reports the result with `recordProbe`. A probe that throws or rejects counts as failed.
 * `probe` must settle on its own (give it a timeout): a probe that never settles keeps its
 * deployment from being probed again.
 *
 * `intervalMs` is only how often it looks; `DeploymentHealth` decides when each deployment is
 * due (`routing.probes.intervalMs`), so a tick shorter than that (e.g. 1 s) keeps probes on time.
 */
export class HealthProber {
  private readonly inFlight = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly health: DeploymentHealth,
    private readonly probe: (id: string) => Promise<boolean>,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: starts the due probes and resolves when they have all been recorded. */
  runOnce(): Promise<void> {
    const started: Promise<void>[] = [];
    for (const id of this.health.dueForProbe()) {
      if (this.inFlight.has(id)) continue;
      this.inFlight.add(id);
      started.push(this.run(id));
    }
    return Promise.all(started).then(() => undefined);
  }

  private async run(id: string): Promise<void> {
    let ok = false;
    try {
      ok = (await this.probe(id)) === true;
    } catch {
      ok = false;
    } finally {
      this.inFlight.delete(id);
    }
    this.health.recordProbe(id, ok);
  }
}
