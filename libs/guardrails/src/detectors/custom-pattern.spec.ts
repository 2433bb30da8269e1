import { compileCustomPattern, unsafePatternReason } from './custom-pattern';

describe('custom pattern safety', () => {
  it.each(['EMP-\\d{6}', '[A-Z]{2}\\d+', 'order #\\d{4,10}', '(ab)+c', '(?:foo|bar)-\\d+', 'x(a|b)y', '[(+*)]+', 'a+?b', '\\(\\d+\\)'])('accepts %j', (pattern) => {
    expect(unsafePatternReason(pattern)).toBeUndefined();
  });

  it.each([
    ['(a+)+$', 'nests a quantifier'],
    ['(a*)*b', 'nests a quantifier'],
    ['(a|aa)*', 'nests a quantifier'],
    ['(\\w+\\s?)*$', 'nests a quantifier'],
    ['((a|a))+', 'nests a quantifier'],
    ['(x\\d{1,3}){2,}', 'nests a quantifier'],
    ['(a)\\1', 'backreference'],
    ['(?<n>a)\\k<n>', 'backreference'],
    ['foo(?=bar)', 'lookaround'],
    ['(?<!x)y', 'lookaround'],
    ['(ab', 'unbalanced'],
    ['ab)', 'unbalanced'],
    ['a'.repeat(600), 'longer than'],
  ])('refuses %j', (pattern, reason) => {
    expect(unsafePatternReason(pattern)).toContain(reason);
  });

  it('names the pattern when compiling a refused one', () => {
    expect(() => compileCustomPattern({ name: 'bad', pattern: '(a+)+' })).toThrow('the pattern of "bad" nests a quantifier');
  });

  it('reports a syntax error of an accepted shape when compiling', () => {
    expect(() => compileCustomPattern({ name: 'broken', pattern: '[z-a]' })).toThrow();
  });
});
