/** First retry's ceiling; each further attempt doubles it. */
export const BACKOFF_BASE_MS = 250;
/** Ceiling of the jittered wait, whatever the attempt. */
export const BACKOFF_CAP_MS = 8_000;

/**
 * Full-jitter exponential backoff (aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter):
 * a uniform wait in [0, min(8 s, 250 ms × 2^attempt)), floored by the upstream's `retry-after`.
 * `attempt` is 1 for the first retry. Retry-after is honoured as given, not capped here: whether
 * a long one is worth waiting for (or another deployment is better) is the caller's decision.
 * Negative or non-finite inputs count as 0.
 */
export function backoffMs(attempt: number, retryAfterMs: number, random: () => number = Math.random): number {
  const exponent = Number.isFinite(attempt) && attempt > 0 ? attempt : 0;
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** exponent);
  const floor = Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : 0;
  return Math.max(floor, Math.floor(random() * ceiling));
}
