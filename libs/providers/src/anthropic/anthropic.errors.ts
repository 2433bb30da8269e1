import { ErrorEvent, ErrorKind, errorKindOfStatus, isRetryableStatus } from '@switchyard/ir';
import { parseRetryAfterMs } from '../core/retry-after';
import type { AnthropicErrorBody } from './anthropic.types';

// Anthropic error bodies are `{"type":"error","error":{"type","message"},"request_id"}`
// (docs.anthropic.com/en/api/errors); the error type decides the kind, the status is the
// fallback for types we do not know and for non-JSON bodies (proxies, load balancers).

interface KindOf {
  kind: ErrorKind;
  retryable: boolean;
}

const BY_TYPE: Readonly<Record<string, KindOf>> = {
  invalid_request_error: { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, retryable: false },
  // The upstream refusing *our* key, account or model id is the gateway's misconfiguration,
  // not the client's: it must not look like a bad client key.
  authentication_error: { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, retryable: false },
  permission_error: { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, retryable: false },
  not_found_error: { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, retryable: false },
  billing_error: { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, retryable: false },
  request_too_large: { kind: ErrorKind.ERROR_KIND_PAYLOAD_TOO_LARGE, retryable: false },
  rate_limit_error: { kind: ErrorKind.ERROR_KIND_RATE_LIMITED, retryable: true },
  api_error: { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, retryable: true },
  timeout_error: { kind: ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT, retryable: true },
  overloaded_error: { kind: ErrorKind.ERROR_KIND_OVERLOADED, retryable: true },
};

// "prompt is too long: 208310 tokens > 200000 maximum" and "input length and `max_tokens`
// exceed context limit: 197626 + 21333 > 200000, decrease input length or `max_tokens` and try again".
const CONTEXT_LENGTH = /prompt is too long|exceed context limit/i;

/** Kind and retryability of an Anthropic error type, falling back on the HTTP status. */
export function anthropicErrorKind(type: string | undefined, message: string, status: number): KindOf {
  const known = type ? BY_TYPE[type] : undefined;
  if (known?.kind === ErrorKind.ERROR_KIND_INVALID_REQUEST && CONTEXT_LENGTH.test(message)) return { kind: ErrorKind.ERROR_KIND_CONTEXT_LENGTH, retryable: false };
  return known ?? { kind: errorKindOfStatus(status), retryable: isRetryableStatus(status) };
}

export function mapAnthropicError(status: number, body: string, retryAfter: string | undefined): ErrorEvent {
  let type: string | undefined;
  let message = '';
  try {
    const parsed = JSON.parse(body) as AnthropicErrorBody;
    type = parsed.error?.type;
    message = parsed.error?.message ?? '';
  } catch {
    message = body.slice(0, 500);
  }
  const { kind, retryable } = anthropicErrorKind(type, message, status);
  return {
    kind,
    providerStatus: status,
    message: `upstream returned ${status}${message ? `: ${message}` : ''}`,
    retryable,
    retryAfterMs: parseRetryAfterMs(retryAfter),
  };
}
