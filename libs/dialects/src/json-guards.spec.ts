import { ErrorKind, IrError } from '@switchyard/ir';
import { MAX_BODY_DEPTH, expectBody, parseDataUrl } from './json-guards';

describe(parseDataUrl.name, () => {
  it('splits a base64 data URL into media type and payload', () => {
    expect(parseDataUrl('data:image/jpeg;base64,/9j/4AAQSkZJRg==')).toStrictEqual({ mediaType: 'image/jpeg', data: '/9j/4AAQSkZJRg==' });
  });

  it.each(['https://example.com/cat.png', 'data:text/plain,hello', 'data:image/png;base64'])('gives undefined for %s', (url) => {
    expect(parseDataUrl(url)).toBeUndefined();
  });
});

describe(expectBody.name, () => {
  const nest = (depth: number) => JSON.parse(`${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`) as unknown;

  it(`accepts a body nested ${MAX_BODY_DEPTH} levels deep`, () => {
    expect(expectBody(nest(MAX_BODY_DEPTH))).toBeDefined();
  });

  // The fuzz suite's counterexample: 100,000 levels in an unmodelled field overflowed
  // JSON.stringify of the extensions, a 500 instead of a 400.
  it.each([MAX_BODY_DEPTH + 1, 100_000])('refuses a body nested %d levels deep with an invalid-request IrError', (depth) => {
    const parse = () => expectBody(nest(depth));
    expect(parse).toThrow(IrError);
    expect(parse).toThrow(expect.objectContaining({ kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, message: `body: the JSON is nested more than ${MAX_BODY_DEPTH} levels deep` }));
  });

  it('counts arrays as levels too', () => {
    expect(() => expectBody({ a: JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown })).toThrow(IrError);
  });
});
