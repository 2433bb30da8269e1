import { validateAnthropicCountTokens, validateAnthropicMessages } from './anthropic.validation';
import type { IncomingCall } from './provider-wire.types';

const call = (body: Record<string, unknown>): IncomingCall => ({ body, model: 'claude-sonnet-4-6', modelInPath: false, headers: {}, variant: 'standard' });
const base = { model: 'claude-sonnet-4-6', max_tokens: 2048 };
const user = { role: 'user', content: 'hi' };
const toolUse = (id: string): object => ({ type: 'tool_use', id, name: 'f', input: {} });
const toolResult = (id: string): object => ({ type: 'tool_result', tool_use_id: id, content: 'ok' });
const thinking = { type: 'thinking', thinking: 'hmm', signature: 'sig' };
const thinkingOn = { thinking: { type: 'enabled', budget_tokens: 1024 } };

describe(validateAnthropicMessages.name, () => {
  it('accepts a tool loop with thinking, consecutive same-role turns and a final assistant prefill', () => {
    const messages = [
      user,
      user,
      { role: 'assistant', content: [thinking, toolUse('t1'), toolUse('t2')] },
      { role: 'user', content: [toolResult('t1'), toolResult('t2')] },
    ];

    expect(validateAnthropicMessages(call({ ...base, ...thinkingOn, messages }))).toBeUndefined();
    expect(validateAnthropicMessages(call({ ...base, messages: [user, { role: 'assistant', content: '' }] }))).toBeUndefined();
  });

  it.each([
    ['no max_tokens', { model: 'm', messages: [user] }, 'max_tokens: Field required'],
    ['an OpenAI-style stop field', { ...base, messages: [user], stop: ['x'] }, 'stop: Extra inputs are not permitted'],
    ['a system role in messages', { ...base, messages: [{ role: 'system', content: 'x' }] }, "messages.0.role: Input should be 'user' or 'assistant'"],
    ['temperature above 1', { ...base, messages: [user], temperature: 1.5 }, 'temperature: Input should be less than or equal to 1'],
    ['an empty user message', { ...base, messages: [{ role: 'user', content: [] }] }, 'messages.0: all messages must have non-empty content except for the optional final assistant message'],
    ['an empty text block', { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }, 'messages: text content blocks must be non-empty'],
    [
      'a tool_result without its tool_use',
      { ...base, messages: [user, { role: 'assistant', content: 'ok' }, { role: 'user', content: [toolResult('t9')] }] },
      'messages.2.content.0: unexpected `tool_use_id` found in `tool_result` blocks: t9. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.',
    ],
    [
      'a tool_use without its tool_result',
      { ...base, messages: [user, { role: 'assistant', content: [toolUse('t1')] }, user] },
      'messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: t1. Each `tool_use` block must have a corresponding `tool_result` block in the next message.',
    ],
    [
      'a thinking block without its signature',
      { ...base, messages: [user, { role: 'assistant', content: [{ type: 'thinking', thinking: 'x' }, { type: 'text', text: 'y' }] }, user] },
      'messages.1.content.0.thinking.signature: Field required',
    ],
    ['a thinking budget below 1024', { ...base, messages: [user], thinking: { type: 'enabled', budget_tokens: 500 } }, 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024'],
    ['max_tokens not above the budget', { ...base, max_tokens: 1024, messages: [user], ...thinkingOn }, expect.stringMatching(/^`max_tokens` must be greater than `thinking.budget_tokens`/)],
    ['temperature with thinking', { ...base, messages: [user], ...thinkingOn, temperature: 0.5 }, expect.stringMatching(/^`temperature` may only be set to 1 when thinking is enabled/)],
    ['a forced tool with thinking', { ...base, messages: [user], ...thinkingOn, tool_choice: { type: 'any' } }, 'Thinking may not be enabled when tool_choice forces tool use.'],
    [
      'a tool loop whose assistant turn lost its thinking block',
      { ...base, ...thinkingOn, messages: [user, { role: 'assistant', content: [toolUse('t1')] }, { role: 'user', content: [toolResult('t1')] }] },
      expect.stringMatching(/^messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`\. When `thinking` is enabled/),
    ],
  ])('refuses %s with a 400 invalid_request_error', (_, body, message) => {
    expect(validateAnthropicMessages(call(body))).toEqual({ status: 400, type: 'invalid_request_error', message });
  });
});

describe(validateAnthropicCountTokens.name, () => {
  it('accepts a prompt with tools and refuses generation settings such as max_tokens', () => {
    expect(validateAnthropicCountTokens(call({ model: 'm', messages: [user], system: 's', tools: [] }))).toBeUndefined();
    expect(validateAnthropicCountTokens(call({ ...base, messages: [user] }))).toMatchObject({ message: 'max_tokens: Extra inputs are not permitted' });
  });
});
