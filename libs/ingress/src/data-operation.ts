import type { PiiRedaction } from '@switchyard/guardrails';
import type { Principal, RequestMeta, RequestSize } from '@switchyard/ir';
import type { AdmittedCall } from './admitted-call';
import type { IncomingCall } from './incoming-call';
import type { RequestOperation } from './request-metrics';
import type { UsageTracker } from './usage-tracker';

/**
 * What one data-path operation (chat, token count, embeddings) supplies to the admission
 * skeleton in `ChatPipeline`: parse → admit → meta → abort-on-close → run → usage/settle is the
 * skeleton's, in that order, for every operation. One instance per operation and pipeline, so a
 * request allocates nothing for it.
 *
 * Every step reports a failure by throwing an IrError (docs/architecture.md, "Errors on the
 * request path"); the skeleton answers it in the client's dialect and still publishes the
 * usage event and settles the quota hold of an admitted request.
 */
export interface DataOperation<D, P, Path> {
  /** The operation label of the request metrics (docs/metrics.md). */
  readonly operation: RequestOperation;
  /** The dialect's parse of the JSON body; throws IrError naming the offending field. */
  parse(dialect: D, body: unknown, path: Path): P;
  /**
   * Reads what the request refers to before admission counts it (a Responses request's stored
   * conversation); most operations have nothing to load. Throws IrError.
   */
  load?(parsed: P): Promise<void>;
  /**
   * Checks what `load` read against the admitted principal (a stored response must be its own
   * tenant's). Runs after admission and before metering, so a request refused here is an audit
   * row with outcome `refused` and no usage, like admission's own refusals. Throws IrError.
   */
  authorize?(parsed: P, principal: Principal): void;
  /** Instead of `parse`, for a body that is not always JSON (a multipart form): reads the call itself. */
  parseCall?(dialect: D, call: IncomingCall, path: Path): P;
  /** What the request audit keeps of the request, when not the IR request itself (a media upload: its file's name and size, not its bytes). */
  auditView?(parsed: P): unknown;
  /** The IR request inside the parse: its model is admitted, its meta filled in after admission. */
  irRequest(parsed: P): { model?: string | undefined; meta?: RequestMeta | undefined };
  /** What admission counts; throws IrError past the operator's ceilings (request-limits.ts). */
  size(parsed: P): RequestSize;
  /** Hands every text the request will send upstream to the PII guardrails (in place: masking rewrites them). */
  redact(parsed: P, redaction: PiiRedaction): void;
  /** The tracker of a metered operation (one usage event per request), else undefined. */
  meter(admitted: AdmittedCall<D, P>): UsageTracker | undefined;
  /** Calls the router and answers; throws IrError for a failure that comes before the answer began. */
  run(admitted: AdmittedCall<D, P>): Promise<void>;
}
