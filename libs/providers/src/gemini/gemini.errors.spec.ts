import { ErrorEvent, ErrorKind } from '@switchyard/ir';
import { irFixtures, toIrJson } from '@switchyard/testing';
import { join } from 'node:path';
import { UPSTREAM_FAULTS } from '../core/upstream-fault';
import { PROVIDERS } from '../registry';
import { mapGeminiError } from './gemini.errors';

const { readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

interface ErrorCase {
  name: string;
  status: number;
  body: unknown;
  expected: unknown;
}

const CASES = readJsonFixture('errors.cases.json') as ErrorCase[];
const RATE_LIMIT = CASES[0] as ErrorCase;

describe(mapGeminiError.name, () => {
  it.each(CASES.map((c) => [c.name, c] as const))('maps %s', (_name, c) => {
    expect(toIrJson(PROVIDERS.gemini.mapError(c.status, JSON.stringify(c.body), undefined))).toStrictEqual(c.expected);
  });

  it('never passes on the key Google echoes in a ?key= URL', () => {
    const body = { error: { code: 400, message: 'API key not valid: https://generativelanguage.googleapis.com/v1beta/models?key=AIzaSyOp3rat0rK3y000000000000000000', status: 'INVALID_ARGUMENT', details: [{ reason: 'API_KEY_INVALID' }] } };

    expect(mapGeminiError(400, JSON.stringify(body), undefined).message).toBe(UPSTREAM_FAULTS['gateway-credentials'].text);
  });

  it('prefers a Retry-After header over the RetryInfo delay', () => {
    expect(mapGeminiError(429, JSON.stringify(RATE_LIMIT.body), '3').retryAfterMs).toBe(3000);
  });

  it('answers a plain-text body with the fixed text of its status', () => {
    const html = `<html><title>502 Bad Gateway</title>${'x'.repeat(1000)}</html>`;

    expect(mapGeminiError(502, html, undefined)).toStrictEqual<ErrorEvent>({
      kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR,
      providerStatus: 502,
      message: UPSTREAM_FAULTS['upstream-failed'].text,
      retryable: true,
      retryAfterMs: 0,
      param: '',
      attemptLog: [],
    });
  });

  it('falls back to the HTTP status for JSON without a google.rpc status', () => {
    expect(toIrJson(mapGeminiError(413, '{"detail":"too big"}', undefined))).toStrictEqual({
      kind: 'ERROR_KIND_PAYLOAD_TOO_LARGE',
      providerStatus: 413,
      message: UPSTREAM_FAULTS['request-too-large'].text,
      retryable: false,
      retryAfterMs: 0,
      param: '',
      attemptLog: [],
    });
  });
});

