/** Parses an HTTP Retry-After value (seconds or an HTTP date) into milliseconds; 0 when absent or invalid. */
export function parseRetryAfterMs(value: string | undefined, now = Date.now()): number {
  if (!value) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : 0;
}
