/**
 * What a log line must never carry (issue 13): a tenant's key or an upstream key. The header
 * paths are censored by pino's redaction wherever a request or its headers are logged; a key
 * sent as `?key=` (Gemini's SDKs) can hide in any URL written into a message, so messages are
 * scrubbed of it too.
 */
export const REDACTED = '[redacted]';

const SECRET_HEADERS = ['authorization', 'x-api-key', 'x-goog-api-key', 'proxy-authorization'] as const;

/** pino `redact` paths: the secret headers under the places a request's headers get logged. */
export const REDACT_PATHS: readonly string[] = ['headers', 'req.headers', 'request.headers', 'res.headers'].flatMap((at) =>
  SECRET_HEADERS.map((h) => `${at}["${h}"]`),
);

// `key=` as a query parameter (after ? or &), up to the next separator.
const URL_KEY = /([?&]key=)[^&\s"'#]+/gi;

/** `text` with the value of every `?key=` / `&key=` query parameter replaced. */
export function scrubUrlKeys(text: string): string {
  // Most messages hold no "key=" at all: the includes test keeps them free of the regex.
  if (!text.includes('key=') && !text.includes('KEY=') && !text.includes('Key=')) return text;
  return text.replace(URL_KEY, `$1${REDACTED}`);
}
