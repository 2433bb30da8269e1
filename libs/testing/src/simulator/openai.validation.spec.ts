import type { IncomingCall } from './provider-wire.types';
import { validateOpenAiChat } from './openai.validation';

const call = (body: Record<string, unknown>, modelInPath = false): IncomingCall => ({
  body,
  model: 'gpt-4o',
  modelInPath,
  headers: {},
  variant: 'standard',
});
const user = { role: 'user', content: 'hi' };
const asks = (...ids: string[]): object => ({
  role: 'assistant',
  content: null,
  tool_calls: ids.map((id) => ({ id, type: 'function', function: { name: 'f', arguments: '{}' } })),
});
const answers = (id: string): object => ({ role: 'tool', tool_call_id: id, content: 'ok' });

describe(validateOpenAiChat.name, () => {
  it('accepts a complete parallel tool loop, and a missing model when the path names it', () => {
    expect(validateOpenAiChat(call({ model: 'm', messages: [user, asks('a', 'b'), answers('a'), answers('b'), user] }))).toBeUndefined();
    expect(validateOpenAiChat(call({ messages: [user] }, true))).toBeUndefined();
  });

  it.each([
    ['no model', { messages: [user] }, { message: 'you must provide a model parameter', param: 'model' }],
    ['no messages', { model: 'm' }, { code: 'missing_required_parameter', param: 'messages' }],
    ['empty messages', { model: 'm', messages: [] }, { code: 'empty_array', param: 'messages' }],
    [
      'an unknown role',
      { model: 'm', messages: [{ role: 'model', content: 'x' }] },
      {
        message: "Invalid value: 'model'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.",
        param: 'messages[0].role',
        code: 'invalid_value',
      },
    ],
    [
      'a tool message without a preceding call',
      { model: 'm', messages: [user, answers('a')] },
      { message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", param: 'messages.[1].role' },
    ],
    [
      'a tool message answering an id that was not asked',
      { model: 'm', messages: [user, asks('a'), answers('zzz')] },
      { param: 'messages.[2].role' },
    ],
    [
      'an unanswered tool call',
      { model: 'm', messages: [user, asks('a', 'b'), answers('a'), user] },
      {
        message:
          "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: b",
        param: 'messages.[1].role',
      },
    ],
    [
      'stream_options without stream',
      { model: 'm', messages: [user], stream_options: { include_usage: true } },
      { message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.", param: 'stream_options' },
    ],
  ])('refuses %s with a 400 invalid_request_error', (_, body, expected) => {
    expect(validateOpenAiChat(call(body))).toMatchObject({ status: 400, type: 'invalid_request_error', ...expected });
  });
});
