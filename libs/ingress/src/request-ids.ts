import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
/** OpenAI documents it as the caller's own id for a request (visible ASCII, at most 512 characters). */
export const CLIENT_REQUEST_ID_HEADER = 'x-client-request-id';
/**
 * Anthropic's API names its request id `request-id`, and the Anthropic SDKs read it from there
 * (`message._request_id`); every Anthropic SDK request carries `anthropic-version`.
 */
export const ANTHROPIC_REQUEST_ID_HEADER = 'request-id';

// Visible ASCII only: the value is echoed in a response header, written to logs and stored.
const CLIENT_REQUEST_ID = /^[!-~]{1,512}$/;

/** A request's ids: ours, and the caller's own when it sent a sane one. */
export interface RequestIds {
  /**
   * Minted here, never taken from the client: it is the ledger's idempotency key, the usage
   * job id and the quota lease id, so a client-chosen value could suppress or pre-empt billing
   * (issue 10, docs/architecture.md §1).
   */
  requestId: string;
  /** The caller's `x-client-request-id`, else its `x-request-id`, kept for correlation only. */
  clientRequestId: string | undefined;
}

/** The caller's correlation id: `x-client-request-id` when sane, else a sane `x-request-id`. */
export function clientRequestIdOf(headers: IncomingHttpHeaders): string | undefined {
  const own = headers[CLIENT_REQUEST_ID_HEADER];
  if (typeof own === 'string' && CLIENT_REQUEST_ID.test(own)) return own;
  const legacy = headers[REQUEST_ID_HEADER];
  return typeof legacy === 'string' && CLIENT_REQUEST_ID.test(legacy) ? legacy : undefined;
}

/**
 * Mints our id and stamps both on the response at once, so every answer carries them (errors
 * before the body was read included): `x-request-id` is ours, `x-client-request-id` echoes the
 * caller's.
 */
export function stampRequestIds(headers: IncomingHttpHeaders, res: ServerResponse): RequestIds {
  const ids: RequestIds = { requestId: randomUUID(), clientRequestId: clientRequestIdOf(headers) };
  res.setHeader(REQUEST_ID_HEADER, ids.requestId);
  if (headers['anthropic-version'] !== undefined) res.setHeader(ANTHROPIC_REQUEST_ID_HEADER, ids.requestId);
  if (ids.clientRequestId !== undefined) res.setHeader(CLIENT_REQUEST_ID_HEADER, ids.clientRequestId);
  return ids;
}
