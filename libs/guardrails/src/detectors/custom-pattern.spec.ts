import { compileCustomPattern, unsafePatternReason } from './custom-pattern';

describe('custom pattern safety', () => {
  it.each(['EMP-\\d{6}', '[A-Z]{2}\\d{1,12}', 'order #\\d{4,10}', '(ab){1,4}c', '(?:foo|bar)-\\d{1,9}', 'x(a|b)y', '[(+*)]{1,3}', 'a{1,9}?b', '\\(\\d{1,6}\\)', 'x?y'])('accepts %j', (pattern) => {
    expect(unsafePatternReason(pattern)).toBeUndefined();
  });

  it.each([
    ['(a{1,9}){1,9}$', 'nests a quantifier'],
    ['(a?){0,9}b', 'nests a quantifier'],
    ['(a|aa){0,9}', 'nests a quantifier'],
    ['(\\w{1,9}\\s?){1,9}$', 'nests a quantifier'],
    ['((a|a)){1,3}', 'nests a quantifier'],
    ['(a+)+$', 'unbounded quantifier "+"'],
    ['[a-z]+\\d+$', 'unbounded quantifier "+"'],
    ['x*', 'unbounded quantifier "*"'],
    ['\\d{3,}', 'unbounded quantifier "{3,}"'],
    ['\\d{1,65}', 'above 64 repetitions'],
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
    expect(() => compileCustomPattern({ name: 'bad', pattern: '(a{1,3}){1,3}' })).toThrow('the pattern of "bad" nests a quantifier');
  });

  it('reports a syntax error of an accepted shape when compiling', () => {
    expect(() => compileCustomPattern({ name: 'broken', pattern: '[z-a]' })).toThrow();
  });
});
