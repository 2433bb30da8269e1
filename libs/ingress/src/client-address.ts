import { ipAllowList } from '@switchyard/config';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The client's address for IP allow-lists. Behind a load balancer the socket's peer is the
 * proxy; only when that peer is one of the operator's trusted proxies (SWITCHYARD_TRUSTED_PROXIES)
 * is X-Forwarded-For believed, read from the right, skipping further trusted hops: the first
 * untrusted address is the one a trusted proxy saw. Anything left of it could be forged by the
 * client, so it is never used. Without trusted proxies the header is ignored entirely.
 */
export type ClientAddressResolver = (socketAddress: string, headers: IncomingHttpHeaders) => string;

export function clientAddressResolver(trustedProxies: readonly string[] | undefined): ClientAddressResolver {
  if (!trustedProxies?.length) return (socket) => socket;
  const trusted = ipAllowList(trustedProxies);
  return (socket, headers) => {
    if (!trusted(socket)) return socket;
    const raw = headers['x-forwarded-for'];
    const hops = (Array.isArray(raw) ? raw.join(',') : raw ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i--) {
      if (!trusted(hops[i] as string)) return hops[i] as string;
    }
    // Every hop is a trusted proxy: the leftmost is the closest thing to a client we know.
    return hops[0] ?? socket;
  };
}
