import { ErrorKind, type ErrorEvent } from '@switchyard/ir';
import { renderEdgeError } from './edge-error.render';

const TOO_LARGE: ErrorEvent = { kind: ErrorKind.ERROR_KIND_PAYLOAD_TOO_LARGE, message: 'Request body exceeds the limit of 10 bytes.', retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] };

describe(renderEdgeError.name, () => {
  it('renders admin paths in the admin API error shape with the kind status', () => {
    expect(renderEdgeError('/admin/v1/tenants', TOO_LARGE)).toEqual({
      status: 413,
      body: JSON.stringify({ error: { type: 'invalid_request', message: 'Request body exceeds the limit of 10 bytes.' } }),
      headers: { 'cache-control': 'no-store' },
    });
  });

  it('renders data paths in their dialect', () => {
    const r = renderEdgeError('/v1/messages', TOO_LARGE);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
  });

  it('carries an overriding status into the body of a dialect that repeats it', () => {
    const r = renderEdgeError('/v1beta/models/m:generateContent', { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, message: 'slow', retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] }, 408);
    expect(r.status).toBe(408);
    expect(JSON.parse(r.body)).toEqual({ error: { code: 408, message: 'slow', status: 'INVALID_ARGUMENT' } });
  });
});
