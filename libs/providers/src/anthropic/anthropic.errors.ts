import { ErrorEvent, errorKindOfStatus, isRetryableStatus } from '@switchyard/ir';
import { textOf } from '../core/json-shape';
import { parseRetryAfterMs } from '../core/retry-after';
import { faultOf, upstreamError, type UpstreamFault } from '../core/upstream-fault';
import type { AnthropicErrorBody } from './anthropic.types';

// Anthropic error bodies are `{"type":"error","error":{"type","message"},"request_id"}`
// (docs.anthropic.com/en/api/errors); the error type decides the cause, the status is the
// fallback for types we do not know and for non-JSON bodies (proxies, load balancers). The
// message only tells a context-length error apart: the tenant gets the cause's fixed text
// (core/upstream-fault.ts), never the upstream's words.

interface CauseOf {
  fault: UpstreamFault;
  retryable: boolean;
}

const BY_TYPE: Readonly<Record<string, CauseOf>> = {
  invalid_request_error: { fault: 'rejected-request', retryable: false },
  // The upstream refusing *our* key, account or model id is the gateway's misconfiguration,
  // not the client's: it must not look like a bad client key.
  authentication_error: { fault: 'gateway-credentials', retryable: false },
  permission_error: { fault: 'gateway-credentials', retryable: false },
  not_found_error: { fault: 'gateway-model', retryable: false },
  billing_error: { fault: 'gateway-account', retryable: false },
  request_too_large: { fault: 'request-too-large', retryable: false },
  rate_limit_error: { fault: 'rate-limited', retryable: true },
  api_error: { fault: 'upstream-failed', retryable: true },
  timeout_error: { fault: 'timeout', retryable: true },
  overloaded_error: { fault: 'overloaded', retryable: true },
};

// "prompt is too long: 208310 tokens > 200000 maximum" and "input length and `max_tokens`
// exceed context limit: 197626 + 21333 > 200000, decrease input length or `max_tokens` and try again".
const CONTEXT_LENGTH = /prompt is too long|exceed context limit/i;

/** Cause and retryability of an Anthropic error type, falling back on the HTTP status (0 mid-stream). */
export function anthropicErrorCause(type: string | undefined, message: string, status: number): CauseOf {
  // Own entries only: an error type "constructor" is no error type of ours.
  const known = typeof type === 'string' && Object.hasOwn(BY_TYPE, type) ? BY_TYPE[type] : undefined;
  if (known?.fault === 'rejected-request' && CONTEXT_LENGTH.test(message)) return { fault: 'context-length', retryable: false };
  if (known) return known;
  if (status === 0) return { fault: 'stream-error', retryable: false };
  return { fault: faultOf(errorKindOfStatus(status), status), retryable: isRetryableStatus(status) };
}

export function mapAnthropicError(status: number, body: string, retryAfter: string | undefined): ErrorEvent {
  let type: string | undefined;
  let message = '';
  try {
    const parsed = JSON.parse(body) as AnthropicErrorBody;
    type = textOf(parsed.error?.type) || undefined;
    message = textOf(parsed.error?.message);
  } catch {
    // Not Anthropic's JSON (a proxy's page): the status decides.
  }
  const { fault, retryable } = anthropicErrorCause(type, message, status);
  return upstreamError(fault, { status, retryable, retryAfterMs: parseRetryAfterMs(retryAfter) });
}

/** The IR error for an `error` event inside a stream (no HTTP status). */
export function anthropicStreamError(type: string | undefined, message: string): ErrorEvent {
  const { fault, retryable } = anthropicErrorCause(type, message, 0);
  return upstreamError(fault, { retryable });
}
