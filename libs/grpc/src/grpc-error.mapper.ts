import { Metadata, type ServiceError, status as Status, type StatusObject } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { ErrorKind, IrError } from '@switchyard/ir';

// Trailers that carry an IrError across the hop, so a failure thrown by a remote port
// implementation reaches the caller exactly as the in-process one would (docs/architecture.md
// §6: callers cannot tell standalone from cluster mode).
const KIND_KEY = 'switchyard-error-kind';
const PARAM_KEY = 'switchyard-error-param';
const RETRY_AFTER_KEY = 'switchyard-retry-after-ms';

export interface RemoteError {
  readonly kind: ErrorKind;
  readonly param?: string;
  readonly retryAfterMs?: number;
}

const log = new Logger('grpc');

/**
 * What a handler's exception is answered with: the IrError's own status, or INTERNAL with a fixed
 * text — an unexpected exception's message (a driver's error, an address) is logged here, where it
 * happened, and never travels towards a client (issue 10).
 */
export function toStatus(error: unknown): Partial<StatusObject> {
  if (!(error instanceof IrError)) {
    log.error(`a gRPC handler failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { code: Status.INTERNAL, details: 'internal error' };
  }
  const metadata = new Metadata();
  metadata.set(KIND_KEY, String(error.kind));
  if (error.param) metadata.set(PARAM_KEY, error.param);
  if (error.retryAfterMs) metadata.set(RETRY_AFTER_KEY, String(error.retryAfterMs));
  return { code: grpcStatusOfErrorKind(error.kind), details: error.message, metadata };
}

/** The IrError a remote handler threw, if the status came from one. */
export function remoteErrorOf(metadata: Metadata | undefined): RemoteError | undefined {
  const kind = Number(metadata?.get(KIND_KEY)[0]);
  if (!metadata || !Number.isInteger(kind) || ErrorKind[kind] === undefined) return undefined;
  const param = metadata.get(PARAM_KEY)[0];
  const retryAfterMs = Number(metadata.get(RETRY_AFTER_KEY)[0]);
  return {
    kind,
    param: typeof param === 'string' ? param : undefined,
    retryAfterMs: Number.isFinite(retryAfterMs) && retryAfterMs > 0 ? retryAfterMs : undefined,
  };
}

export function grpcStatusOfErrorKind(kind: ErrorKind): Status {
  switch (kind) {
    case ErrorKind.ERROR_KIND_INVALID_REQUEST:
    case ErrorKind.ERROR_KIND_CONTEXT_LENGTH:
    case ErrorKind.ERROR_KIND_CONTENT_FILTER:
    case ErrorKind.ERROR_KIND_PAYLOAD_TOO_LARGE:
      return Status.INVALID_ARGUMENT;
    case ErrorKind.ERROR_KIND_AUTHENTICATION:
      return Status.UNAUTHENTICATED;
    case ErrorKind.ERROR_KIND_PERMISSION:
      return Status.PERMISSION_DENIED;
    case ErrorKind.ERROR_KIND_NOT_FOUND:
      return Status.NOT_FOUND;
    case ErrorKind.ERROR_KIND_RATE_LIMITED:
    case ErrorKind.ERROR_KIND_BUDGET_EXCEEDED:
    case ErrorKind.ERROR_KIND_OVERLOADED:
      return Status.RESOURCE_EXHAUSTED;
    case ErrorKind.ERROR_KIND_INSUFFICIENT_BALANCE:
      return Status.FAILED_PRECONDITION;
    case ErrorKind.ERROR_KIND_UPSTREAM_ERROR:
      return Status.UNKNOWN;
    case ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE:
      return Status.UNAVAILABLE;
    case ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT:
      return Status.DEADLINE_EXCEEDED;
    case ErrorKind.ERROR_KIND_CANCELLED:
      return Status.CANCELLED;
    case ErrorKind.ERROR_KIND_INTERNAL:
    case ErrorKind.ERROR_KIND_UNSPECIFIED:
      return Status.INTERNAL;
  }
}

/** A failed hop as the caller sees it. The peer being unreachable is UPSTREAM_UNAVAILABLE. */
export function errorKindOfGrpcStatus(code: Status): ErrorKind {
  switch (code) {
    case Status.UNAVAILABLE:
      return ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE;
    case Status.DEADLINE_EXCEEDED:
      return ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT;
    case Status.RESOURCE_EXHAUSTED:
      return ErrorKind.ERROR_KIND_OVERLOADED;
    case Status.CANCELLED:
      return ErrorKind.ERROR_KIND_CANCELLED;
    case Status.INVALID_ARGUMENT:
    case Status.OUT_OF_RANGE:
    case Status.FAILED_PRECONDITION:
      return ErrorKind.ERROR_KIND_INVALID_REQUEST;
    case Status.UNAUTHENTICATED:
      return ErrorKind.ERROR_KIND_AUTHENTICATION;
    case Status.PERMISSION_DENIED:
      return ErrorKind.ERROR_KIND_PERMISSION;
    case Status.NOT_FOUND:
      return ErrorKind.ERROR_KIND_NOT_FOUND;
    case Status.ABORTED:
    case Status.UNKNOWN:
      return ErrorKind.ERROR_KIND_UPSTREAM_ERROR;
    case Status.OK:
    case Status.ALREADY_EXISTS:
    case Status.UNIMPLEMENTED:
    case Status.INTERNAL:
    case Status.DATA_LOSS:
      return ErrorKind.ERROR_KIND_INTERNAL;
  }
}

/**
 * Whether another attempt (on this or another peer) may succeed. INTERNAL and UNIMPLEMENTED
 * are deterministic (a bug, a version skew) and are not retried.
 */
export function isRetryableGrpcStatus(code: Status): boolean {
  return code === Status.UNAVAILABLE || code === Status.DEADLINE_EXCEEDED || code === Status.RESOURCE_EXHAUSTED || code === Status.ABORTED;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A status grpc-js failed a call with (as opposed to any other exception). */
export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number';
}
