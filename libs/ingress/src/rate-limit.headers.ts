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
  if (rate.limitRequests !== undefined) {
    h['x-ratelimit-limit-requests'] = String(rate.limitRequests);
    h['x-ratelimit-remaining-requests'] = String(rate.remainingRequests ?? 0);
    h['x-ratelimit-reset-requests'] = resetDuration(rate.resetRequestsMs ?? 0);
    if (anthropic) {
      h['anthropic-ratelimit-requests-limit'] = h['x-ratelimit-limit-requests'];
      h['anthropic-ratelimit-requests-remaining'] = h['x-ratelimit-remaining-requests'];
      h['anthropic-ratelimit-requests-reset'] = new Date(now + (rate.resetRequestsMs ?? 0)).toISOString();
    }
  }
  if (rate.limitTokens !== undefined) {
    h['x-ratelimit-limit-tokens'] = String(rate.limitTokens);
    h['x-ratelimit-remaining-tokens'] = String(rate.remainingTokens ?? 0);
    h['x-ratelimit-reset-tokens'] = resetDuration(rate.resetTokensMs ?? 0);
    if (anthropic) {
      h['anthropic-ratelimit-tokens-limit'] = h['x-ratelimit-limit-tokens'];
      h['anthropic-ratelimit-tokens-remaining'] = h['x-ratelimit-remaining-tokens'];
      h['anthropic-ratelimit-tokens-reset'] = new Date(now + (rate.resetTokensMs ?? 0)).toISOString();
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
