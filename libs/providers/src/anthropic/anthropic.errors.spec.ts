import { ErrorEvent, ErrorKind } from '@switchyard/ir';
import { irFixtures } from '@switchyard/testing';
import { join } from 'node:path';
import { UPSTREAM_FAULTS, type UpstreamFault } from '../core/upstream-fault';
import { PROVIDERS } from '../registry';
import { mapAnthropicError } from './anthropic.errors';

const { readFixture } = irFixtures(join(__dirname, '__fixtures__'));

describe(mapAnthropicError.name, () => {
  it.each<[string, number, string | undefined, keyof typeof ErrorKind, boolean, number, UpstreamFault]>([
    ['prompt-too-long', 400, undefined, 'ERROR_KIND_CONTEXT_LENGTH', false, 0, 'context-length'],
    ['invalid-request', 400, undefined, 'ERROR_KIND_INVALID_REQUEST', false, 0, 'rejected-request'],
    ['authentication', 401, undefined, 'ERROR_KIND_UPSTREAM_ERROR', false, 0, 'gateway-credentials'],
    ['not-found', 404, undefined, 'ERROR_KIND_UPSTREAM_ERROR', false, 0, 'gateway-model'],
    ['request-too-large', 413, undefined, 'ERROR_KIND_PAYLOAD_TOO_LARGE', false, 0, 'request-too-large'],
    ['rate-limit', 429, '17', 'ERROR_KIND_RATE_LIMITED', true, 17000, 'rate-limited'],
    ['api', 500, undefined, 'ERROR_KIND_UPSTREAM_ERROR', true, 0, 'upstream-failed'],
    ['overloaded', 529, undefined, 'ERROR_KIND_OVERLOADED', true, 0, 'overloaded'],
  ])('maps the recorded %s error (%d) to its kind and fixed text', (name, status, retryAfter, kind, retryable, retryAfterMs, fault) => {
    const body = readFixture(`error.${name}.json`);
    const upstreamMessage = (JSON.parse(body) as { error: { message: string } }).error.message;

    const event = PROVIDERS.anthropic.mapError(status, body, retryAfter);

    expect(event).toStrictEqual<ErrorEvent>({ kind: ErrorKind[kind], providerStatus: status, message: UPSTREAM_FAULTS[fault].text, retryable, retryAfterMs, param: '', attemptLog: [] });
    expect(event.message).not.toContain(upstreamMessage);
  });

  it('reads the context limit from the max_tokens wording too', () => {
    const body = JSON.stringify({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'input length and `max_tokens` exceed context limit: 197626 + 21333 > 200000, decrease input length or `max_tokens` and try again' },
    });

    expect(mapAnthropicError(400, body, undefined).kind).toBe(ErrorKind.ERROR_KIND_CONTEXT_LENGTH);
  });

  it('never passes on a 401 body holding the upstream key', () => {
    const body = JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key: sk-ant-api03-Op3rat0rK3y' }, request_id: 'req_011' });

    expect(mapAnthropicError(401, body, undefined).message).toBe(UPSTREAM_FAULTS['gateway-credentials'].text);
  });

  it('falls back on the status for a plain-text body from a proxy', () => {
    expect(mapAnthropicError(503, '<html><body>503 Service Temporarily Unavailable</body></html>', '2')).toStrictEqual<ErrorEvent>({
      kind: ErrorKind.ERROR_KIND_OVERLOADED,
      providerStatus: 503,
      message: UPSTREAM_FAULTS.overloaded.text,
      retryable: true,
      retryAfterMs: 2000,
      param: '',
      attemptLog: [],
    });
  });

  it('falls back on the status for an unknown error type and an empty body', () => {
    expect(mapAnthropicError(402, '{"type":"error","error":{"type":"credit_error","message":"Your credit balance is too low."}}', undefined)).toMatchObject({
      kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR,
      message: UPSTREAM_FAULTS['gateway-account'].text,
      retryable: false,
    });
    expect(mapAnthropicError(504, '', undefined)).toStrictEqual<ErrorEvent>({
      kind: ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT,
      providerStatus: 504,
      message: UPSTREAM_FAULTS.timeout.text,
      retryable: true,
      retryAfterMs: 0,
      param: '',
      attemptLog: [],
    });
  });
});
