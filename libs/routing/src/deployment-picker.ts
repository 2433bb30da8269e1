import type { DeploymentEntry, ModelEntry } from './catalogue.types';

/**
 * Weighted random choice inside the best priority tier, skipping deployments already tried in
 * this request; falls to the next tier when a tier is exhausted.
 */
export function pickDeployment(model: ModelEntry, tried: ReadonlySet<string>, random: () => number = Math.random): DeploymentEntry | undefined {
  for (const tier of model.tiers) {
    let total = 0;
    for (const d of tier) if (!tried.has(d.id)) total += d.weight;
    if (total <= 0) continue;
    let r = random() * total;
    for (const d of tier) {
      if (tried.has(d.id)) continue;
      r -= d.weight;
      if (r < 0) return d;
    }
  }
  return undefined;
}

/** Full-jitter exponential backoff (aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter), floored by retry-after. */
export function backoffMs(attempt: number, retryAfterMs: number, random: () => number = Math.random): number {
  const cap = Math.min(8000, 250 * 2 ** attempt);
  return Math.max(retryAfterMs, Math.floor(random() * cap));
}
