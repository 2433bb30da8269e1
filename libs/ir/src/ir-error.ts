import { ErrorEvent, ErrorKind } from './generated/switchyard/ir/v1/ir';

/** A failure with its IR kind, thrown by parsers and translators and rendered by dialects. */
export class IrError extends Error {
  /**
   * What the operator's log shows in place of `message` when the two differ (e.g. the text of
   * an internal failure behind a fixed public message). Never rendered to a client.
   */
  detail?: string;

  /**
   * The error event this error carries whole (`IrError.fromEvent`): an answer a port gave
   * in-band, with what the constructor's fields cannot hold (retryable, the provider's status,
   * the router's attempts). `toEvent` returns it unchanged.
   */
  event?: ErrorEvent;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly param?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'IrError';
  }

  static invalid(message: string, param?: string): IrError {
    return new IrError(ErrorKind.ERROR_KIND_INVALID_REQUEST, message, param);
  }

  /**
   * A port's in-band answer (`{ error }` result, error event, refused admission) as a thrown
   * error, so the ingress answers it where it answers every other failure.
   */
  static fromEvent(event: ErrorEvent): IrError {
    const error = new IrError(event.kind || ErrorKind.ERROR_KIND_INTERNAL, event.message, event.param || undefined, event.retryAfterMs || undefined);
    error.event = event;
    return error;
  }

  toEvent(): ErrorEvent {
    if (this.event) return this.event;
    return { kind: this.kind, message: this.message, param: this.param ?? '', retryAfterMs: this.retryAfterMs ?? 0, retryable: false, providerStatus: 0, attemptLog: [] };
  }
}
