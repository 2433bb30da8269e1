/**
 * Browser origins as CORS compares them (RFC 6454 serialisation): `scheme://host[:port]`, lower
 * case, no path, no trailing slash, the default port left out. Written in the configuration and
 * sent by browsers in the `Origin` header; both sides go through `normalizeOrigin`, so
 * `HTTPS://App.Example.com:443/` in the file matches `https://app.example.com` from a browser.
 * `*` allows any origin (keys travel in headers, never cookies, so no credentials are shared).
 */
export const ANY_ORIGIN = '*';

/** The origin in its serialised form, or undefined when `value` is not an http(s) origin. */
export function normalizeOrigin(value: string): string | undefined {
  if (value === ANY_ORIGIN) return ANY_ORIGIN;
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  // An origin is only scheme, host and port: anything more is a mistake in the configuration.
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return undefined;
  if (/\/[^/]/.test(value.slice(value.indexOf('//') + 2))) return undefined;
  return url.origin;
}
