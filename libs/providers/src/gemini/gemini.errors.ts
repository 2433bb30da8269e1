import { ErrorEvent, errorKindOfStatus, isRetryableStatus } from '@switchyard/ir';
import { textOf } from '../core/json-shape';
import { MAX_RETRY_AFTER_MS, parseRetryAfterMs } from '../core/retry-after';
import { faultOf, upstreamError, type UpstreamFault } from '../core/upstream-fault';
import type { GeminiRpcStatus } from './gemini.types';

// Gemini errors are google.rpc.Status objects: {"error":{"code","message","status","details"}}
// (ai.google.dev/gemini-api/docs/troubleshooting). The status name decides the kind where the
// HTTP status alone would mislead:
// - INVALID_ARGUMENT is also how Gemini refuses *our* key (ErrorInfo reason API_KEY_INVALID),
//   and FAILED_PRECONDITION means billing or region on the gateway's project ("Gemini API
//   free tier is not available in your country"): both are the gateway's problem, not the
//   client's, so they are upstream errors rather than invalid requests.
// - RESOURCE_EXHAUSTED with 402 is a depleted prepay balance: not worth a retry.
// - Gemini says when to retry in a google.rpc.RetryInfo detail ("retryDelay": "7s") rather
//   than a Retry-After header; the header still wins when there is one.
// The message only tells a context-length error apart: the tenant gets the cause's fixed text
// (core/upstream-fault.ts), never Google's words, which name the project, quota ids and links.

const CONTEXT_LENGTH = /input token count .*exceeds|exceeds the maximum number of tokens|too many tokens|context (?:length|window)/i;

export function mapGeminiError(status: number, body: string, retryAfter: string | undefined): ErrorEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return event(faultOf(errorKindOfStatus(status), status), status, isRetryableStatus(status), parseRetryAfterMs(retryAfter));
  }
  // streamGenerateContent without alt=sse answers errors inside a JSON array.
  const first: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
  const error = (first as { error?: GeminiRpcStatus } | null)?.error;
  return geminiRpcError(typeof error === 'object' && error !== null ? error : {}, status, retryAfter);
}

/** The IR error for a google.rpc.Status, from an error response or an error event mid-stream. */
export function geminiRpcError(error: GeminiRpcStatus, httpStatus: number, retryAfter: string | undefined): ErrorEvent {
  // The status arrives as JSON from the upstream: every field is checked before use, because
  // this must answer an error event whatever came (it runs outside the readers' error handling).
  const code = Number.isInteger(error.code) && (error.code as number) > 0 && (error.code as number) < 1000 ? (error.code as number) : 0;
  const status = Number.isInteger(httpStatus) && httpStatus > 0 ? httpStatus : code;
  const message = textOf(error.message);
  const details = Array.isArray(error.details) ? error.details.filter((d) => typeof d === 'object' && d !== null) : [];
  const retryAfterMs = parseRetryAfterMs(retryAfter) || retryInfoMs(details);
  switch (error.status) {
    case 'INVALID_ARGUMENT':
    case 'OUT_OF_RANGE':
      if (details.some((d) => d.reason === 'API_KEY_INVALID')) return event('gateway-credentials', status, false, 0);
      return event(CONTEXT_LENGTH.test(message) ? 'context-length' : 'rejected-request', status, false, 0);
    case 'FAILED_PRECONDITION':
      return event('gateway-account', status, false, 0);
    case 'UNAUTHENTICATED':
    case 'PERMISSION_DENIED':
      return event('gateway-credentials', status, false, 0);
    case 'NOT_FOUND':
      return event('gateway-model', status, false, 0);
    case 'RESOURCE_EXHAUSTED':
      if (status === 402) return event('gateway-account', status, false, 0);
      return event('rate-limited', status, true, retryAfterMs);
    case 'UNAVAILABLE':
      return event('overloaded', status, true, retryAfterMs);
    case 'DEADLINE_EXCEEDED':
      return event('timeout', status, true, retryAfterMs);
    case 'INTERNAL':
      return event(httpStatus ? 'upstream-failed' : 'stream-error', status, true, retryAfterMs);
    default: {
      if (status === 400 && CONTEXT_LENGTH.test(message)) return event('context-length', status, false, 0);
      return event(status ? faultOf(errorKindOfStatus(status), status) : 'stream-error', status, isRetryableStatus(status), retryAfterMs);
    }
  }
}

function retryInfoMs(details: NonNullable<GeminiRpcStatus['details']>): number {
  const delay = details.find((d) => typeof d['@type'] === 'string' && d['@type'].endsWith('google.rpc.RetryInfo'))?.retryDelay;
  // google.protobuf.Duration in JSON: seconds with up to nine fractional digits and an "s".
  const m = typeof delay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
  return m ? Math.min(MAX_RETRY_AFTER_MS, Math.round(Number(m[1]) * 1000)) : 0;
}

function event(fault: UpstreamFault, status: number, retryable: boolean, retryAfterMs: number): ErrorEvent {
  return upstreamError(fault, { status, retryable, retryAfterMs });
}
