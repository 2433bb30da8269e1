import { Role, type ChatRequest, type ContentPart } from './generated/switchyard/ir/v1/ir';
import { chatRequestSize, embedRequestSize } from './request-size';

const text = (t: string): ContentPart => ({ part: { $case: 'text' as const, value: { text: t, signature: '' } }, cacheControlJson: '' });

describe(chatRequestSize.name, () => {
  it('estimates four characters per token and bounds by UTF-8 bytes, plus each message overhead', () => {
    const chat: ChatRequest = {
      system: [text('a'.repeat(40))],
      messages: [{ role: Role.ROLE_USER, content: [text('日本語のテキスト')], name: '' }],
      model: '',
      tools: [],
      stream: false,
      includeUsage: false,
      droppedParams: [],
    };

    // 48 characters → 12 tokens; bytes: 40 + 8 × 3 = 64; one message: +4.
    expect(chatRequestSize(chat)).toEqual({ inputEstimate: 16, inputBound: 68, maxOutput: 0 });
  });

  it('never bounds below the characters: a CJK prompt is bounded by its bytes, not its length', () => {
    const cjk = '漢'.repeat(1000);
    const size = chatRequestSize({ messages: [{ role: Role.ROLE_USER, content: [text(cjk)], name: '' }], model: '', system: [], tools: [], stream: false, includeUsage: false, droppedParams: [] });
    expect(size.inputBound).toBeGreaterThan(cjk.length);
  });

  it('counts tools, tool calls and results, images by allowance, inline files by their decoded size', () => {
    const chat: ChatRequest = {
      tools: [{ name: 'get', description: 'weather', parametersJson: '{"type":"object"}', strict: false, cacheControlJson: '' }],
      messages: [
        { role: Role.ROLE_USER, content: [{ part: { $case: 'image', value: { url: 'https://x/y.png', data: '', mediaType: '', detail: '' } }, cacheControlJson: '' }, { part: { $case: 'file', value: { data: 'A'.repeat(400), url: '', mediaType: '', filename: '', fileId: '' } }, cacheControlJson: '' }], name: '' },
        { role: Role.ROLE_ASSISTANT, content: [{ part: { $case: 'toolCall', value: { id: 'c1', name: 'get', argumentsJson: '{}', signature: '' } }, cacheControlJson: '' }], name: '' },
        { role: Role.ROLE_TOOL, content: [{ part: { $case: 'toolResult', value: { callId: 'c1', content: [text('sunny')], name: '', isError: false } }, cacheControlJson: '' }], name: '' },
      ],
      model: '',
      system: [],
      stream: false,
      includeUsage: false,
      droppedParams: [],
    };

    const size = chatRequestSize(chat);

    // text: get, weather, {"type":"object"}, get, {}, sunny = 3+7+17+3+2+5 = 37 bytes; 3 messages; image 2600; file 300 bytes.
    expect(size.inputBound).toBe(37 + 12 + 2600 + 300);
    expect(size.inputEstimate).toBe(Math.ceil(37 / 4) + 12 + 800 + 30);
  });

  it('allows max_tokens per choice', () => {
    expect(chatRequestSize({ sampling: { maxTokens: 100, n: 3, stop: [] }, model: '', system: [], messages: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }).maxOutput).toBe(300);
    expect(chatRequestSize({ sampling: { maxTokens: 100, stop: [] }, model: '', system: [], messages: [], tools: [], stream: false, includeUsage: false, droppedParams: [] }).maxOutput).toBe(100);
  });
});

describe(embedRequestSize.name, () => {
  it('counts texts by characters and bytes, and pre-tokenised inputs exactly', () => {
    expect(embedRequestSize({ inputs: [{ text: 'abcdefgh', tokens: [] }, { tokens: [1, 2, 3], text: '' }], model: '', taskType: '', title: '', droppedParams: [] })).toEqual({ inputEstimate: 5, inputBound: 11, maxOutput: 0 });
  });
});
