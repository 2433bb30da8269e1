import { countEmbedTokens, countPromptTokens } from './local-token-count';

describe(countPromptTokens.name, () => {
  it('counts text with o200k_base plus the chat framing', () => {
    // "Hello, world!" is 4 o200k tokens; one message (3) and the reply priming (3).
    expect(countPromptTokens({ messages: [{ role: 1, content: [{ part: { $case: 'text', value: { text: 'Hello, world!', signature: '' } }, cacheControlJson: '' }], name: '' }], model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] })).toBe(10);
  });

  it('counts the system prompt, tool calls and tool schemas', () => {
    const bare = countPromptTokens({ messages: [], model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] });
    const withTool = countPromptTokens({ messages: [], tools: [{ name: 'get_weather', description: 'Weather by city', parametersJson: '{"type":"object"}', strict: false, cacheControlJson: '' }], model: '', system: [], stream: false, includeUsage: false, droppedParams: [] });
    expect(bare).toBe(3);
    expect(withTool).toBeGreaterThan(bare + 5);
  });
});

describe(countEmbedTokens.name, () => {
  it('counts text inputs with o200k_base and token-id inputs by their length', () => {
    expect(countEmbedTokens({ inputs: [{ text: 'Hello, world!', tokens: [] }, { text: '', tokens: [1, 2, 3] }], model: '', taskType: '', title: '', droppedParams: [] })).toBe(4 + 3);
  });
});
