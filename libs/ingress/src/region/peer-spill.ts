import type { Attempt, ErrorEvent } from '@switchyard/ir';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { ATTEMPTS_HEADER, renderAttempts } from '../answer-headers';
import { HOP_HEADER, PEER_CLIENT_IP_HEADER, PEER_CREDENTIAL_HEADER, PEER_KEY_HASH_HEADER, type PeerHop, type PeerLink } from './peer-hop';
import { drained } from '../response-writer';

/** The request being spilled, as the ingress holds it: the client's own bytes, not our parse. */
export interface SpillRequest {
  /** Path and query as the client sent them. */
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly keyHash: string;
  readonly clientIp: string;
  readonly model: string;
  /** The tenant's and key's regions together (empty = any): a peer outside them is never asked. */
  readonly allowedRegions: readonly string[];
  /** Set when the request itself came from a peer: it is never spilled again. */
  readonly hop: PeerHop | undefined;
  readonly signal: AbortSignal;
}

// Not forwarded: hop-by-hop headers, the length (recomputed), the client's credentials (the peer
// learns the key by its hash, with the link secret) and any peer header a client sent.
const DROPPED_REQUEST = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'accept-encoding', 'expect', 'authorization', 'x-api-key', 'x-goog-api-key', HOP_HEADER, PEER_CREDENTIAL_HEADER, PEER_KEY_HASH_HEADER, PEER_CLIENT_IP_HEADER]);
// Not relayed: hop-by-hop and length headers, and the ids the origin already set on its answer.
const DROPPED_ANSWER = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'date', 'x-request-id', 'x-client-request-id', 'request-id', ATTEMPTS_HEADER]);

/** The peer's own request id, for following a spilled request into the region that served it. */
export const PEER_REQUEST_ID_HEADER = 'x-switchyard-peer-request-id';

/**
 * Spill-over (docs/architecture.md §6, Regions): a request this region's router could not place
 * (no usable deployment, `ErrorEvent.noUsableDeployment`) is sent to the configured peers'
 * ingresses in order, as the client wrote it (dialect, path, body, stream or not), and the first
 * peer that answers below 500 is relayed to the client as it arrives. Never for a request that
 * already hopped (loops), never to a peer outside the tenant's or key's regions (residency).
 */
export class PeerSpill {
  constructor(
    readonly region: string,
    readonly peers: readonly PeerLink[],
  ) {}

  /** The peers this request may go to, in order. */
  candidates(req: Pick<SpillRequest, 'hop' | 'allowedRegions'>): PeerLink[] {
    if (req.hop) return [];
    return req.allowedRegions.length ? this.peers.filter((p) => req.allowedRegions.includes(p.name)) : [...this.peers];
  }

  /**
   * Tries the candidates; true once one answered (the answer is then written to `res`), false when
   * none could, with the hops tried appended to `error.attemptLog` for the client's failure.
   */
  async forward(req: SpillRequest, error: ErrorEvent, res: ServerResponse): Promise<boolean> {
    const log = error.attemptLog;
    for (const peer of this.candidates(req)) {
      if (req.signal.aborted) return false;
      const started = Date.now();
      const hop: Attempt = { deploymentId: '', providerId: `region:${peer.name}`, model: req.model, outcome: 'spilled', hedge: false, status: 0, durationMs: 0 };
      let answer: Response;
      try {
        answer = await fetch(`${peer.url}${req.target}`, { method: 'POST', headers: this.headersFor(req, peer), body: req.body, signal: req.signal });
      } catch {
        log.push({ ...hop, outcome: 'peer_unreachable', durationMs: Date.now() - started });
        continue;
      }
      hop.status = answer.status;
      hop.durationMs = Date.now() - started;
      if (answer.status >= 500) {
        // The peer could not serve it either (its own upstreams, or its own "no deployment").
        await answer.body?.cancel().catch(() => undefined);
        log.push({ ...hop, outcome: 'peer_error' });
        continue;
      }
      log.push(hop);
      await relay(answer, res, renderAttempts(log), req.signal);
      return true;
    }
    return false;
  }

  private headersFor(req: SpillRequest, peer: PeerLink): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || DROPPED_REQUEST.has(name)) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    headers[HOP_HEADER] = this.region;
    headers[PEER_CREDENTIAL_HEADER] = peer.credential;
    headers[PEER_KEY_HASH_HEADER] = req.keyHash;
    headers[PEER_CLIENT_IP_HEADER] = req.clientIp;
    // Relayed byte for byte: no compression between regions to undo.
    headers['accept-encoding'] = 'identity';
    return headers;
  }
}


/** The peer's answer to the client: status, headers (the hop prepended to its attempts), body as it streams. */
async function relay(answer: Response, res: ServerResponse, ours: string, signal: AbortSignal): Promise<void> {
  res.statusCode = answer.status;
  answer.headers.forEach((value, name) => {
    if (!DROPPED_ANSWER.has(name)) res.setHeader(name, value);
  });
  const theirs = answer.headers.get(ATTEMPTS_HEADER);
  res.setHeader(ATTEMPTS_HEADER, theirs ? `${ours}, ${theirs}` : ours);
  const peerId = answer.headers.get('x-request-id');
  if (peerId) res.setHeader(PEER_REQUEST_ID_HEADER, peerId);
  if (!answer.body) return void res.end();
  try {
    for await (const chunk of answer.body as unknown as AsyncIterable<Uint8Array>) {
      if (signal.aborted || res.destroyed) break;
      if (!res.write(chunk)) await drained(res);
    }
  } catch {
    // The peer's stream broke mid-answer: end ours the same way, as an upstream cut does.
    res.destroy();
    return;
  }
  res.end();
}
