import { passthroughSchema } from './passthrough.schema';
import { parseConfig } from './switchyard-config.loader';
import { configProblems } from './config-problems.testing';

const provider = (passthrough: string) => `providers: [{ id: openai-main, type: openai, baseUrl: "https://api.openai.com/v1", passthrough: ${passthrough} }]`;

const problemsOf = configProblems;

describe('providers[].passthrough in switchyard.yaml', () => {
  it('reads allow and deny lists of field names, nested names, prefixes and *', () => {
    const config = parseConfig(provider('{ allow: [service_tier, tools.googleSearch, "generationConfig.*"], deny: ["*"] }'), 'switchyard.yaml');

    expect(config.providers[0]?.passthrough).toEqual({ allow: ['service_tier', 'tools.googleSearch', 'generationConfig.*'], deny: ['*'] });
  });

  it('leaves a provider without one on its family defaults', () => {
    expect(parseConfig(provider('{}'), 'switchyard.yaml').providers[0]?.passthrough).toEqual({});
    expect(parseConfig('providers: [{ id: p, type: openai, baseUrl: "https://api.openai.com/v1" }]', 'switchyard.yaml').providers[0]?.passthrough).toBeUndefined();
  });

  it.each([
    ['a list instead of allow/deny', '[service_tier]', 'providers[0].passthrough: expected a mapping, got a list'],
    ['a misspelt key', '{ allowed: [x] }', 'providers[0].passthrough.allowed: unknown key'],
    [
      'a name with a dash',
      '{ allow: [service-tier] }',
      'providers[0].passthrough.allow[0]: expected a field name such as service_tier, tools.googleSearch, generationConfig.* or *, got "service-tier"',
    ],
    [
      'a wildcard inside a name',
      '{ deny: ["tools.*.x"] }',
      'providers[0].passthrough.deny[0]: expected a field name such as service_tier, tools.googleSearch, generationConfig.* or *, got "tools.*.x"',
    ],
  ])('names the path of %s', (_, passthrough, expected) => {
    expect(problemsOf(provider(passthrough))).toEqual([`switchyard.yaml: ${expected}`]);
  });

  it('is the same shape the admin API validates', () => {
    expect(passthroughSchema.safeParse({ allow: ['mcp_servers'] }).success).toBe(true);
    expect(passthroughSchema.safeParse({ allow: ['a b'] }).success).toBe(false);
  });
});
