import { status as Status, type ServiceError } from '@grpc/grpc-js';
import { type ErrorEvent, ErrorKind, IrError } from '@switchyard/ir';
import { errorKindOfGrpcStatus, isRetryableGrpcStatus, messageOf, remoteErrorOf } from './grpc-error.mapper';

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
      return new GrpcCallError(method, Status.INTERNAL, ErrorKind.ERROR_KIND_INTERNAL, `gRPC ${method} failed: ${messageOf(error)}`, false);
    }
    const remote = remoteErrorOf(error.metadata);
    if (remote) return new GrpcCallError(method, error.code, remote.kind, error.details, false, remote.param, remote.retryAfterMs);
    const message = `gRPC ${method} failed with ${Status[error.code]}: ${error.details}`;
    return new GrpcCallError(method, error.code, errorKindOfGrpcStatus(error.code), message, isRetryableGrpcStatus(error.code));
  }

  override toEvent(): ErrorEvent {
    return { ...super.toEvent(), retryable: this.retryable };
  }
}

function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number';
}
