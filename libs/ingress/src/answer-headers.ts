import type { Attempt, StartEvent } from '@switchyard/ir';

/** Lists request fields dropped as harmless on the way upstream (issue 3: nothing silently wrong). */
export const DROPPED_HEADER = 'x-switchyard-dropped-params';
/** Says a token count was made locally (the upstream has no counting endpoint or reported none). */
export const ESTIMATED_HEADER = 'x-switchyard-token-count';
/** Request: no-cache (do not answer from the cache) or no-store (do not touch it). Response: `hit` when the cache answered. */
export const CACHE_HEADER = 'x-switchyard-cache';
/** Every upstream try: deployment=outcome, in order (issue 5). */
export const ATTEMPTS_HEADER = 'x-switchyard-attempts';
/** The output limit a budgeted request without one was sent upstream with (its reservation assumed it). */
export const IMPOSED_MAX_TOKENS_HEADER = 'x-switchyard-max-tokens';

/**
 * What the client is told in headers: the fields the dialect (`dialectDropped`) and the
 * provider dropped, every try, and a cache hit.
 */
export function answerHeaders(dialectDropped: string[] | undefined, start: StartEvent | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  const dropped = new Set([...(dialectDropped ?? []), ...(start?.droppedParams ?? [])]);
  if (dropped.size) headers[DROPPED_HEADER] = [...dropped].join(', ');
  if (start?.attemptLog?.length) headers[ATTEMPTS_HEADER] = renderAttempts(start.attemptLog);
  if (start?.cacheHit) headers[CACHE_HEADER] = 'hit';
  return headers;
}

/** `provider=p;model=m;outcome=o[;status=n][;ms=n][;hedge]`, comma-separated, in try order. */
export function renderAttempts(log: readonly Attempt[]): string {
  return log
    .map((a) => {
      let s = `provider=${a.providerId};model=${a.model};outcome=${a.outcome}`;
      if (a.status) s += `;status=${a.status}`;
      // A deployment the loop skipped (no deployment id) was not called: it took no time.
      if (a.deploymentId || a.durationMs) s += `;ms=${a.durationMs}`;
      if (a.hedge) s += ';hedge';
      return s;
    })
    .join(', ');
}
