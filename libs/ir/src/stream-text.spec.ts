import { ChatRequest, Role } from './generated/switchyard/ir/v1/ir';
import { requestTextLength } from './stream-text';

describe(requestTextLength.name, () => {
  it('counts system text, message text, tool call arguments and tool result text', () => {
    const request: ChatRequest = {
      model: 'gpt-4o',
      system: [{ part: { $case: 'text', value: { text: 'Be brief.', signature: '' } }, cacheControlJson: '' }], // 9
      messages: [
        {
          role: Role.ROLE_USER,
          content: [
            { part: { $case: 'text', value: { text: 'Weather?', signature: '' } }, cacheControlJson: '' }, // 8
            { part: { $case: 'image', value: { url: 'https://example.com/a-very-long-image-url.png', data: '', mediaType: '', detail: '' } }, cacheControlJson: '' }, // not text
          ],
          name: '',
        },
        { role: Role.ROLE_ASSISTANT, content: [{ part: { $case: 'toolCall', value: { id: 'call_1', name: 'get_weather', argumentsJson: '{"city":"Paris"}', signature: '' } }, cacheControlJson: '' }], name: '' }, // 16
        {
          role: Role.ROLE_TOOL,
          content: [{ part: { $case: 'toolResult', value: { callId: 'call_1', content: [{ part: { $case: 'text', value: { text: '18C', signature: '' } }, cacheControlJson: '' }], name: '', isError: false } }, cacheControlJson: '' }],
          name: '', // 3
        },
      ],
      tools: [],
      stream: false,
      includeUsage: false,
      droppedParams: [],
    };

    expect(requestTextLength(request)).toBe(9 + 8 + 16 + 3);
  });

  it('is zero for a request without parts', () => {
    expect(requestTextLength({ model: '', system: [], messages: [], tools: [], stream: false, includeUsage: false, droppedParams: [] })).toBe(0);
    expect(requestTextLength({ messages: [{ role: Role.ROLE_USER, content: [], name: '' }], system: [{ cacheControlJson: '' }], model: '', tools: [], stream: false, includeUsage: false, droppedParams: [] })).toBe(0);
  });
});
