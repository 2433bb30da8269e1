import { Dialect } from './generated/switchyard/ir/v1/ir';
import { PROVIDER_FAMILIES, familyOfDialect } from './dialect-family';

describe(familyOfDialect.name, () => {
  it('gives each client dialect the family whose own API it is, Responses being OpenAI', () => {
    expect(familyOfDialect(Dialect.DIALECT_OPENAI)).toBe('openai');
    expect(familyOfDialect(Dialect.DIALECT_OPENAI_RESPONSES)).toBe('openai');
    expect(familyOfDialect(Dialect.DIALECT_ANTHROPIC)).toBe('anthropic');
    expect(familyOfDialect(Dialect.DIALECT_GEMINI)).toBe('gemini');
  });

  it('gives no family to an unspecified or absent dialect', () => {
    expect(familyOfDialect(Dialect.DIALECT_UNSPECIFIED)).toBeUndefined();
    expect(familyOfDialect(undefined)).toBeUndefined();
  });

  it('maps every family to at least one dialect', () => {
    const dialects = Object.values(Dialect).filter((d): d is Dialect => typeof d === 'number');
    expect(new Set(dialects.map(familyOfDialect).filter(Boolean))).toEqual(new Set(PROVIDER_FAMILIES));
  });
});
