import { ErrorEvent, ErrorKind } from './generated/switchyard/ir/v1/ir';

/** A failure with its IR kind, thrown by parsers and translators and rendered by dialects. */
export class IrError extends Error {
  /**
   * What the operator's log shows in place of `message` when the two differ (e.g. the text of
   * an internal failure behind a fixed public message). Never rendered to a client.
   */
  detail?: string;

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

  toEvent(): ErrorEvent {
    return { kind: this.kind, message: this.message, param: this.param ?? '', retryAfterMs: this.retryAfterMs ?? 0, retryable: false, providerStatus: 0 };
  }
}
