import { errorKindOfStatus, httpStatusOf, isRetryableStatus } from './error-kinds';
import { ErrorKind } from './generated/switchyard/ir/v1/ir';

describe(httpStatusOf.name, () => {
  // Every kind is listed: a kind added to the proto without a status here fails to compile.
  const statuses: Record<keyof typeof ErrorKind, number> = {
    ERROR_KIND_UNSPECIFIED: 500,
    ERROR_KIND_INVALID_REQUEST: 400,
    ERROR_KIND_AUTHENTICATION: 401,
    ERROR_KIND_PERMISSION: 403,
    ERROR_KIND_NOT_FOUND: 404,
    ERROR_KIND_PAYLOAD_TOO_LARGE: 413,
    ERROR_KIND_RATE_LIMITED: 429,
    ERROR_KIND_BUDGET_EXCEEDED: 429,
    ERROR_KIND_INSUFFICIENT_BALANCE: 402,
    ERROR_KIND_CONTEXT_LENGTH: 400,
    ERROR_KIND_CONTENT_FILTER: 400,
    ERROR_KIND_UPSTREAM_ERROR: 502,
    ERROR_KIND_UPSTREAM_UNAVAILABLE: 503,
    ERROR_KIND_UPSTREAM_TIMEOUT: 504,
    ERROR_KIND_OVERLOADED: 503,
    ERROR_KIND_CANCELLED: 499,
    ERROR_KIND_INTERNAL: 500,
  };

  it.each(Object.entries(statuses) as [keyof typeof ErrorKind, number][])('answers %s with HTTP %i', (name, status) => {
    expect(httpStatusOf(ErrorKind[name])).toBe(status);
  });

  it('answers a missing kind with 500', () => {
    expect(httpStatusOf(undefined)).toBe(500);
  });
});

describe(errorKindOfStatus.name, () => {
  it.each<[number, keyof typeof ErrorKind]>([
    [400, 'ERROR_KIND_INVALID_REQUEST'],
    [422, 'ERROR_KIND_INVALID_REQUEST'],
    // The upstream refusing our own key or model is the gateway's fault, never the client's 401.
    [401, 'ERROR_KIND_UPSTREAM_ERROR'],
    [403, 'ERROR_KIND_UPSTREAM_ERROR'],
    [404, 'ERROR_KIND_UPSTREAM_ERROR'],
    [408, 'ERROR_KIND_UPSTREAM_TIMEOUT'],
    [409, 'ERROR_KIND_UPSTREAM_ERROR'],
    [413, 'ERROR_KIND_PAYLOAD_TOO_LARGE'],
    [429, 'ERROR_KIND_RATE_LIMITED'],
    [500, 'ERROR_KIND_UPSTREAM_ERROR'],
    [502, 'ERROR_KIND_UPSTREAM_ERROR'],
    [503, 'ERROR_KIND_OVERLOADED'],
    [504, 'ERROR_KIND_UPSTREAM_TIMEOUT'],
    [529, 'ERROR_KIND_OVERLOADED'],
    [418, 'ERROR_KIND_UPSTREAM_ERROR'],
  ])('maps upstream %i to %s', (status, name) => {
    expect(errorKindOfStatus(status)).toBe(ErrorKind[name]);
  });
});

describe(isRetryableStatus.name, () => {
  it.each([408, 409, 429, 500, 502, 503, 504, 529])('retries %i', (status) => {
    expect(isRetryableStatus(status)).toBe(true);
  });

  it.each([200, 400, 401, 403, 404, 413, 422, 501])('does not retry %i', (status) => {
    expect(isRetryableStatus(status)).toBe(false);
  });
});
