import { ErrorKind, IrError, missingKeyMessage } from '@switchyard/ir';
import type { Dialect, ErrorEvent } from '@switchyard/ir';

// The failures the edge itself detects, worded once for every route that can meet them.

/** No key presented: the 401 names where a client of `dialect` sends one. */
export function missingKey(dialect: Dialect): ErrorEvent {
  return { kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message: missingKeyMessage(dialect), retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] };
}

export function payloadTooLarge(maxBodyBytes: number): ErrorEvent {
  return { kind: ErrorKind.ERROR_KIND_PAYLOAD_TOO_LARGE, message: `Request body exceeds the limit of ${maxBodyBytes} bytes.`, retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] };
}

/**
 * A string the ledger could not store (a NUL or an unpaired UTF-16 surrogate) in the named field
 * (a JSON path of the body, the model in the path, or a query parameter): refused at the edge
 * (issue 10), naming the field, never quoting it.
 */
export function unstorableField(field: string): IrError {
  const param = field.replace(/ \(a key\)$/, '');
  return IrError.invalid(`${field}: contains a NUL character (U+0000) or an unpaired UTF-16 surrogate, which we do not accept; remove it.`, param);
}
