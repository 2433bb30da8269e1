import type { DeploymentHealth, RouterPort } from '@switchyard/ir';
import type { ReadinessCheck } from './health.controller';

/** One deployment as readiness counts it: usable, or why not (the router's health state). */
export interface DeploymentUsability {
  deploymentId: string;
  providerId: string;
  usable: boolean;
  /** `circuit open`, `ejected until <ISO time>`, `cooling down until <ISO time>`; empty when usable. */
  reasons: string[];
}

export interface ModelUsability {
  model: string;
  /** At least one deployment usable. */
  usable: boolean;
  deployments: DeploymentUsability[];
}

/** Why the region can or cannot serve (GET /admin/v1/region); /readyz answers its `ready`. */
export interface RegionReport {
  region: string;
  ready: boolean;
  /** Empty when ready: each dependency that does not answer, and the model share when too low. */
  reasons: string[];
  dependencies: { name: string; ready: boolean }[];
  models: { minUsableShare: number; usableShare: number; usable: number; total: number; list: ModelUsability[] };
}

export interface RegionReadinessOptions {
  region: string;
  /** `region.readiness.minUsableModelShare` (0 = the models never make the region unready). */
  minUsableModelShare: number;
}

/**
 * Whether this region can serve (docs/architecture.md §6, Regions): its own dependencies answer
 * (the ingress's readiness checks: in the cluster, its auth and router channels) and at least
 * `minUsableModelShare` of the models have a deployment the router would pick now — circuit not
 * open, not ejected, not cooling down. Usability is read from the router's health state
 * (`RouterPort.healthState`, the HealthState RPC in the cluster), the same per-replica view the
 * router picks by; the ingress keeps no health of its own. Computed when asked (a global load
 * balancer's check every few seconds), never per request.
 */
export class RegionReadiness {
  constructor(
    private readonly router: RouterPort,
    private readonly checks: readonly ReadinessCheck[],
    readonly options: RegionReadinessOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** What /readyz needs: the failing names only; the model share is looked at only when it can fail. */
  async failing(): Promise<string[]> {
    const deps = await this.dependencies();
    const failing = deps.filter((d) => !d.ready).map((d) => d.name);
    if (this.options.minUsableModelShare > 0) {
      const models = await this.models().catch(() => undefined);
      if (!models || models.usableShare < this.options.minUsableModelShare) failing.push('models');
    }
    return failing;
  }

  async report(): Promise<RegionReport> {
    const [dependencies, models] = await Promise.all([this.dependencies(), this.models().catch((e: unknown) => e as Error)]);
    const reasons = dependencies.filter((d) => !d.ready).map((d) => `${d.name} does not answer`);
    const min = this.options.minUsableModelShare;
    let view: RegionReport['models'];
    if (models instanceof Error) {
      reasons.push(`the router's health state is unavailable: ${models.message}`);
      view = { minUsableShare: min, usableShare: 0, usable: 0, total: 0, list: [] };
    } else {
      view = { minUsableShare: min, ...models };
      if (min > 0 && models.usableShare < min) {
        reasons.push(`${models.usable} of ${models.total} models have a usable deployment (${pct(models.usableShare)}), below the required ${pct(min)}`);
      }
    }
    // With no share required the models are reported, never counted: a router that cannot say is then only a dependency.
    const ready = min > 0 ? reasons.length === 0 : dependencies.every((d) => d.ready);
    return { region: this.options.region, ready, reasons, dependencies, models: view };
  }

  private dependencies(): Promise<{ name: string; ready: boolean }[]> {
    return Promise.all(this.checks.map(async (c) => ({ name: c.name, ready: await Promise.resolve(c.ready()).catch(() => false) })));
  }

  private async models(): Promise<Omit<RegionReport['models'], 'minUsableShare'>> {
    const [{ models }, state] = await Promise.all([this.router.listModels(), this.router.healthState()]);
    const now = this.now();
    const byModel = new Map<string, DeploymentUsability[]>(models.map((m) => [m.name, []]));
    for (const d of state.deployments) byModel.get(d.model)?.push(usabilityOf(d, now));
    const list = [...byModel].map(([model, deployments]) => ({ model, usable: deployments.some((d) => d.usable), deployments }));
    const usable = list.filter((m) => m.usable).length;
    // No model at all: nothing can be served, so the share is 0, not "all of none".
    return { usableShare: list.length ? usable / list.length : 0, usable, total: list.length, list };
  }
}

/** The router's own rule (DeploymentHealth.isAvailable) read from its reported state; half-open admits trials, so it counts. */
export function usabilityOf(d: DeploymentHealth, now: number): DeploymentUsability {
  const reasons: string[] = [];
  if (d.circuit === 'open') reasons.push('circuit open');
  const ejected = Number(d.ejectedUntil);
  if (ejected > now) reasons.push(`ejected until ${new Date(ejected).toISOString()}`);
  const cooling = Number(d.cooldownUntil);
  if (cooling > now) reasons.push(`cooling down until ${new Date(cooling).toISOString()}`);
  return { deploymentId: d.deploymentId, providerId: d.providerId, usable: reasons.length === 0, reasons };
}

function pct(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}
