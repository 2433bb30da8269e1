import { ErrorEvent, ErrorKind } from '@switchyard/ir';
import { irFixtures } from '@switchyard/testing';
import { join } from 'node:path';
import { PROVIDERS } from '../registry';
import { mapAnthropicError } from './anthropic.errors';

const { readFixture } = irFixtures(join(__dirname, '__fixtures__'));

describe(mapAnthropicError.name, () => {
  it.each<[string, number, string | undefined, keyof typeof ErrorKind, boolean, number]>([
    ['prompt-too-long', 400, undefined, 'ERROR_KIND_CONTEXT_LENGTH', false, 0],
    ['invalid-request', 400, undefined, 'ERROR_KIND_INVALID_REQUEST', false, 0],
    ['authentication', 401, undefined, 'ERROR_KIND_UPSTREAM_ERROR', false, 0],
    ['not-found', 404, undefined, 'ERROR_KIND_UPSTREAM_ERROR', false, 0],
    ['request-too-large', 413, undefined, 'ERROR_KIND_PAYLOAD_TOO_LARGE', false, 0],
    ['rate-limit', 429, '17', 'ERROR_KIND_RATE_LIMITED', true, 17000],
    ['api', 500, undefined, 'ERROR_KIND_UPSTREAM_ERROR', true, 0],
    ['overloaded', 529, undefined, 'ERROR_KIND_OVERLOADED', true, 0],
  ])('maps the recorded %s error (%d) to its kind', (name, status, retryAfter, kind, retryable, retryAfterMs) => {
    const body = readFixture(`error.${name}.json`);
    const message = (JSON.parse(body) as { error: { message: string } }).error.message;

    expect(PROVIDERS.anthropic.mapError(status, body, retryAfter)).toStrictEqual<ErrorEvent>({
      kind: ErrorKind[kind],
      providerStatus: status,
      message: `upstream returned ${status}: ${message}`,
      retryable,
      retryAfterMs,
    });
  });

  it('reads the context limit from the max_tokens wording too', () => {
    const body = JSON.stringify({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'input length and `max_tokens` exceed context limit: 197626 + 21333 > 200000, decrease input length or `max_tokens` and try again' },
    });

    expect(mapAnthropicError(400, body, undefined).kind).toBe(ErrorKind.ERROR_KIND_CONTEXT_LENGTH);
  });

  it('falls back on the status for a plain-text body from a proxy', () => {
    expect(mapAnthropicError(503, '<html><body>503 Service Temporarily Unavailable</body></html>', '2')).toStrictEqual<ErrorEvent>({
      kind: ErrorKind.ERROR_KIND_OVERLOADED,
      providerStatus: 503,
      message: 'upstream returned 503: <html><body>503 Service Temporarily Unavailable</body></html>',
      retryable: true,
      retryAfterMs: 2000,
    });
  });

  it('falls back on the status for an unknown error type and an empty body', () => {
    expect(mapAnthropicError(402, '{"type":"error","error":{"type":"credit_error","message":"Your credit balance is too low."}}', undefined)).toMatchObject({
      kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR,
      retryable: false,
    });
    expect(mapAnthropicError(504, '', undefined)).toStrictEqual<ErrorEvent>({
      kind: ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT,
      providerStatus: 504,
      message: 'upstream returned 504',
      retryable: true,
      retryAfterMs: 0,
    });
  });
});
