import { status as Status } from '@grpc/grpc-js';
import { type ErrorEvent, ErrorKind, IrError } from '@switchyard/ir';
import { errorKindOfGrpcStatus, isRetryableGrpcStatus, isServiceError, messageOf, remoteErrorOf } from './grpc-error.mapper';

/**
 * A failed gRPC call, as an IrError so dialects render it like any other failure. When the
 * remote implementation threw an IrError, its kind and message come through unchanged.
 */
export class GrpcCallError extends IrError {
  constructor(
    /** `package.Service/Method` */
    readonly method: string,
    readonly code: Status,
    kind: ErrorKind,
    message: string,
    readonly retryable: boolean,
    param?: string,
    retryAfterMs?: number,
  ) {
    super(kind, message, param, retryAfterMs);
    this.name = 'GrpcCallError';
  }

  /** `path` is the method path (`/package.Service/Method`). */
  static from(path: string, error: unknown): GrpcCallError {
    const method = path.slice(1);
    if (!isServiceError(error)) {
      return withDetail(new GrpcCallError(method, Status.INTERNAL, ErrorKind.ERROR_KIND_INTERNAL, INTERNAL_TEXT, false), `gRPC ${method} failed: ${messageOf(error)}`);
    }
    const remote = remoteErrorOf(error.metadata);
    if (remote) return new GrpcCallError(method, error.code, remote.kind, error.details, false, remote.param, remote.retryAfterMs);
    // A transport failure or a remote crash: its text (addresses, a driver's error) is for the
    // operator's log, and the client gets a fixed text of its kind (issue 10).
    const call = new GrpcCallError(method, error.code, errorKindOfGrpcStatus(error.code), publicTextOf(error.code), isRetryableGrpcStatus(error.code));
    return withDetail(call, `gRPC ${method} failed with ${Status[error.code]}: ${error.details}`);
  }

  override toEvent(): ErrorEvent {
    return { ...super.toEvent(), retryable: this.retryable };
  }
}

const INTERNAL_TEXT = 'internal error';

/** What a client is told when a hop inside the gateway failed without a typed error of its own. */
function publicTextOf(code: Status): string {
  switch (code) {
    case Status.UNAVAILABLE:
      return 'A gateway service is unavailable; retry shortly.';
    case Status.DEADLINE_EXCEEDED:
      return 'A gateway service did not answer in time; retry shortly.';
    case Status.RESOURCE_EXHAUSTED:
      return 'A gateway service is overloaded; retry shortly.';
    case Status.CANCELLED:
      return 'The request was cancelled inside the gateway.';
    default:
      return INTERNAL_TEXT;
  }
}

function withDetail(error: GrpcCallError, detail: string): GrpcCallError {
  error.detail = detail;
  return error;
}
