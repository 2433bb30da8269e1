import type { IncomingCall } from './provider-wire.types';
import { validateOpenAiResponses } from './openai-responses.validation';

const call = (body: Record<string, unknown>, modelInPath = false): IncomingCall => ({ body, model: 'gpt-4.1', modelInPath, headers: {}, variant: 'standard' });
const asks = (id: string): object => ({ type: 'function_call', call_id: id, name: 'f', arguments: '{}' });
const answers = (id: string): object => ({ type: 'function_call_output', call_id: id, output: 'ok' });
const user = { role: 'user', content: [{ type: 'input_text', text: 'hi' }] };

describe(validateOpenAiResponses.name, () => {
  it('accepts a string input, a complete tool loop with reasoning, and a flat function tool', () => {
    expect(validateOpenAiResponses(call({ model: 'm', input: 'hi' }))).toBeUndefined();
    expect(
      validateOpenAiResponses(
        call({
          model: 'm',
          instructions: 'Be brief.',
          input: [user, { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'e' }, asks('a'), asks('b'), answers('a'), answers('b'), { role: 'assistant', content: 'done' }],
          tools: [{ type: 'function', name: 'f', parameters: { type: 'object', properties: {} }, strict: false }],
          max_output_tokens: 16,
          store: false,
        }),
      ),
    ).toBeUndefined();
  });

  it.each([
    ['a Chat Completions field', { model: 'm', messages: [user] }, { message: "Unknown parameter: 'messages'.", param: 'messages', code: 'unknown_parameter' }],
    ['max_tokens', { model: 'm', input: 'hi', max_tokens: 10 }, { param: 'max_tokens', code: 'unknown_parameter' }],
    ['no model', { input: 'hi' }, { message: "Missing required parameter: 'model'.", param: 'model', code: 'missing_required_parameter' }],
    [
      'max_output_tokens below 16',
      { model: 'm', input: 'hi', max_output_tokens: 5 },
      { message: "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 5 instead.", code: 'integer_below_min_value' },
    ],
    [
      'a Chat Completions function tool',
      { model: 'm', input: 'hi', tools: [{ type: 'function', function: { name: 'f' } }] },
      { message: "Missing required parameter: 'tools[0].name'.", param: 'tools[0].name', code: 'missing_required_parameter' },
    ],
    ['a chat content part', { model: 'm', input: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }, { param: 'input[0].content[0]', code: 'invalid_value' }],
    ['a tool role', { model: 'm', input: [{ role: 'tool', content: 'x' }] }, { param: 'input[0].role', code: 'invalid_value' }],
    [
      'an output without its call',
      { model: 'm', input: [user, answers('zzz')] },
      { message: 'No tool call found for function call output with call_id zzz.', param: 'input' },
    ],
    ['a call without its output', { model: 'm', input: [user, asks('a'), user] }, { message: 'No tool output found for function call a.', param: 'input' }],
  ])('refuses %s with a 400 invalid_request_error', (_, body, expected) => {
    expect(validateOpenAiResponses(call(body))).toMatchObject({ status: 400, type: 'invalid_request_error', ...expected });
  });
});
