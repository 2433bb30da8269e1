import { ErrorEvent, ErrorKind } from '@switchyard/ir';

// The failures the edge itself detects, worded once for every route that can meet them.

export const MISSING_KEY: ErrorEvent = { kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message: 'You did not provide an API key.', retryable: false };

export function payloadTooLarge(maxBodyBytes: number): ErrorEvent {
  return { kind: ErrorKind.ERROR_KIND_PAYLOAD_TOO_LARGE, message: `Request body exceeds the limit of ${maxBodyBytes} bytes.`, retryable: false };
}
