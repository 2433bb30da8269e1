import { Logger } from '@nestjs/common';
import { Metadata, status as Status } from '@grpc/grpc-js';
import { ErrorKind, IrError } from '@switchyard/ir';
import { errorKindOfGrpcStatus, grpcStatusOfErrorKind, isRetryableGrpcStatus, remoteErrorOf, toStatus } from './grpc-error.mapper';

describe(toStatus.name, () => {
  it('answers a plain exception with INTERNAL and a fixed text, logging its own message where it happened', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      expect(toStatus(new Error('connect ECONNREFUSED 10.0.0.7:5432'))).toEqual({ code: Status.INTERNAL, details: 'internal error' });
      expect(toStatus('not an error')).toEqual({ code: Status.INTERNAL, details: 'internal error' });
      expect(logged.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringContaining('ECONNREFUSED 10.0.0.7:5432'), expect.stringContaining('not an error')]);
    } finally {
      logged.mockRestore();
    }
  });

  it('carries an IrError across the hop with its kind, param and retry-after', () => {
    const status = toStatus(new IrError(ErrorKind.ERROR_KIND_RATE_LIMITED, 'slow down', 'model', 1500));

    expect(status).toMatchObject({ code: Status.RESOURCE_EXHAUSTED, details: 'slow down' });
    expect(remoteErrorOf(status.metadata)).toEqual({ kind: ErrorKind.ERROR_KIND_RATE_LIMITED, param: 'model', retryAfterMs: 1500 });
  });
});

describe(remoteErrorOf.name, () => {
  it('ignores trailers that did not come from an IrError', () => {
    const metadata = new Metadata();
    metadata.set('switchyard-error-kind', 'nonsense');

    expect(remoteErrorOf(metadata)).toBeUndefined();
    expect(remoteErrorOf(new Metadata())).toBeUndefined();
    expect(remoteErrorOf(undefined)).toBeUndefined();
  });
});

describe(errorKindOfGrpcStatus.name, () => {
  it.each([
    [Status.UNAVAILABLE, ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, true],
    [Status.DEADLINE_EXCEEDED, ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT, true],
    [Status.RESOURCE_EXHAUSTED, ErrorKind.ERROR_KIND_OVERLOADED, true],
    [Status.INTERNAL, ErrorKind.ERROR_KIND_INTERNAL, false],
    [Status.UNIMPLEMENTED, ErrorKind.ERROR_KIND_INTERNAL, false],
    [Status.CANCELLED, ErrorKind.ERROR_KIND_CANCELLED, false],
  ])('maps status %i to kind %i (retryable: %s)', (code, kind, retryable) => {
    expect(errorKindOfGrpcStatus(code)).toBe(kind);
    expect(isRetryableGrpcStatus(code)).toBe(retryable);
  });

  it('reads back the kind of every status an IrError is sent with, but for kinds that share one', () => {
    expect(errorKindOfGrpcStatus(grpcStatusOfErrorKind(ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE))).toBe(ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE);
    expect(errorKindOfGrpcStatus(grpcStatusOfErrorKind(ErrorKind.ERROR_KIND_NOT_FOUND))).toBe(ErrorKind.ERROR_KIND_NOT_FOUND);
    expect(errorKindOfGrpcStatus(grpcStatusOfErrorKind(ErrorKind.ERROR_KIND_INTERNAL))).toBe(ErrorKind.ERROR_KIND_INTERNAL);
  });
});
