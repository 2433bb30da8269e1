import { ErrorEvent, ErrorKind } from '@switchyard/ir';
import { PROVIDERS } from '../registry';
import { mapOpenAiError } from './openai.errors';

const RATE_LIMIT_BODY = JSON.stringify({
  error: {
    message: 'Rate limit reached for gpt-4o in organization org-5tQ on tokens per min (TPM): Limit 30000, Used 29844, Requested 1203. Please try again in 2.094s.',
    type: 'tokens',
    param: null,
    code: 'rate_limit_exceeded',
  },
});

describe(mapOpenAiError.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('maps a 429 with retry-after seconds to a retryable rate limit', () => {
    expect(PROVIDERS.openai.mapError(429, RATE_LIMIT_BODY, '3')).toStrictEqual<ErrorEvent>({
      kind: ErrorKind.ERROR_KIND_RATE_LIMITED,
      providerStatus: 429,
      message:
        'upstream returned 429: Rate limit reached for gpt-4o in organization org-5tQ on tokens per min (TPM): Limit 30000, Used 29844, Requested 1203. Please try again in 2.094s.',
      retryable: true,
      retryAfterMs: 3000,
    });
  });

  it('reads retry-after as an HTTP date', () => {
    jest.spyOn(Date, 'now').mockReturnValue(Date.parse('Wed, 06 Aug 2025 10:00:00 GMT'));

    const event = mapOpenAiError(429, RATE_LIMIT_BODY, 'Wed, 06 Aug 2025 10:00:07 GMT');

    expect(event.retryAfterMs).toBe(7000);
  });

  it('keeps a plain-text 500 body as the message and retries', () => {
    expect(mapOpenAiError(500, 'Internal Server Error', undefined)).toStrictEqual<ErrorEvent>({
      kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR,
      providerStatus: 500,
      message: 'upstream returned 500: Internal Server Error',
      retryable: true,
      retryAfterMs: 0,
    });
  });

  it('cuts a long plain-text body to 500 characters', () => {
    const html = `<html>${'x'.repeat(1000)}</html>`;

    expect(mapOpenAiError(502, html, undefined).message).toBe(`upstream returned 502: ${html.slice(0, 500)}`);
  });

  it('maps a 401 for our upstream key to an upstream error, not a client authentication error', () => {
    const body = JSON.stringify({ error: { message: 'Incorrect API key provided: sk-proj-****abcd.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });

    expect(PROVIDERS['openai-compatible'].mapError(401, body, undefined)).toStrictEqual<ErrorEvent>({
      kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR,
      providerStatus: 401,
      message: 'upstream returned 401: Incorrect API key provided: sk-proj-****abcd.',
      retryable: false,
      retryAfterMs: 0,
    });
  });

  it.each([
    ['an Ollama string error', '{"error":"model \\"llama3\\" not found, try pulling it first"}', 404, 'upstream returned 404: model "llama3" not found, try pulling it first'],
    ['a vLLM top-level message', '{"object":"error","message":"This model\'s maximum context length is 8192 tokens.","type":"BadRequestError","code":400}', 400, "upstream returned 400: This model's maximum context length is 8192 tokens."],
    ['an empty body', '', 503, 'upstream returned 503'],
    ['JSON without a message', '{"detail":"busy"}', 503, 'upstream returned 503'],
  ])('reads the message of %s', (_what, body, status, message) => {
    expect(mapOpenAiError(status, body, undefined).message).toBe(message);
  });
});
