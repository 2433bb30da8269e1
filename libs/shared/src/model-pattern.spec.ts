import { modelAllowed } from './model-pattern';

describe(modelAllowed.name, () => {
  it('allows every model when there are no patterns', () => {
    expect(modelAllowed('gpt-4o', [])).toBe(true);
  });

  it.each<[string, string[], boolean]>([
    ['gpt-4o', ['*'], true],
    ['gpt-4o', ['gpt-4o'], true],
    ['gpt-4o-mini', ['gpt-4o'], false],
    ['gpt-4o-mini', ['gpt-4o*'], true],
    ['gpt-4o', ['gpt-4o*'], true],
    ['gpt-4.1', ['gpt-4o*'], false],
    ['claude-sonnet-4', ['gpt-*', 'claude-*'], true],
    ['claude-sonnet-4', ['*-sonnet-*'], true],
    ['claude-opus-4', ['*-sonnet-*'], false],
    ['openai/gpt-4o', ['openai/*'], true],
    ['xopenai/gpt-4o', ['openai/*'], false],
    // Regex characters in a pattern are literal: "." does not match any character.
    ['gpt-4x1', ['gpt-4.1*'], false],
    ['gpt-4.1-mini', ['gpt-4.1*'], true],
    ['Qwen/Qwen3-32B', ['Qwen/Qwen3-(32B)*'], false],
    ['Qwen/Qwen3-(32B)', ['Qwen/Qwen3-(32B)*'], true],
    ['a+b', ['a+*'], true],
    ['aab', ['a+*'], false],
    ['GPT-4o', ['gpt-4o*'], false],
  ])('matches %s against %j: %s', (model, patterns, allowed) => {
    expect(modelAllowed(model, patterns)).toBe(allowed);
  });
});
