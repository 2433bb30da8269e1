import { ErrorKind, isRetryableStatus } from '@switchyard/ir';
import type { Attempt, ErrorEvent, ResponseEvent, StartEvent } from '@switchyard/ir';
import { ADAPTER_FAMILY_OF } from '@switchyard/providers';
import type { DeploymentEntry, ModelEntry } from '../catalogue.types';
import type { AttemptOutcome } from '../health';
import type { RouteContext } from './attempt-context.types';

// What the router says itself: its own error events, how an upstream's error counts for a
// deployment's health and in the attempt log, and the start event's routing fields.

export function errorEvent(value: ErrorEvent): ResponseEvent {
  return { event: { $case: 'error', value } };
}

export function unknownModel(model: string | undefined): ErrorEvent {
  return { kind: ErrorKind.ERROR_KIND_NOT_FOUND, message: `The model \`${model}\` does not exist or is not served here.`, param: 'model', retryable: false, providerStatus: 0, retryAfterMs: 0, attemptLog: [] };
}

export function unavailable(model: string): ErrorEvent {
  return { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: `no deployment of ${model} is available`, retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] };
}

/**
 * A key restricted to regions none of whose deployments (fallbacks included) are in: not an
 * outage but a permission (403), and retrying will not help.
 */
export function regionRefusal(chain: readonly ModelEntry[], regions: readonly string[]): ErrorEvent | undefined {
  if (!regions.length) return undefined;
  const deployed = new Set(chain.flatMap((m) => m.tiers.flat().map((d) => d.provider.region)));
  if ([...deployed].some((r) => regions.includes(r))) return undefined;
  const where = [...deployed].filter(Boolean).join(', ') || 'no region';
  return {
    kind: ErrorKind.ERROR_KIND_PERMISSION,
    message: `This key may only be served in the regions ${regions.join(', ')}; the model \`${chain[0]?.name ?? ''}\` is deployed in ${where}.`,
    param: 'model',
    retryable: false,
    providerStatus: 0,
    retryAfterMs: 0,
    attemptLog: [],
  };
}

/** Whether an upstream failure is the deployment's fault (for health), or the request's. */
export function isDeploymentFault(e: ErrorEvent): boolean {
  const status = e.providerStatus;
  if (status === 0) return e.kind !== ErrorKind.ERROR_KIND_INVALID_REQUEST && e.kind !== ErrorKind.ERROR_KIND_CANCELLED;
  return status >= 500 || status === 408 || isRetryableStatus(status);
}

/** An attempt's end as the deployment's health counts it (a 429 starts its cooldown). */
export function outcomeOf(e: ErrorEvent | undefined): AttemptOutcome {
  if (!e) return { ok: true };
  const status = e.providerStatus;
  if (status === 429 || e.kind === ErrorKind.ERROR_KIND_RATE_LIMITED) return { ok: false, status: status || 429, rateLimited: true, retryAfterMs: e.retryAfterMs || undefined };
  if (!isDeploymentFault(e)) return { ok: true, status };
  return { ok: false, status, retryAfterMs: e.retryAfterMs || undefined };
}

/** "rate_limited", "upstream_unavailable", … from the error kind. */
export function outcomeName(e: ErrorEvent): string {
  return ErrorKind[e.kind ?? ErrorKind.ERROR_KIND_UNSPECIFIED].replace('ERROR_KIND_', '').toLowerCase();
}

/** A log entry for a deployment the loop chose but did not call. */
export function skipped(model: ModelEntry, d: DeploymentEntry, outcome: string): Attempt {
  return { deploymentId: '', providerId: d.provider.id, model: model.name, outcome, hedge: false, status: 0, durationMs: 0 };
}

/** Closes a log entry: how long the try took and, when it failed, how. */
export function closeEntry(entry: Attempt, started: number, error: ErrorEvent | undefined): void {
  entry.durationMs = Date.now() - started;
  if (error) {
    entry.outcome = outcomeName(error);
    entry.status = error.providerStatus;
  }
}

/**
 * What the answer's start event says of the route: the public model, who served it, every try.
 * Laid over the upstream's start event, so it carries only these fields (never `id`,
 * `droppedParams` or `cacheHit`, which the upstream's event owns).
 */
export type RouteStart = Pick<StartEvent, 'model' | 'providerId' | 'deploymentId' | 'upstreamModel' | 'attempts' | 'attemptLog' | 'deploymentRegion' | 'upstreamFamily'>;
export function startOf(route: RouteContext, d: DeploymentEntry): RouteStart {
  return {
    model: route.requested,
    providerId: d.provider.id,
    deploymentId: d.id,
    upstreamModel: d.upstreamModel,
    attempts: route.log.filter((a) => a.deploymentId).length,
    attemptLog: route.log,
    ...(d.provider.region && { deploymentRegion: d.provider.region }),
    // A client of this family gets the upstream's own response id (docs/architecture.md §2, Fidelity).
    upstreamFamily: ADAPTER_FAMILY_OF[d.provider.type],
  };
}

/**
 * The region a try sends the request's data to (its provider's), for the attempt log and so the
 * request audit (docs/architecture.md, "Request audit and residency"); nothing when the provider
 * declares none.
 */
export function regionOf(d: DeploymentEntry): Pick<Attempt, 'region'> {
  return d.provider.region ? { region: d.provider.region } : {};
}
