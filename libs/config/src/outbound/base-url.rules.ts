import { OUTBOUND_SETTINGS, type OutboundPolicy } from './outbound-policy.types';
import { refuseHost } from './upstream-host.rules';

/**
 * Why `value` may not be a provider's `baseUrl` under `policy`, or undefined when it may.
 * Messages never repeat the URL: it may hold credentials.
 */
export function refuseBaseUrl(value: string, policy: OutboundPolicy): string | undefined {
  if (!URL.canParse(value)) return 'expected an https URL';
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'expected an https URL';
  if (url.username !== '' || url.password !== '') return 'credentials in the URL (user:password@) are refused; put the key in apiKeys';
  // The provider appends its own paths (`/chat/completions`) to the base URL, so a query or
  // fragment would land in the middle of the upstream URL and break it.
  if (value.includes('?') || value.includes('#')) return 'a query string or fragment is refused; the gateway appends paths to the base URL';
  // The host before the scheme: "never an upstream" is the answer to act on, not "use https".
  const host = refuseHost(url.hostname, policy);
  if (host !== undefined) return host;
  if (url.protocol === 'http:' && !policy.allowHttp) return `http: is refused; use https (or set ${OUTBOUND_SETTINGS.allowHttp}=true)`;
  return undefined;
}

/**
 * Why `value` may not be a notification webhook's URL under `policy` (the same rules as a base
 * URL, but a query string is allowed: the URL is called as written). Never repeats the URL.
 */
export function refuseWebhookUrl(value: string, policy: OutboundPolicy): string | undefined {
  if (!URL.canParse(value)) return 'expected an https URL';
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'expected an https URL';
  if (url.username !== '' || url.password !== '') return 'credentials in the URL (user:password@) are refused';
  const host = refuseHost(url.hostname, policy);
  if (host !== undefined) return host;
  if (url.protocol === 'http:' && !policy.allowHttp) return `http: is refused; use https (or set ${OUTBOUND_SETTINGS.allowHttp}=true)`;
  return undefined;
}

/**
 * A base URL as it may be shown (listings, audit rows, apply diffs): without credentials or
 * query, for rows stored before those were refused. Unparseable text is not shown at all.
 */
export function displayBaseUrl(value: string): string {
  if (!URL.canParse(value)) return '[unparseable URL]';
  const url = new URL(value);
  const credentials = url.username !== '' || url.password !== '';
  const query = value.includes('?') || value.includes('#');
  if (!credentials && !query) return value;
  return `${url.protocol}//${credentials ? '[redacted]@' : ''}${url.host}${url.pathname}${query ? '?[redacted]' : ''}`;
}
