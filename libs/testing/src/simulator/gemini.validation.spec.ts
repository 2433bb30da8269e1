import { validateGeminiGenerate } from './gemini.validation';
import type { IncomingCall } from './provider-wire.types';

const call = (body: Record<string, unknown>, model = 'gemini-2.5-flash'): IncomingCall => ({ body, model, modelInPath: true, headers: {}, variant: 'standard' });
const user = { role: 'user', parts: [{ text: 'hi' }] };
const calls = (signature?: string): object => ({
  role: 'model',
  parts: [
    { functionCall: { name: 'a', args: {} }, ...(signature ? { thoughtSignature: signature } : {}) },
    { functionCall: { name: 'b', args: {} } },
  ],
});
const responses = (n: number): object => ({
  role: 'user',
  parts: Array.from({ length: n }, (_, i) => ({ functionResponse: { name: 'f', response: { i } } })),
});

describe(validateGeminiGenerate.name, () => {
  it('accepts camelCase and snake_case fields and a complete parallel function turn', () => {
    const body = { contents: [user, calls('sig'), responses(2)], generation_config: { maxOutputTokens: 5, thinking_config: {} }, systemInstruction: { parts: [{ text: 's' }] } };

    expect(validateGeminiGenerate(call(body, 'gemini-3-pro-preview'))).toBeUndefined();
  });

  it('refuses an unknown field with the proto parser message and a BadRequest field violation', () => {
    const description = `Invalid JSON payload received. Unknown name "maxTokens" at 'generation_config': Cannot find field.`;

    expect(validateGeminiGenerate(call({ contents: [user], generationConfig: { maxTokens: 5 } }))).toEqual({
      status: 400,
      type: 'INVALID_ARGUMENT',
      message: description,
      details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'generation_config', description }] }],
    });
    expect(validateGeminiGenerate(call({ contents: [{ role: 'user', parts: [{ text: 'x', cache_control: {} }] }] }))?.message).toBe(
      `Invalid JSON payload received. Unknown name "cache_control" at 'contents[0].parts[0]': Cannot find field.`,
    );
  });

  it.each([
    ['no contents', {}, '* GenerateContentRequest.contents: contents is not specified\n'],
    ['an assistant role', { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, 'Please use a valid role: user, model.'],
    ['empty parts', { contents: [{ role: 'user', parts: [] }] }, '* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n'],
    ['fewer responses than calls', { contents: [user, calls(), responses(1)] }, 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.'],
    ['a response with no call before it', { contents: [user, responses(1)] }, 'Please ensure that function response turn comes immediately after a function call turn.'],
  ])('refuses %s', (_, body, message) => {
    expect(validateGeminiGenerate(call(body))).toEqual({ status: 400, type: 'INVALID_ARGUMENT', message });
  });

  it('requires the thought signature back on Gemini 3 function calls of the current turn only', () => {
    const current = { contents: [user, calls(), responses(2)] };
    const earlier = { contents: [user, calls(), responses(2), { role: 'model', parts: [{ text: 'done' }] }, user] };

    expect(validateGeminiGenerate(call(current, 'gemini-2.5-flash'))).toBeUndefined();
    expect(validateGeminiGenerate(call(earlier, 'gemini-3-pro-preview'))).toBeUndefined();
    expect(validateGeminiGenerate(call(current, 'gemini-3-pro-preview'))?.message).toBe(
      'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:a` , position 2. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.',
    );
  });
});
