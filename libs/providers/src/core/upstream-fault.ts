import { ErrorEvent, ErrorKind } from '@switchyard/ir';

// What a tenant is told when an upstream call fails (docs/architecture.md, "Upstream errors"):
// one fixed, dialect-neutral sentence per cause, never the upstream's own words, which can hold
// the operator's upstream key, internal URLs or account names. The raw text goes to the
// operator's log in the adapter process, redacted. Causes the gateway's own configuration is to
// blame for say so, so a tenant does not go looking for a fault in their request.

const GATEWAY_AT_FAULT = 'This is a fault in the gateway\'s configuration, not in your request; the gateway\'s operator can find the details in its logs.';

export const UPSTREAM_FAULTS = {
  'rejected-request': { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, text: 'The upstream provider rejected the request as invalid.' },
  'context-length': {
    kind: ErrorKind.ERROR_KIND_CONTEXT_LENGTH,
    text: "The request does not fit the model's context window: shorten the conversation or ask for fewer output tokens.",
  },
  'content-filter': { kind: ErrorKind.ERROR_KIND_CONTENT_FILTER, text: "The upstream provider's content filter refused the request." },
  'request-too-large': { kind: ErrorKind.ERROR_KIND_PAYLOAD_TOO_LARGE, text: 'The request is larger than the upstream provider accepts.' },
  'rate-limited': { kind: ErrorKind.ERROR_KIND_RATE_LIMITED, text: 'The upstream provider is rate limiting the gateway; retry later.' },
  overloaded: { kind: ErrorKind.ERROR_KIND_OVERLOADED, text: 'The upstream provider is overloaded; retry later.' },
  timeout: { kind: ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT, text: 'The upstream provider did not answer in time.' },
  unreachable: { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, text: 'The upstream provider could not be reached.' },
  'connection-lost': { kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, text: 'The connection to the upstream provider was lost.' },
  'upstream-failed': { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, text: 'The upstream provider failed to answer.' },
  'stream-error': { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, text: 'The upstream provider reported an error in the middle of its answer.' },
  malformed: { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, text: 'The upstream provider sent an answer the gateway could not read.' },
  'response-too-large': { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, text: "The upstream provider's answer was larger than the gateway accepts." },
  'gateway-credentials': { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, text: `The upstream provider refused the gateway's credentials. ${GATEWAY_AT_FAULT}` },
  'gateway-model': { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, text: `The upstream provider does not know the model or endpoint the gateway is configured to use. ${GATEWAY_AT_FAULT}` },
  'gateway-account': {
    kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR,
    text: `The upstream provider refused the gateway's account (billing, quota or region). ${GATEWAY_AT_FAULT}`,
  },
  'gateway-outbound': {
    kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR,
    text: `The gateway's outbound policy refuses the upstream address it is configured to call. ${GATEWAY_AT_FAULT}`,
  },
  'gateway-misconfigured': { kind: ErrorKind.ERROR_KIND_INTERNAL, text: `The gateway could not prepare the call to the upstream provider. ${GATEWAY_AT_FAULT}` },
} as const satisfies Record<string, { kind: ErrorKind; text: string }>;

export type UpstreamFault = keyof typeof UPSTREAM_FAULTS;

/**
 * Upstream error codes safe to pass on as a hint when the upstream refused the request as
 * invalid: identifiers OpenAI's API sets in `error.code` for a bad parameter, never free text.
 * OpenAI publishes no exhaustive list, so this allow-list is what makes them safe: anything else
 * (another code, an OpenAI-compatible server's words) is dropped, and an upstream cannot smuggle
 * text to the tenant through the code either.
 */
export const UPSTREAM_ERROR_CODE_HINTS: ReadonlySet<string> = new Set([
  'invalid_value',
  'invalid_type',
  'missing_required_parameter',
  'unsupported_parameter',
  'unsupported_value',
  'string_above_max_length',
  'array_above_max_length',
  'integer_above_max_value',
  'integer_below_min_value',
  'decimal_above_max_value',
  'decimal_below_min_value',
  'invalid_image_url',
  'invalid_image_format',
]);

export interface UpstreamFaultFacts {
  /** The upstream's HTTP status, 0 when there was none (transport failure, mid-stream error). */
  status?: number;
  retryable: boolean;
  retryAfterMs?: number;
  /** The upstream's own error code; kept only for `rejected-request` and when in UPSTREAM_ERROR_CODE_HINTS. */
  code?: string | null;
}

/** The ErrorEvent for one upstream failure: the cause's fixed text and the machine-readable facts routing needs. */
export function upstreamError(fault: UpstreamFault, facts: UpstreamFaultFacts): ErrorEvent {
  const { kind, text } = UPSTREAM_FAULTS[fault];
  const hint = fault === 'rejected-request' && facts.code && UPSTREAM_ERROR_CODE_HINTS.has(facts.code) ? hintText(text, facts.code) : text;
  return { kind, providerStatus: facts.status ?? 0, message: hint, retryable: facts.retryable, retryAfterMs: facts.retryAfterMs ?? 0, param: '', attemptLog: [] };
}

/**
 * The usual cause of an error kind at an upstream status, for providers whose errors say no
 * more than that. An upstream 401/403/404/402 (and other 4xx the gateway is to blame for) is the
 * gateway's configuration, never the client's.
 */
export function faultOf(kind: ErrorKind | undefined, status: number): UpstreamFault {
  switch (kind) {
    case ErrorKind.ERROR_KIND_INVALID_REQUEST:
      return 'rejected-request';
    case ErrorKind.ERROR_KIND_CONTEXT_LENGTH:
      return 'context-length';
    case ErrorKind.ERROR_KIND_CONTENT_FILTER:
      return 'content-filter';
    case ErrorKind.ERROR_KIND_PAYLOAD_TOO_LARGE:
      return 'request-too-large';
    case ErrorKind.ERROR_KIND_RATE_LIMITED:
      return 'rate-limited';
    case ErrorKind.ERROR_KIND_OVERLOADED:
      return 'overloaded';
    case ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT:
      return 'timeout';
    case ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE:
      return 'unreachable';
    case ErrorKind.ERROR_KIND_INTERNAL:
      return 'gateway-misconfigured';
    case ErrorKind.ERROR_KIND_UPSTREAM_ERROR:
    case ErrorKind.ERROR_KIND_AUTHENTICATION:
    case ErrorKind.ERROR_KIND_PERMISSION:
    case ErrorKind.ERROR_KIND_NOT_FOUND:
    case ErrorKind.ERROR_KIND_BUDGET_EXCEEDED:
    case ErrorKind.ERROR_KIND_INSUFFICIENT_BALANCE:
    case ErrorKind.ERROR_KIND_CANCELLED:
    case ErrorKind.ERROR_KIND_UNSPECIFIED:
    case undefined:
      if (status === 401 || status === 403) return 'gateway-credentials';
      if (status === 404) return 'gateway-model';
      if (status >= 400 && status < 500) return 'gateway-account';
      return 'upstream-failed';
  }
}

// Every message upstreamError can produce, for the adapter's last check before an event leaves.
const PUBLIC_MESSAGES: ReadonlySet<string> = new Set([
  ...Object.values(UPSTREAM_FAULTS).map((f) => f.text),
  ...[...UPSTREAM_ERROR_CODE_HINTS].map((code) => hintText(UPSTREAM_FAULTS['rejected-request'].text, code)),
]);

/** True when `message` is one of the fixed texts above (with or without its code hint). */
export function isPublicUpstreamMessage(message: string | undefined): boolean {
  return message !== undefined && PUBLIC_MESSAGES.has(message);
}

function hintText(text: string, code: string): string {
  return `${text} Upstream error code: ${code}.`;
}
