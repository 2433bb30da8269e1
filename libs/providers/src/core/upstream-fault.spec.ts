import { ErrorKind } from '@switchyard/ir';
import { UPSTREAM_FAULTS, faultOf, isPublicUpstreamMessage, upstreamError } from './upstream-fault';

describe(upstreamError.name, () => {
  it('carries the fixed text of the cause and the facts routing needs', () => {
    expect(upstreamError('rate-limited', { status: 429, retryable: true, retryAfterMs: 2000 })).toStrictEqual({
      kind: ErrorKind.ERROR_KIND_RATE_LIMITED,
      providerStatus: 429,
      message: UPSTREAM_FAULTS['rate-limited'].text,
      retryable: true,
      retryAfterMs: 2000,
      param: '',
      attemptLog: [],
    });
  });

  it('adds a code hint only to a rejected request and only from the vocabulary', () => {
    expect(upstreamError('rejected-request', { status: 400, retryable: false, code: 'invalid_value' }).message).toBe(
      `${UPSTREAM_FAULTS['rejected-request'].text} Upstream error code: invalid_value.`,
    );
    expect(upstreamError('rejected-request', { status: 400, retryable: false, code: 'see http://10.0.0.7' }).message).toBe(UPSTREAM_FAULTS['rejected-request'].text);
    expect(upstreamError('upstream-failed', { status: 500, retryable: true, code: 'invalid_value' }).message).toBe(UPSTREAM_FAULTS['upstream-failed'].text);
  });

  it('says the gateway, not the client, is at fault where its configuration is to blame', () => {
    for (const fault of ['gateway-credentials', 'gateway-model', 'gateway-account', 'gateway-misconfigured'] as const) {
      expect(UPSTREAM_FAULTS[fault].text).toMatch(/fault in the gateway's configuration, not in your request/);
    }
  });
});

describe(faultOf.name, () => {
  it.each([
    [ErrorKind.ERROR_KIND_UPSTREAM_ERROR, 401, 'gateway-credentials'],
    [ErrorKind.ERROR_KIND_UPSTREAM_ERROR, 403, 'gateway-credentials'],
    [ErrorKind.ERROR_KIND_UPSTREAM_ERROR, 404, 'gateway-model'],
    [ErrorKind.ERROR_KIND_UPSTREAM_ERROR, 402, 'gateway-account'],
    [ErrorKind.ERROR_KIND_UPSTREAM_ERROR, 500, 'upstream-failed'],
    [ErrorKind.ERROR_KIND_UPSTREAM_ERROR, 0, 'upstream-failed'],
    [ErrorKind.ERROR_KIND_INVALID_REQUEST, 400, 'rejected-request'],
    [ErrorKind.ERROR_KIND_OVERLOADED, 529, 'overloaded'],
  ] as const)('gives kind %s at status %d the cause %s', (kind, status, fault) => {
    expect(faultOf(kind, status)).toBe(fault);
  });
});

describe(isPublicUpstreamMessage.name, () => {
  it('knows every fixed text, with and without a hint, and nothing else', () => {
    for (const { text } of Object.values(UPSTREAM_FAULTS)) expect(isPublicUpstreamMessage(text)).toBe(true);
    expect(isPublicUpstreamMessage(upstreamError('rejected-request', { retryable: false, code: 'unsupported_parameter' }).message)).toBe(true);
    expect(isPublicUpstreamMessage('upstream returned 401: Incorrect API key provided')).toBe(false);
    expect(isPublicUpstreamMessage(undefined)).toBe(false);
  });
});
