/**
 * The longest wait we pass on: a day. ErrorEvent.retry_after_ms is a uint32 (at most ~49 days),
 * and an upstream saying "1e9" seconds made an event the encoder between services refused; no
 * retry or cooldown is worth holding for longer anyway.
 */
export const MAX_RETRY_AFTER_MS = 86_400_000;

/** Parses an HTTP Retry-After value (seconds or an HTTP date) into milliseconds; 0 when absent or invalid. */
export function parseRetryAfterMs(value: string | undefined, now = Date.now()): number {
  if (!value) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return clamp(Math.round(seconds * 1000));
  const at = Date.parse(value);
  return Number.isFinite(at) ? clamp(at - now) : 0;
}

function clamp(ms: number): number {
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}
