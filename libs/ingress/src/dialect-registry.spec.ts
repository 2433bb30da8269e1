import { Dialect, ErrorKind, type ErrorEvent } from '@switchyard/ir';
import { dataRoute, renderErrorForPath } from './dialect-registry';

describe(dataRoute.name, () => {
  it.each([
    ['/v1/chat/completions', '', 'chat', Dialect.DIALECT_OPENAI],
    ['/v1/embeddings', '', 'embed', Dialect.DIALECT_OPENAI],
    ['/v1/messages', '', 'chat', Dialect.DIALECT_ANTHROPIC],
    ['/v1/messages/count_tokens', 'beta=true', 'count', Dialect.DIALECT_ANTHROPIC],
    ['/v1beta/models/gemini-2.5-flash:generateContent', '', 'chat', Dialect.DIALECT_GEMINI],
    ['/v1/models/gemini-2.5-flash:generateContent', 'key=k', 'chat', Dialect.DIALECT_GEMINI],
    ['/v1beta/models/gemini-2.5-flash:streamGenerateContent', 'alt=sse', 'chat', Dialect.DIALECT_GEMINI],
    ['/v1beta/models/gemini-2.5-flash:countTokens', '', 'count', Dialect.DIALECT_GEMINI],
    ['/v1beta/models/text-embedding-004:embedContent', '', 'embed', Dialect.DIALECT_GEMINI],
    ['/v1beta/models/text-embedding-004:batchEmbedContents', '', 'embed', Dialect.DIALECT_GEMINI],
  ])('routes POST %s?%s to %s in dialect %s', (path, search, op, dialect) => {
    const route = dataRoute(path, search);
    expect(route?.op).toBe(op);
    expect(route?.dialect.id).toBe(dialect);
  });

  it('takes the model and the streaming flag from a Gemini path, decoded', () => {
    expect(dataRoute('/v1beta/models/my%20model:streamGenerateContent', 'alt=sse')).toMatchObject({ op: 'chat', path: { model: 'my model', stream: true } });
    expect(dataRoute('/v1beta/models/e:batchEmbedContents', '')).toMatchObject({ op: 'embed', path: { model: 'e', batch: true } });
  });

  it('refuses a Gemini stream without alt=sse in Gemini terms, naming alt', () => {
    const route = dataRoute('/v1beta/models/gemini-2.5-flash:streamGenerateContent', '');
    expect(route).toMatchObject({ op: 'reject', error: { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, param: 'alt' } });
    expect(route?.dialect.id).toBe(Dialect.DIALECT_GEMINI);
  });

  it('refuses %00 in a Gemini path model in Gemini terms, naming the model', () => {
    const route = dataRoute('/v1beta/models/gemini%00-2.5:generateContent', '');
    expect(route).toMatchObject({ op: 'reject', error: { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, param: 'model' } });
    expect(route?.dialect.id).toBe(Dialect.DIALECT_GEMINI);
  });

  it.each([
    ['/v1/chat/completions', 'x=a%00', Dialect.DIALECT_OPENAI, 'query parameter x'],
    ['/v1/messages', 'beta%00=true', Dialect.DIALECT_ANTHROPIC, 'query parameter beta\uFFFD'],
    ['/v1beta/models/g:generateContent', 'key=k%00', Dialect.DIALECT_GEMINI, 'query parameter key'],
  ])('refuses %%00 in the query of %s (%s) in its dialect', (path, search, dialect, param) => {
    const route = dataRoute(path, search);
    expect(route).toMatchObject({ op: 'reject', error: { param: JSON.parse(`"${param}"`) as string } });
    expect(route?.dialect.id).toBe(dialect);
  });

  it('keeps an encoded non-NUL query as it is', () => {
    expect(dataRoute('/v1/chat/completions', 'x=%2500%ED%A0%80')?.op).toBe('chat');
  });

  it.each(['/v1/models', '/v1/chat/completions/x', '/v1beta/models/m:unknownMethod', '/v1beta/models/%E0%A4%A:generateContent', '/healthz'])('leaves %s to the other routes', (path) => {
    expect(dataRoute(path, '')).toBeUndefined();
  });
});

describe(renderErrorForPath.name, () => {
  const tooLarge: ErrorEvent = { kind: ErrorKind.ERROR_KIND_PAYLOAD_TOO_LARGE, message: 'too big', retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] };

  it('answers in the dialect the URL belongs to', () => {
    expect(JSON.parse(renderErrorForPath('/v1/chat/completions', tooLarge).body)).toHaveProperty('error.type');
    expect(JSON.parse(renderErrorForPath('/v1/messages?beta=true', tooLarge).body)).toMatchObject({ type: 'error', error: { message: 'too big' } });
    expect(JSON.parse(renderErrorForPath('/v1beta/models/g:generateContent', tooLarge).body)).toMatchObject({ error: { message: 'too big', status: expect.any(String) } });
    expect(JSON.parse(renderErrorForPath('/v1/models/g:embedContent?key=x', tooLarge).body)).toMatchObject({ error: { status: expect.any(String) } });
  });
});
