import { timingSafeEqual } from 'node:crypto';
import { ErrorKind, IrError } from '@switchyard/ir';
import type { IncomingHttpHeaders } from 'node:http';

// The headers between regions (docs/architecture.md §6, Regions). A spilled request carries the
// origin region's name, the secret of the link and the sha256 of the client's key (never the
// key); the peer believes the key hash and the client's address only together with the secret.
export const HOP_HEADER = 'x-switchyard-hop';
export const PEER_CREDENTIAL_HEADER = 'x-switchyard-peer-credential';
export const PEER_KEY_HASH_HEADER = 'x-switchyard-key-hash';
export const PEER_CLIENT_IP_HEADER = 'x-switchyard-client-ip';

/** One configured peer with its link secret resolved. */
export interface PeerLink {
  readonly name: string;
  /** The peer ingress's base URL, without a trailing slash. */
  readonly url: string;
  readonly credential: string;
}

/** What a valid hop tells the peer: where it came from, whose key, from what client address. */
export interface PeerHop {
  readonly from: string;
  readonly keyHash: string;
  readonly clientIp: string | undefined;
}

const KEY_HASH = /^[0-9a-f]{64}$/;

function refused(message: string): IrError {
  return IrError.fromEvent({ kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message, retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] });
}

/**
 * The hop a request claims, checked: undefined when it claims none; throws 401 when it claims
 * one without the secret this region shares with the named peer (a client cannot make itself a
 * peer to skip admission or pick a key by its hash).
 */
export function verifiedHop(headers: IncomingHttpHeaders, peers: readonly PeerLink[]): PeerHop | undefined {
  const from = headers[HOP_HEADER];
  if (from === undefined) return undefined;
  const peer = typeof from === 'string' ? peers.find((p) => p.name === from) : undefined;
  const given = headers[PEER_CREDENTIAL_HEADER];
  if (!peer || typeof given !== 'string' || !sameSecret(given, peer.credential)) {
    throw refused(`A request forwarded between regions (${HOP_HEADER}) needs the credential this region shares with that peer.`);
  }
  const keyHash = headers[PEER_KEY_HASH_HEADER];
  if (typeof keyHash !== 'string' || !KEY_HASH.test(keyHash)) throw refused(`A forwarded request names its key by ${PEER_KEY_HASH_HEADER} (64 hex digits).`);
  const ip = headers[PEER_CLIENT_IP_HEADER];
  return { from: peer.name, keyHash, clientIp: typeof ip === 'string' && ip ? ip : undefined };
}

/** Constant time in the secret's length: a wrong guess says nothing of how much was right. */
function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
