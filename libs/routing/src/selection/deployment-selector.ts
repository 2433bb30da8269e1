import type { RoutingStrategy } from '@switchyard/config';
import type { DeploymentEntry, ModelEntry } from '../catalogue.types';
import type { DeploymentStats } from './deployment-stats';

/** lowest-latency: share of picks that ignore the figures (weighted random), so stale EWMAs get refreshed. */
export const EXPLORATION_RATE = 0.05;
/** lowest-cost: input tokens assumed when the caller has no estimate. */
export const DEFAULT_INPUT_TOKENS = 1_000;
/** lowest-cost: output tokens assumed when the caller does not say (a typical chat answer). */
export const DEFAULT_OUTPUT_TOKENS = 256;

export interface PickOptions {
  strategy: RoutingStrategy;
  /** Health, region, limits, not already tried — decided by the caller; called at most once per deployment per pick. */
  usable: (d: DeploymentEntry) => boolean;
  stats: DeploymentStats;
  /** lowest-cost: input tokens of the request. */
  estimatedTokens?: number;
  /** lowest-cost: output tokens to expect (e.g. the request's max tokens). */
  expectedOutputTokens?: number;
  /** lowest-latency: 0..1, default EXPLORATION_RATE. */
  explorationRate?: number;
  random?: () => number;
}

// Candidate kinds in the scratch array.
const NOT_CANDIDATE = 0;
const CANDIDATE = 1;
/** lowest-latency: no latency figure yet and nothing in flight — gets the next request. */
const UNSAMPLED_IDLE = 2;
/** lowest-latency: no figure yet but its first request is still running — wait for it. */
const UNSAMPLED_BUSY = 3;

// Per-pick scratch, grown to the largest tier and reused: picking allocates nothing. Safe because
// picking is synchronous; `usable` must not call pickDeployment.
let kinds = new Uint8Array(16);
let scores = new Float64Array(16);

/**
 * Picks one deployment of the best tier (tiers in order, lowest priority value first) that has a
 * usable candidate. A candidate has weight > 0 (weight 0 = drained, never picked) and passes
 * `usable`. Within that tier:
 *
 * - `weighted`: random in proportion to the weights.
 * - `least-inflight`: fewest requests in flight on this replica; ties by weighted random. Weights
 *   only break ties, so under load the split tends to equal in-flight counts whatever the weights.
 * - `lowest-latency`: lowest latency × (in flight + 1), the latency being the TTFT EWMA (else the
 *   total-time EWMA) — the in-flight factor (Finagle's peak-EWMA cost) stops every request
 *   herding onto the one fastest deployment before its EWMA can react. Ties by weighted random.
 *   Exploration: a deployment without any figure and nothing in flight is picked first (weighted
 *   among such), so a new deployment gets a request at once, one at a time until its first figure
 *   arrives; otherwise with probability `explorationRate` (5 %) the pick is plain weighted random.
 *   With no figures at all in the tier, plain weighted random.
 * - `lowest-cost`: cheapest by inputPerMTok × estimatedTokens + outputPerMTok × expected output;
 *   an unknown price counts as the most expensive; ties by weighted random.
 *
 * One `random()` draw per pick; exploration reuses it rescaled. Cost: O(deployments in the tiers
 * visited), one stats Map lookup per candidate, no allocation.
 */
export function pickDeployment(model: ModelEntry, opts: PickOptions): DeploymentEntry | undefined {
  for (const tier of model.tiers) {
    const picked = pickInTier(tier, opts);
    if (picked) return picked;
  }
  return undefined;
}

function pickInTier(tier: readonly DeploymentEntry[], opts: PickOptions): DeploymentEntry | undefined {
  const n = tier.length;
  if (kinds.length < n) {
    kinds = new Uint8Array(n * 2);
    scores = new Float64Array(n * 2);
  }
  const { strategy, stats } = opts;
  const inputTokens = opts.estimatedTokens ?? DEFAULT_INPUT_TOKENS;
  const outputTokens = opts.expectedOutputTokens ?? DEFAULT_OUTPUT_TOKENS;

  let totalWeight = 0;
  let unsampledIdleWeight = 0;
  let best = Number.POSITIVE_INFINITY;
  let bestWeight = 0;
  for (let i = 0; i < n; i++) {
    const d = tier[i];
    if (!(d.weight > 0) || !opts.usable(d)) {
      kinds[i] = NOT_CANDIDATE;
      continue;
    }
    totalWeight += d.weight;
    let kind = CANDIDATE;
    let score = 0;
    switch (strategy) {
      case 'weighted':
        break;
      case 'least-inflight':
        score = stats.inFlight(d.id);
        break;
      case 'lowest-latency': {
        const latency = stats.latencyScore(d.id);
        const inFlight = stats.inFlight(d.id);
        if (Number.isNaN(latency)) {
          kind = inFlight === 0 ? UNSAMPLED_IDLE : UNSAMPLED_BUSY;
          if (kind === UNSAMPLED_IDLE) unsampledIdleWeight += d.weight;
        } else score = latency * (inFlight + 1);
        break;
      }
      case 'lowest-cost':
        score = d.price ? d.price.inputPerMTok * inputTokens + d.price.outputPerMTok * outputTokens : Number.POSITIVE_INFINITY;
        break;
    }
    kinds[i] = kind;
    scores[i] = score;
    if (kind !== CANDIDATE) continue;
    if (score < best || bestWeight === 0) {
      best = score;
      bestWeight = d.weight;
    } else if (score === best) bestWeight += d.weight;
  }
  if (totalWeight <= 0) return undefined;

  const r = opts.random?.() ?? Math.random();
  if (strategy === 'weighted') return weightedAmong(tier, ANY, 0, totalWeight, r);
  if (strategy === 'lowest-latency') {
    if (unsampledIdleWeight > 0) return weightedAmong(tier, UNSAMPLED_IDLE, 0, unsampledIdleWeight, r);
    const epsilon = opts.explorationRate ?? EXPLORATION_RATE;
    if (r < epsilon) return weightedAmong(tier, ANY, 0, totalWeight, r / epsilon);
    if (bestWeight === 0) return weightedAmong(tier, ANY, 0, totalWeight, (r - epsilon) / (1 - epsilon));
    return weightedAmong(tier, CANDIDATE, best, bestWeight, (r - epsilon) / (1 - epsilon));
  }
  return weightedAmong(tier, CANDIDATE, best, bestWeight, r);
}

/** Any candidate kind, score ignored. */
const ANY = -1;

/**
 * Weighted choice with uniform `u` in [0, 1) among the candidates of `kind` (and, for
 * CANDIDATE, of score `score`); `total` is their weight sum.
 */
function weightedAmong(tier: readonly DeploymentEntry[], kind: number, score: number, total: number, u: number): DeploymentEntry | undefined {
  let left = u * total;
  let last: DeploymentEntry | undefined;
  for (let i = 0; i < tier.length; i++) {
    const k = kinds[i];
    if (k === NOT_CANDIDATE) continue;
    if (kind !== ANY && (k !== kind || (kind === CANDIDATE && scores[i] !== score))) continue;
    const d = tier[i];
    last = d;
    left -= d.weight;
    if (left < 0) return d;
  }
  // u rounding up to 1 (e.g. a rescaled draw): the last match.
  return last;
}
