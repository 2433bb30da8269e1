import { Dialect, IrError, Reasoning_Effort, ResponseFormat_Type, Role, ToolChoice_Mode } from '@switchyard/ir';
import type { ContentPart } from '@switchyard/ir';
import { parseResponsesRequest } from './responses.parse';

function invalid(body: unknown): IrError {
  try {
    parseResponsesRequest(body);
  } catch (err) {
    if (err instanceof IrError) return err;
    throw err;
  }
  throw new Error('expected the request to be refused');
}

const texts = (parts: readonly ContentPart[]) => parts.map((p) => (p.part?.$case === 'text' ? p.part.value.text : p.part?.$case));

describe('parseResponsesRequest', () => {
  it('reads instructions and a string input as the system prompt and one user message', () => {
    const { chat, input, echo } = parseResponsesRequest({ model: 'gpt-4.1', instructions: 'Be terse.', input: 'Hello' });
    expect(texts(chat.system)).toEqual(['Be terse.']);
    expect(chat.messages).toEqual([{ role: Role.ROLE_USER, content: [expect.objectContaining({ part: { $case: 'text', value: { text: 'Hello', signature: '' } } })], name: '' }]);
    expect(input).toEqual([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello' }] }]);
    expect(chat.meta?.dialect).toBe(Dialect.DIALECT_OPENAI_RESPONSES);
    expect(chat.includeUsage).toBe(true);
    expect(echo).toMatchObject({ instructions: 'Be terse.', store: true, parallelToolCalls: true, temperature: 1, topP: 1, text: { format: { type: 'text' } }, toolChoice: 'auto' });
  });

  it('merges one assistant turn of several items and keeps tool outputs, images and files', () => {
    const { chat } = parseResponsesRequest({
      model: 'm',
      input: [
        { role: 'developer', content: 'Use tools.' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Look:' }, { type: 'input_image', image_url: 'data:image/png;base64,iVBO', detail: 'low' }, { type: 'input_file', file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' }] },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Thinking.' }], encrypted_content: 'sig-1' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
        { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"q":1}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'found' },
        { type: 'reasoning', summary: [], encrypted_content: 'sy-redacted:RED' },
      ],
    });
    expect(texts(chat.system)).toEqual(['Use tools.']);
    expect(chat.messages.map((m) => m.role)).toEqual([Role.ROLE_USER, Role.ROLE_ASSISTANT, Role.ROLE_TOOL, Role.ROLE_ASSISTANT]);
    const [user, assistant, toolResult, redacted] = chat.messages;
    expect(user?.content.map((p) => p.part)).toEqual([
      { $case: 'text', value: { text: 'Look:', signature: '' } },
      { $case: 'image', value: { data: 'iVBO', mediaType: 'image/png', detail: 'low', url: '' } },
      { $case: 'file', value: { data: 'JVBE', mediaType: 'application/pdf', filename: 'a.pdf', fileId: '', url: '' } },
    ]);
    expect(assistant?.content.map((p) => p.part)).toEqual([
      { $case: 'reasoning', value: { text: 'Thinking.', signature: 'sig-1', redactedData: '', itemId: 'rs_1' } },
      { $case: 'text', value: { text: 'Checking.', signature: '' } },
      { $case: 'toolCall', value: { id: 'call_1', name: 'lookup', argumentsJson: '{"q":1}', signature: '' } },
    ]);
    expect(toolResult?.content[0]?.part).toEqual({ $case: 'toolResult', value: { callId: 'call_1', name: '', isError: false, content: [expect.objectContaining({ part: { $case: 'text', value: { text: 'found', signature: '' } } })] } });
    expect(redacted?.content[0]?.part).toEqual({ $case: 'reasoning', value: { text: '', signature: '', redactedData: 'RED' } });
  });

  it('reads function tools, tool_choice, text.format json_schema, reasoning.effort and the sampling fields', () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } } };
    const { chat, echo } = parseResponsesRequest({
      model: 'm',
      input: 'x',
      tools: [{ type: 'function', name: 'lookup', description: 'Finds', parameters: { type: 'object' }, strict: false }],
      tool_choice: { type: 'function', name: 'lookup' },
      parallel_tool_calls: false,
      text: { format: { type: 'json_schema', name: 'verdict', schema, strict: true } },
      reasoning: { effort: 'low', summary: 'auto' },
      max_output_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      user: 'u-1',
      store: false,
    });
    expect(chat.tools).toEqual([{ name: 'lookup', description: 'Finds', parametersJson: '{"type":"object"}', strict: false, cacheControlJson: '' }]);
    expect(chat.toolChoice).toEqual({ mode: ToolChoice_Mode.MODE_NAMED, name: 'lookup', disableParallel: true });
    expect(chat.responseFormat).toEqual({ type: ResponseFormat_Type.TYPE_JSON_SCHEMA, schemaName: 'verdict', schemaJson: JSON.stringify(schema), strict: true });
    expect(chat.reasoning).toEqual({ effort: Reasoning_Effort.EFFORT_LOW });
    expect(chat.sampling).toMatchObject({ maxTokens: 300, temperature: 0.2, topP: 0.9 });
    expect(chat.meta?.endUserId).toBe('u-1');
    expect(echo).toMatchObject({ store: false, parallelToolCalls: false, maxOutputTokens: 300, reasoning: { effort: 'low', summary: 'auto' }, user: 'u-1' });
  });

  it('carries OpenAI-only fields, truncation auto among them, in extensions of its own dialect', () => {
    const { chat } = parseResponsesRequest({ model: 'm', input: 'x', service_tier: 'flex', prompt_cache_key: 'k', truncation: 'auto', text: { verbosity: 'low' } });
    expect(chat.extensions).toEqual({ dialect: Dialect.DIALECT_OPENAI_RESPONSES, json: JSON.stringify({ service_tier: 'flex', prompt_cache_key: 'k', truncation: 'auto', verbosity: 'low' }) });
    expect(chat.droppedParams).toEqual([]);
    // `disabled` is the default: nothing to carry.
    expect(parseResponsesRequest({ model: 'm', input: 'x', truncation: 'disabled' }).chat.extensions).toBeUndefined();
  });

  it.each([
    [{ model: 'm', input: 'x', tools: [{ type: 'web_search' }] }, 'tools[0].type'],
    [{ model: 'm', input: 'x', background: true }, 'background'],
    [{ model: 'm', input: 'x', conversation: 'conv_1' }, 'conversation'],
    [{ model: 'm', input: [{ type: 'web_search_call', id: 'ws_1' }] }, 'input[0].type'],
    [{ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] }, 'input[0].content[0].file_id'],
    [{ model: 'm', input: 'x', tool_choice: { type: 'web_search_preview' } }, 'tool_choice.type'],
    [{ model: 'm', input: 'x', text: { format: { type: 'json_schema', name: 'n' } } }, 'text.format.schema'],
    [{ model: 'm', input: 'x', reasoning: { effort: 'constructor' } }, 'reasoning.effort'],
    [{ model: 'm', input: 'x', metadata: { k: 7 } }, 'metadata.k'],
    [{ model: 'm', input: [{ role: 'robot', content: 'x' }] }, 'input[0].role'],
  ])('refuses %j naming %s', (body, param) => {
    const err = invalid(body);
    expect(err.param).toBe(param);
  });

  it('validates include as OpenAI does, asks for log probabilities when they are included, and accepts built-in tool outputs that never occur', () => {
    const asked = parseResponsesRequest({ model: 'gpt', input: 'x', include: ['message.output_text.logprobs', 'reasoning.encrypted_content', 'file_search_call.results'], top_logprobs: 3 });
    expect(asked.chat.sampling).toMatchObject({ logprobs: true, topLogprobs: 3 });
    expect(asked.echo).toMatchObject({ include: ['message.output_text.logprobs', 'reasoning.encrypted_content', 'file_search_call.results'], topLogprobs: 3 });
    expect(asked.chat.extensions).toBeUndefined();
    // top_logprobs alone returns none (OpenAI's rule), so nothing is asked of the upstream.
    expect(parseResponsesRequest({ model: 'gpt', input: 'x', top_logprobs: 3 }).chat.sampling?.logprobs).toBeUndefined();
    expect(() => parseResponsesRequest({ model: 'gpt', input: 'x', include: ['reasoning.encrypted_content', 'output_text.everything'] })).toThrow(expect.objectContaining({ param: 'include[1]' }));
    expect(() => parseResponsesRequest({ model: 'gpt', input: 'x', top_logprobs: 21 })).toThrow(expect.objectContaining({ param: 'top_logprobs' }));
  });
});
