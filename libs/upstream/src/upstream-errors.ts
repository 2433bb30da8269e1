import { ErrorEvent, ErrorKind } from '@switchyard/ir';

// Transport failures (no HTTP status) → IR errors. Connect failures and timeouts before the
// first byte are retryable by the router; codes are undici's and Node's.
export function transportError(err: unknown, phase: 'connect' | 'stream'): ErrorEvent {
  const e = err as { code?: string; name?: string; message?: string };
  const code = e.code ?? e.name ?? '';
  const message = e.message ?? String(err);
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'TimeoutError':
      return { kind: ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT, message: `upstream timed out (${code})`, retryable: phase === 'connect' };
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
      return { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: `upstream unreachable (${code})`, retryable: true };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, message: `upstream connection lost (${code})`, retryable: phase === 'connect' };
    default:
      return { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, message: `upstream call failed: ${message}`, retryable: false };
  }
}

/** The upstream broke its own wire protocol (bad JSON, a stream without its end marker). */
export class UpstreamProtocolError extends Error {
  override readonly name = 'UpstreamProtocolError';
}
