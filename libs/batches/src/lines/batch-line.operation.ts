import type { UsageEvent, VendorHeader } from '@switchyard/ir';

/** What one line runs with: who submitted the batch, and the line's own ids. */
export interface LineContext {
  /** `<batch id>:<line>`: the ledger's idempotency key, so a line is recorded once however often it runs. */
  requestId: string;
  /**
   * `<batch id>_<line>`: what the line's answer's id is made from (`msg_…`, `chatcmpl-…`,
   * `resp_…`), as a live answer's is from its request id. Not the request id: vendors' ids are
   * letters, digits and `_` (an Anthropic SDK or tool that checks `msg_` ids meets no `:`).
   * Unique per line and the same on every run of it (lineAnswerId).
   */
  answerId: string;
  tenantId: string;
  keyId: string;
  /** The submitting key's sha256: the line is admitted under it, as the key's own request. */
  keyHash: string;
  clientIp: string;
  /** The gateway's region (usage events name it). */
  region: string;
  /** The endpoint the line was sent to (the request audit's `endpoint`). */
  endpoint: string;
  /**
   * The batch's create request's vendor headers (a Message Batch's `anthropic-beta` and
   * `anthropic-version`), carried by each line's request as a live request carries its own;
   * empty for OpenAI batches.
   */
  vendorHeaders: readonly VendorHeader[];
  signal: AbortSignal;
}

/**
 * How a line ended:
 * - `answered`: the answer the client would have got — 2xx to the output file, anything else to
 *   the error file — and the usage event to record (none when nothing was metered);
 * - `wait`: refused for now by a limit (429 from admission, or from every upstream after the
 *   router's retries): the worker backs off and runs the line again instead of failing it.
 */
export type LineOutcome =
  | { kind: 'answered'; statusCode: number; body: unknown; usage: UsageEvent | undefined }
  | { kind: 'wait'; afterMs: number };

/**
 * One batch endpoint: parses a line's body in its dialect, sends it through the normal
 * AuthPort/RouterPort path and renders the answer as that endpoint would have. Adding an endpoint
 * (e.g. `/v1/responses`) is one implementation and one entry in `batchLineOperations`.
 */
export interface BatchLineOperation {
  readonly endpoint: string;
  run(body: Record<string, unknown>, ctx: LineContext): Promise<LineOutcome>;
}
