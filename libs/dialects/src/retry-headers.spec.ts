import { ErrorKind, type ErrorEvent } from '@switchyard/ir';
import { retryHeaders } from './retry-headers';

const refusal = (over: Partial<ErrorEvent>): ErrorEvent => ({ kind: ErrorKind.ERROR_KIND_RATE_LIMITED, message: 'limit', retryable: true, retryAfterMs: 0, providerStatus: 0, param: '', attemptLog: [], ...over });

describe(retryHeaders.name, () => {
  it('lets a client wait out a short limit inside the call', () => {
    expect(retryHeaders(refusal({ retryAfterMs: 1_500 }))).toEqual({ 'retry-after': '2' });
    expect(retryHeaders(refusal({}))).toEqual({});
  });

  it('tells the SDKs not to sleep until a monthly budget or plan refills, still saying when it does', () => {
    const monthEnd = refusal({ kind: ErrorKind.ERROR_KIND_BUDGET_EXCEEDED, retryAfterMs: 2_130_094_000 });

    expect(retryHeaders(monthEnd)).toEqual({ 'retry-after': '2130094', 'x-should-retry': 'false' });
    expect(retryHeaders(refusal({ retryAfterMs: 60_000 }))).toEqual({ 'retry-after': '60' });
  });
});
