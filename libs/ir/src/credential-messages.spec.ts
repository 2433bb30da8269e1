import { Dialect } from './generated/switchyard/ir/v1/ir';
import { missingKeyMessage, unknownKeyMessage } from './credential-messages';

describe('credential messages', () => {
  it.each([
    [Dialect.DIALECT_OPENAI, 'Authorization header'],
    [Dialect.DIALECT_OPENAI_RESPONSES, 'Authorization header'],
    [Dialect.DIALECT_ANTHROPIC, 'x-api-key header'],
    [Dialect.DIALECT_GEMINI, 'x-goog-api-key header or the key query parameter'],
  ])('name where a client of dialect %s sends its key, missing or unknown', (dialect, place) => {
    expect(missingKeyMessage(dialect)).toContain(place);
    expect(unknownKeyMessage(dialect)).toContain(place);
  });

  it('do not send an Anthropic or Gemini client to a header its SDK never sets', () => {
    expect(missingKeyMessage(Dialect.DIALECT_ANTHROPIC)).not.toContain('Authorization header');
    expect(missingKeyMessage(Dialect.DIALECT_GEMINI)).not.toMatch(/Authorization|Bearer|x-api-key/);
    expect(unknownKeyMessage(Dialect.DIALECT_GEMINI)).not.toMatch(/Authorization|Bearer|x-api-key/);
  });

  it('name no place when the dialect is not known', () => {
    expect(missingKeyMessage(Dialect.DIALECT_UNSPECIFIED)).toBe('You did not provide an API key.');
    expect(unknownKeyMessage(Dialect.DIALECT_UNSPECIFIED)).toBe('Incorrect API key provided.');
  });
});
