// The upstream's own error text is for the operator's log only (docs/architecture.md, "Upstream
// errors"), and even there without secrets: upstreams echo keys back ("Incorrect API key
// provided: sk-…", a URL with ?key=…), and a log is read by more people than hold the keys.

// The longest excerpt of one upstream answer that goes to the log: enough for any provider's
// error message, little enough that a hostile upstream cannot flood the log.
export const LOG_EXCERPT_CHARS = 2000;

const PATTERNS: readonly [RegExp, string][] = [
  // Authorization values, whatever the token looks like.
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, '$1 [redacted]'],
  // Key-bearing headers and JSON fields echoed back: x-api-key, x-goog-api-key, api_key, apiKey.
  [/\b((?:x-goog-api-key|x-api-key|api[-_]?key|access[-_]?token)["']?\s*[:=]\s*["']?)[^\s"',;&]+/gi, '$1[redacted]'],
  // Query parameters that carry credentials (Gemini's ?key=).
  [/([?&](?:key|api[-_]?key|access_token|token|sig)=)[^&\s"'#]+/gi, '$1[redacted]'],
  // OpenAI (sk-, sk-proj-), Anthropic (sk-ant-) and Switchyard (sk-sy-) style keys.
  [/\bsk-[A-Za-z0-9_\-*]{6,}/g, 'sk-[redacted]'],
  // Google API keys.
  [/\bAIza[0-9A-Za-z_-]{20,}/g, 'AIza[redacted]'],
];

/**
 * `text` with credentials replaced by `[redacted]`: the known secrets (the deployment's own key,
 * as written and URL-encoded) wherever they appear, then anything shaped like a key.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // Very short values would redact ordinary words; keys that short are refused elsewhere.
    if (secret.length < 8) continue;
    out = out.split(secret).join('[redacted]');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join('[redacted]');
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A redacted, bounded, single-line excerpt for the log. Redacts before cutting, so a cut cannot split a key out of reach of the patterns. */
export function logExcerpt(text: string, secrets: readonly string[] = []): string {
  // Redacting costs a pass per pattern: bound the input first (generously, so a key that
  // straddles the excerpt's end is still seen whole).
  const redacted = redactSecrets(text.length > LOG_EXCERPT_CHARS * 4 ? text.slice(0, LOG_EXCERPT_CHARS * 4) : text, secrets);
  const flat = redacted.replace(/\s+/g, ' ').trim();
  return flat.length > LOG_EXCERPT_CHARS ? `${flat.slice(0, LOG_EXCERPT_CHARS)}… (${text.length} characters)` : flat;
}

// Upstream request ids are opaque tokens (OpenAI `req_…`, Anthropic `req_011…`, UUIDs); anything
// else is not passed on, so the header cannot carry text to the tenant either.
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The upstream's request id when it is a plain token that holds no secret; else undefined. */
export function safeRequestId(value: string | string[] | undefined, secrets: readonly string[] = []): string | undefined {
  const id = Array.isArray(value) ? value[0] : value;
  if (!id || !REQUEST_ID.test(id)) return undefined;
  return redactSecrets(id, secrets) === id ? id : undefined;
}
