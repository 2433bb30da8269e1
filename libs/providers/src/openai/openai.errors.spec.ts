import { ErrorEvent, ErrorKind } from '@switchyard/ir';
import { UPSTREAM_FAULTS } from '../core/upstream-fault';
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

// The answer issue 10 found reaching a tenant verbatim: the operator's key and an internal URL.
const LEAKING_401 = JSON.stringify({
  error: {
    message: 'Incorrect API key provided: Bearer sk-proj-Op3rat0rK3y0000000000000000. URL was http://10.0.0.7:8080/v1/chat/completions',
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_api_key',
  },
});

describe(mapOpenAiError.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('maps a 429 with retry-after seconds to a retryable rate limit with the fixed text', () => {
    expect(PROVIDERS.openai.mapError(429, RATE_LIMIT_BODY, '3')).toStrictEqual<ErrorEvent>({
      kind: ErrorKind.ERROR_KIND_RATE_LIMITED,
      providerStatus: 429,
      message: UPSTREAM_FAULTS['rate-limited'].text,
      retryable: true,
      retryAfterMs: 3000,
      param: '',
      attemptLog: [],
    });
  });

  it('reads retry-after as an HTTP date', () => {
    jest.spyOn(Date, 'now').mockReturnValue(Date.parse('Wed, 06 Aug 2025 10:00:00 GMT'));

    const event = mapOpenAiError(429, RATE_LIMIT_BODY, 'Wed, 06 Aug 2025 10:00:07 GMT');

    expect(event.retryAfterMs).toBe(7000);
  });

  it('answers a plain-text 500 with the fixed text and retries', () => {
    expect(mapOpenAiError(500, 'Internal Server Error at http://10.0.0.7/', undefined)).toStrictEqual<ErrorEvent>({
      kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR,
      providerStatus: 500,
      message: UPSTREAM_FAULTS['upstream-failed'].text,
      retryable: true,
      retryAfterMs: 0,
      param: '',
      attemptLog: [],
    });
  });

  it('maps a 401 for our upstream key to a gateway fault that holds none of the upstream text', () => {
    const event = PROVIDERS['openai-compatible'].mapError(401, LEAKING_401, undefined);

    expect(event).toStrictEqual<ErrorEvent>({
      kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR,
      providerStatus: 401,
      message: UPSTREAM_FAULTS['gateway-credentials'].text,
      retryable: false,
      retryAfterMs: 0,
      param: '',
      attemptLog: [],
    });
    expect(event.message).toContain('gateway');
    expect(event.message).not.toMatch(/sk-|10\.0\.0\.7|Bearer/);
  });

  it.each([
    ['a 404 unknown model', 404, 'gateway-model'],
    ['a 403 permission error', 403, 'gateway-credentials'],
    ['a 402 payment required', 402, 'gateway-account'],
    ['a 503', 503, 'overloaded'],
    ['a 504', 504, 'timeout'],
    ['a 413', 413, 'request-too-large'],
  ] as const)('gives %s its fixed cause', (_what, status, fault) => {
    const event = mapOpenAiError(status, '{"error":{"message":"secret detail","code":"x"}}', undefined);

    expect(event.message).toBe(UPSTREAM_FAULTS[fault].text);
    expect(event.kind).toBe(UPSTREAM_FAULTS[fault].kind);
  });

  it.each([
    ['OpenAI context_length_exceeded', '{"error":{"message":"This model\'s maximum context length is 128000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}'],
    ['a vLLM top-level message', '{"object":"error","message":"This model\'s maximum context length is 8192 tokens.","type":"BadRequestError","code":400}'],
  ])('recognises a context-length 400 from %s', (_what, body) => {
    expect(mapOpenAiError(400, body, undefined)).toStrictEqual<ErrorEvent>({
      kind: ErrorKind.ERROR_KIND_CONTEXT_LENGTH,
      providerStatus: 400,
      message: UPSTREAM_FAULTS['context-length'].text,
      retryable: false,
      retryAfterMs: 0,
      param: '',
      attemptLog: [],
    });
  });

  it("recognises Azure's content_filter 400", () => {
    const body = '{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI\'s content management policy.","type":null,"param":"prompt","code":"content_filter","status":400}}';

    expect(mapOpenAiError(400, body, undefined).kind).toBe(ErrorKind.ERROR_KIND_CONTENT_FILTER);
  });

  it('keeps a code from the fixed vocabulary as a hint on a rejected request, and nothing else', () => {
    const body = JSON.stringify({ error: { message: "Unsupported parameter: 'max_tokens' is not supported with this model.", type: 'invalid_request_error', param: 'max_tokens', code: 'unsupported_parameter' } });

    expect(mapOpenAiError(400, body, undefined).message).toBe(`${UPSTREAM_FAULTS['rejected-request'].text} Upstream error code: unsupported_parameter.`);
  });

  it('drops a code outside the vocabulary, so free text cannot ride on it', () => {
    const body = JSON.stringify({ error: { message: 'x', code: 'key sk-proj-Op3rat0rK3y is invalid' } });

    expect(mapOpenAiError(400, body, undefined).message).toBe(UPSTREAM_FAULTS['rejected-request'].text);
  });

  it.each([
    ['an Ollama string error', '{"error":"model \\"llama3\\" not found, try pulling it first"}', 404],
    ['an empty body', '', 503],
    ['JSON without a message', '{"detail":"busy"}', 503],
    ['an HTML page', `<html>${'x'.repeat(1000)}</html>`, 502],
  ])('never echoes %s', (_what, body, status) => {
    const event = mapOpenAiError(status, body, undefined);

    expect(Object.values(UPSTREAM_FAULTS).map((f) => f.text)).toContain(event.message);
  });
});
