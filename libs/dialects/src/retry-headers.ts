import type { ErrorEvent } from '@switchyard/ir';

/** The longest wait a client should spend inside one call; past it, the caller decides. */
const MAX_IN_CALL_WAIT_MS = 60_000;

/**
 * The retry headers of an error answer, the same in every dialect. `retry-after` says when a
 * limit refills. The official SDKs (openai, @anthropic-ai/sdk) retry a 429 and sleep as long as
 * `retry-after` says, however long: a budget or a plan spent until the month ends would hold the
 * caller's request for weeks. They obey `x-should-retry`, so it says `false` for a wait past a
 * minute; `retry-after` still tells the caller when to come back.
 */
export function retryHeaders(e: ErrorEvent): Record<string, string> {
  const headers: Record<string, string> = {};
  if (e.retryAfterMs) headers['retry-after'] = String(Math.ceil(e.retryAfterMs / 1000));
  if (e.retryAfterMs > MAX_IN_CALL_WAIT_MS) headers['x-should-retry'] = 'false';
  return headers;
}
