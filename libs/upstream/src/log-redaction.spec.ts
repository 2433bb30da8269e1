import { LOG_EXCERPT_CHARS, logExcerpt, redactSecrets, safeRequestId } from './log-redaction';

const DEPLOYMENT_KEY = 'opaque-upstream-credential-7f3a9c1e';

describe(redactSecrets.name, () => {
  it.each([
    ['a bearer token', 'Incorrect API key provided: Bearer abc.def-ghi', 'Incorrect API key provided: Bearer [redacted]'],
    ['an OpenAI key', 'key sk-proj-AbCdEf0123456789 is invalid', 'key sk-[redacted] is invalid'],
    ['an Anthropic key', 'invalid x-api-key sk-ant-api03-AbCdEf0123456789', 'invalid x-api-key sk-[redacted]'],
    ['a Google key', 'API key AIzaSyA-abcdefghijklmnopqrstuvwx not valid', 'API key AIza[redacted] not valid'],
    ['a ?key= query value', 'URL was https://g.example/v1beta/models?alt=sse&key=whatever123', 'URL was https://g.example/v1beta/models?alt=sse&key=[redacted]'],
    ['a JSON api_key field', '{"api_key":"zz-123456789"}', '{"api_key":"[redacted]"}'],
    ['an x-goog-api-key header echo', 'x-goog-api-key: zz-123456789', 'x-goog-api-key: [redacted]'],
  ])('redacts %s', (_what, text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it("redacts the deployment's own key whatever its shape, also URL-encoded", () => {
    const key = 'weird key/with+chars==';
    const text = `got ${DEPLOYMENT_KEY} and ${encodeURIComponent(key)} and ${key}`;

    expect(redactSecrets(text, [DEPLOYMENT_KEY, key])).toBe('got [redacted] and [redacted] and [redacted]');
  });

  it('leaves ordinary text alone', () => {
    expect(redactSecrets('The model is overloaded. Please try again later.')).toBe('The model is overloaded. Please try again later.');
  });
});

describe(logExcerpt.name, () => {
  it('bounds the excerpt and says how long the text was', () => {
    const text = `${'x'.repeat(50_000)}`;

    const excerpt = logExcerpt(text);

    expect(excerpt.length).toBeLessThan(LOG_EXCERPT_CHARS + 40);
    expect(excerpt).toMatch(/\(50000 characters\)$/);
  });

  it('redacts before it cuts and puts the text on one line', () => {
    expect(logExcerpt(`line one\nBearer ${DEPLOYMENT_KEY}\n`, [DEPLOYMENT_KEY])).toBe('line one Bearer [redacted]');
  });
});

describe(safeRequestId.name, () => {
  it('passes an opaque id on', () => {
    expect(safeRequestId('req_011CSHq7YpV3sJ2Xn5Kd8RtA')).toBe('req_011CSHq7YpV3sJ2Xn5Kd8RtA');
    expect(safeRequestId(['5f0c1f2e-5b7c-4c4e-9d1e-0b7f7a6c2d10'])).toBe('5f0c1f2e-5b7c-4c4e-9d1e-0b7f7a6c2d10');
  });

  it('drops text, over-long values and anything holding a key', () => {
    expect(safeRequestId('see http://10.0.0.7/')).toBeUndefined();
    expect(safeRequestId('a'.repeat(200))).toBeUndefined();
    expect(safeRequestId('sk-proj-AbCdEf0123456789')).toBeUndefined();
    expect(safeRequestId(`x${DEPLOYMENT_KEY}`, [DEPLOYMENT_KEY])).toBeUndefined();
    expect(safeRequestId(undefined)).toBeUndefined();
  });
});
