import { Dialect, type RateLimitState } from '@switchyard/ir';
import type { ServerResponse } from 'node:http';

// The state of a key's tightest limits on every answer, as OpenAI names them (x-ratelimit-*),
// which is what SDKs and tools of every dialect read; Anthropic clients also get Anthropic's own
// names (anthropic-ratelimit-*, resets as RFC 3339 instants).

/** OpenAI's duration format: 20ms, 1.5s, 6m0s. */
export function resetDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(3))}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${Number(((ms - m * 60_000) / 1000).toFixed(3))}s`;
}

export function rateLimitHeaders(dialect: Dialect, rate: RateLimitState | undefined, now = Date.now()): Record<string, string> {
  const h: Record<string, string> = {};
  if (!rate) return h;
  const anthropic = dialect === Dialect.DIALECT_ANTHROPIC;
  const dimensions = [
    ['requests', rate.limitRequests, rate.remainingRequests, rate.resetRequestsMs],
    ['tokens', rate.limitTokens, rate.remainingTokens, rate.resetTokensMs],
  ] as const;
  for (const [name, limit, remaining, resetMs] of dimensions) {
    if (limit === undefined) continue;
    h[`x-ratelimit-limit-${name}`] = String(limit);
    h[`x-ratelimit-remaining-${name}`] = String(remaining ?? 0);
    h[`x-ratelimit-reset-${name}`] = resetDuration(resetMs ?? 0);
    if (anthropic) {
      h[`anthropic-ratelimit-${name}-limit`] = String(limit);
      h[`anthropic-ratelimit-${name}-remaining`] = String(remaining ?? 0);
      h[`anthropic-ratelimit-${name}-reset`] = new Date(now + (resetMs ?? 0)).toISOString();
    }
  }
  return h;
}

/** Set before the answer is written, so JSON, stream and error answers all carry them. */
export function setRateLimitHeaders(res: ServerResponse, dialect: Dialect, rate: RateLimitState | undefined): void {
  if (!rate) return;
  const h = rateLimitHeaders(dialect, rate);
  for (const k in h) res.setHeader(k, h[k] as string);
}
