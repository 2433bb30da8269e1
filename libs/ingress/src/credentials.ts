import type { IncomingHttpHeaders } from 'node:http';

/**
 * The key as each SDK sends it: `Authorization: Bearer` (OpenAI, recent Anthropic SDKs),
 * `x-api-key` (Anthropic), `x-goog-api-key` or `?key=` (Gemini).
 */
export function credentialOf(headers: IncomingHttpHeaders, query: Record<string, unknown> | undefined): string | undefined {
  const auth = headers.authorization;
  if (auth && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') return auth.slice(7).trim() || undefined;
  const x = headers['x-api-key'] ?? headers['x-goog-api-key'];
  if (typeof x === 'string' && x) return x.trim();
  const q = query?.['key'];
  return typeof q === 'string' && q ? q : undefined;
}
