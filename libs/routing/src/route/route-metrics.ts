import type { Attempt } from '@switchyard/ir';
import { metricSeries } from '@switchyard/telemetry';

/** How a try came about: the first, another deployment of the same model, another model, or a hedge raced alongside. */
export type AttemptKind = 'first' | 'retry' | 'fallback' | 'hedge';

/**
 * Counts one request's upstream tries into switchyard_upstream_attempts_total, once it ended,
 * from its attempt log: every label value comes from the catalogue (provider, deployment) or a
 * closed set (the kind; the outcome is "ok", an error kind's name, "cancelled" or "hedge_lost").
 * Entries without a deployment (skipped, context window) were never calls and are not counted.
 */
export function countAttempts(log: readonly Attempt[]): void {
  const attempts = metricSeries().attempts;
  let firstModel: string | undefined;
  for (const entry of log) {
    if (!entry.deploymentId) continue;
    let kind: AttemptKind;
    if (entry.hedge) kind = 'hedge';
    else if (firstModel === undefined) {
      kind = 'first';
      firstModel = entry.model;
    } else kind = entry.model === firstModel ? 'retry' : 'fallback';
    attempts.child({ provider: entry.providerId, deployment: entry.deploymentId, kind, outcome: entry.outcome || 'pending' }).inc();
  }
}

/** One response-cache look-up of a configured model. */
export function countCacheLookup(model: string, hit: boolean): void {
  metricSeries().cacheLookups.child({ model, result: hit ? 'hit' : 'miss' }).inc();
}
