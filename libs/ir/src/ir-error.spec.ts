import { ErrorKind, type ErrorEvent } from './generated/switchyard/ir/v1/ir';
import { IrError } from './ir-error';

describe(IrError.name, () => {
  it('builds an invalid-request error that names the offending field', () => {
    const sut = IrError.invalid('messages[1].content: expected an array', 'messages[1].content');

    expect(sut).toBeInstanceOf(Error);
    expect(sut.name).toBe('IrError');
    expect(sut.kind).toBe(ErrorKind.ERROR_KIND_INVALID_REQUEST);
    expect(sut.message).toBe('messages[1].content: expected an array');
    expect(sut.param).toBe('messages[1].content');
  });

  it('turns into a complete, non-retryable error event', () => {
    const sut = new IrError(ErrorKind.ERROR_KIND_RATE_LIMITED, 'slow down', 'model', 1500);

    expect(sut.toEvent()).toStrictEqual({
      kind: ErrorKind.ERROR_KIND_RATE_LIMITED,
      message: 'slow down',
      param: 'model',
      retryAfterMs: 1500,
      retryable: false,
      providerStatus: 0,
      attemptLog: [],
    });
  });

  it('fills absent param and retry-after with proto defaults', () => {
    expect(new IrError(ErrorKind.ERROR_KIND_INTERNAL, 'boom').toEvent()).toStrictEqual({
      kind: ErrorKind.ERROR_KIND_INTERNAL,
      message: 'boom',
      param: '',
      retryAfterMs: 0,
      retryable: false,
      providerStatus: 0,
      attemptLog: [],
    });
  });
});

describe(IrError.fromEvent.name, () => {
  it('carries a port answer whole and gives it back unchanged', () => {
    const answer: ErrorEvent = {
      kind: ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE,
      message: 'The upstream provider is unavailable.',
      providerStatus: 503,
      retryable: true,
      retryAfterMs: 2000,
      attemptLog: [{ deploymentId: 'd1', providerId: 'p1', model: 'm', outcome: 'error', status: 503, hedge: false, durationMs: 0 }],
      param: '',
    };

    const sut = IrError.fromEvent(answer);

    expect(sut).toBeInstanceOf(IrError);
    expect(sut.kind).toBe(ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE);
    expect(sut.message).toBe('The upstream provider is unavailable.');
    expect(sut.retryAfterMs).toBe(2000);
    expect(sut.toEvent()).toBe(answer);
  });

  it('takes an answer without a kind for an internal failure', () => {
    expect(IrError.fromEvent({ message: 'no kind', kind: ErrorKind.ERROR_KIND_UNSPECIFIED, providerStatus: 0, retryable: false, retryAfterMs: 0, param: '', attemptLog: [] }).kind).toBe(ErrorKind.ERROR_KIND_INTERNAL);
  });
});
