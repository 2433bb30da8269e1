import type { ErrorEvent } from '@switchyard/ir';
import { upstreamError } from '@switchyard/providers';
import { OUTBOUND_REFUSED } from '@switchyard/config';

// Transport failures (no HTTP status) → IR errors with the fixed text of their cause (the
// undici or Node error text, which names addresses, goes to the operator's log only). Connect
// failures and timeouts before the first byte are retryable by the router; codes are undici's
// and Node's.
export function transportError(err: unknown, phase: 'connect' | 'stream'): ErrorEvent {
  const e = err as { code?: string; name?: string };
  switch (e.code ?? e.name ?? '') {
    // The gateway's own configuration, not the upstream's state: a fixed message (never the
    // addresses DNS gave), and no retry, which would only be refused again.
    case OUTBOUND_REFUSED:
      return upstreamError('gateway-outbound', { retryable: false });
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'TimeoutError':
      return upstreamError('timeout', { retryable: phase === 'connect' });
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
      return upstreamError('unreachable', { retryable: true });
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return upstreamError('connection-lost', { retryable: phase === 'connect' });
    default:
      return upstreamError('upstream-failed', { retryable: false });
  }
}

/**
 * The message a tenant sees: the fixed text plus the facts that help them and the operator
 * trace the failure (the upstream's status and request id), never the upstream's words.
 */
export function withUpstreamFacts(text: string, status: number | undefined, requestId: string | undefined): string {
  const facts: string[] = [];
  if (status) facts.push(`upstream status ${status}`);
  if (requestId) facts.push(`upstream request id ${requestId}`);
  return facts.length ? `${text} (${facts.join(', ')})` : text;
}

/** The upstream broke its own wire protocol (bad JSON, a stream without its end marker). */
export class UpstreamProtocolError extends Error {
  override readonly name = 'UpstreamProtocolError';
}

/** The upstream's answer passed the adapter's size limit (SWITCHYARD_MAX_UPSTREAM_*_BYTES). */
export class UpstreamTooLargeError extends Error {
  override readonly name = 'UpstreamTooLargeError';
}

/** Anything a provider parser throws is the upstream breaking its protocol. */
export function protocolError(err: unknown): Error {
  return err instanceof UpstreamProtocolError || err instanceof SyntaxError ? err : new UpstreamProtocolError((err as Error).message);
}

/** Runs a provider parser once (a whole JSON answer, the end of a stream). */
export function protocol<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw protocolError(err);
  }
}
