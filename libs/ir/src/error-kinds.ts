import { ErrorKind } from './generated/switchyard/ir/v1/ir';

/** An error kind as logs, spans and usage records name it: `ERROR_KIND_BUDGET_EXCEEDED` → `budget_exceeded`. */
export function errorTypeOf(kind: ErrorKind | undefined): string {
  return (ErrorKind[kind ?? ErrorKind.ERROR_KIND_UNSPECIFIED] ?? 'ERROR_KIND_UNRECOGNIZED').replace('ERROR_KIND_', '').toLowerCase();
}

// The HTTP status each error kind is answered with, whatever the dialect (docs/architecture.md §2,
// "Error vocabulary").
// Overloaded upstreams (Anthropic 529) become 503 because clients of other dialects do not
// know 529.
export function httpStatusOf(kind: ErrorKind | undefined): number {
  switch (kind) {
    case ErrorKind.ERROR_KIND_INVALID_REQUEST:
    case ErrorKind.ERROR_KIND_CONTEXT_LENGTH:
    case ErrorKind.ERROR_KIND_CONTENT_FILTER:
      return 400;
    case ErrorKind.ERROR_KIND_AUTHENTICATION:
      return 401;
    case ErrorKind.ERROR_KIND_PERMISSION:
      return 403;
    case ErrorKind.ERROR_KIND_NOT_FOUND:
      return 404;
    case ErrorKind.ERROR_KIND_PAYLOAD_TOO_LARGE:
      return 413;
    case ErrorKind.ERROR_KIND_RATE_LIMITED:
    case ErrorKind.ERROR_KIND_BUDGET_EXCEEDED:
      return 429;
    // 402 Payment Required, not OpenAI's 429 insufficient_quota: the SDKs retry a 429 (twice, by
    // default) and clients back off from it as from a rate limit, but a spent balance only comes
    // back with a top-up. OpenRouter answers its "insufficient credits" with 402 too, and the
    // Anthropic SDK declares 402 (billing_error). Gemini keeps its own vocabulary (gemini-chat.render.ts).
    case ErrorKind.ERROR_KIND_INSUFFICIENT_BALANCE:
      return 402;
    case ErrorKind.ERROR_KIND_CANCELLED:
      return 499;
    case ErrorKind.ERROR_KIND_UPSTREAM_ERROR:
      return 502;
    case ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE:
    case ErrorKind.ERROR_KIND_OVERLOADED:
      return 503;
    case ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT:
      return 504;
    case ErrorKind.ERROR_KIND_INTERNAL:
    case ErrorKind.ERROR_KIND_UNSPECIFIED:
    case undefined:
      return 500;
  }
}

/** Upstream HTTP status → error kind, shared by providers that use plain HTTP semantics. */
export function errorKindOfStatus(status: number): ErrorKind {
  if (status === 400 || status === 422) return ErrorKind.ERROR_KIND_INVALID_REQUEST;
  // The upstream refusing *our* credentials or model id is the gateway's misconfiguration,
  // not the client's fault: it must not look like a bad client key (401) to the caller.
  if (status === 401 || status === 403 || status === 404) return ErrorKind.ERROR_KIND_UPSTREAM_ERROR;
  if (status === 408 || status === 504) return ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT;
  if (status === 413) return ErrorKind.ERROR_KIND_PAYLOAD_TOO_LARGE;
  if (status === 429) return ErrorKind.ERROR_KIND_RATE_LIMITED;
  if (status === 503 || status === 529) return ErrorKind.ERROR_KIND_OVERLOADED;
  if (status >= 500) return ErrorKind.ERROR_KIND_UPSTREAM_ERROR;
  return ErrorKind.ERROR_KIND_UPSTREAM_ERROR;
}

/** Statuses worth another attempt (docs/architecture.md §1, router: "Retries"). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status === 500 || status === 502 || status === 503 || status === 504 || status === 529;
}
