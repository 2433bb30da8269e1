import type { DeploymentEntry } from '../catalogue.types';
import type { DeploymentHealth } from '../health';
import { type DeploymentStats, pickDeployment } from '../selection';
import type { ModelTurn } from './attempt-context.types';

/** How hard to look: only healthy deployments, or, when nothing is healthy, any in the tenant's regions. */
export interface PickPolicy {
  /** With nothing healthy left anywhere, ignore health and limits rather than fail (as Envoy's panic mode). */
  readonly panic: boolean;
}

const HEALTHY_ONLY: PickPolicy = { panic: false };

/** Chooses the deployment of a model that the next try goes to. */
export class DeploymentPicker {
  constructor(
    private readonly health: DeploymentHealth,
    private readonly stats: DeploymentStats,
    /**
     * This gateway's region (`server.region`): its deployments are tried before any other
     * region's, so a region calls upstreams near it while they serve, and another region's
     * deployments of the same model (one catalogue is shared by every region) only after.
     */
    private readonly localRegion = '',
  ) {}

  /**
   * The next deployment of the turn's model: healthy, in the tenant's regions, under its
   * upstream limits, not tried yet. In panic, with nothing usable and nothing tried, health and
   * limits are ignored rather than failing a request that some deployment might still serve.
   */
  pick(turn: ModelTurn, policy: PickPolicy = HEALTHY_ONLY): DeploymentEntry | undefined {
    const { model, tried } = turn;
    const { regions, estimate } = turn.route;
    const inRegion = (d: DeploymentEntry) => regions.length === 0 || regions.includes(d.provider.region);
    const strategy = model.strategy ?? 'weighted';
    const usable = (d: DeploymentEntry) => !tried.has(d.id) && inRegion(d) && this.health.isAvailable(d.id) && this.stats.withinLimits(d, estimate);
    const local = this.localRegion;
    const picked =
      (local && model.tiers.some((tier) => tier.some((d) => d.provider.region === local)) ? pickDeployment(model, { strategy, usable: (d) => d.provider.region === local && usable(d), stats: this.stats, estimatedTokens: estimate }) : undefined) ??
      pickDeployment(model, { strategy, usable, stats: this.stats, estimatedTokens: estimate });
    if (picked && this.health.tryAcquire(picked.id)) return picked;
    if (picked || !policy.panic || tried.size > 0) return undefined;
    return pickDeployment(model, { strategy, usable: (d) => inRegion(d), stats: this.stats, estimatedTokens: estimate });
  }

  /** Like pick; with every deployment tried and retries left, a new round (healthy ones only). */
  pickNext(turn: ModelTurn, policy: PickPolicy): DeploymentEntry | undefined {
    const d = this.pick(turn, policy);
    if (d || turn.tried.size === 0) return d;
    turn.tried.clear();
    return this.pick(turn);
  }
}
