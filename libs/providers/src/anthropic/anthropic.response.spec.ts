import { FinishReason } from '@switchyard/ir';
import { irFixtures, toIrJson } from '@switchyard/testing';
import { join } from 'node:path';
import { PROVIDERS } from '../registry';
import { anthropicFinishToIr, parseAnthropicResponse } from './anthropic.response';

const { readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

describe(parseAnthropicResponse.name, () => {
  // tool-use: text preamble and two parallel tool_use blocks. thinking: a signed thinking block,
  // a redacted one and the answer, with thinking_tokens. cached-stop-sequence: cache reads and
  // writes outside input_tokens, stopped by "END". refusal: no content at all. max-tokens: cut off.
  it.each(['tool-use', 'thinking', 'cached-stop-sequence', 'refusal', 'max-tokens'])('reads the recorded %s response into the golden events', (name) => {
    const events = PROVIDERS.anthropic.parseResponse(readJsonFixture(`response.${name}.json`));

    expect(toIrJson(events)).toStrictEqual(readJsonFixture(`response.${name}.events.json`));
  });

  it('skips server-tool blocks and numbers tool calls among tool_use blocks only', () => {
    const events = parseAnthropicResponse({
      id: 'msg_1',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'weather' } },
        { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
        { type: 'tool_use', id: 'toolu_1', name: 'ping', input: {} },
      ],
      stop_reason: 'tool_use',
    });

    expect(toIrJson(events)).toStrictEqual([
      { event: { $case: 'start', value: { id: 'msg_1', model: 'claude-sonnet-4-5', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] } } },
      { event: { $case: 'toolCallDelta', value: { index: 0, id: 'toolu_1', name: 'ping', argumentsDelta: '{}', choice: 0, signature: '' } } },
      { event: { $case: 'stop', value: { reason: 'FINISH_REASON_TOOL_CALLS', rawReason: 'tool_use', choice: 0, stopSequence: '' } } },
    ]);
  });

  it.each([null, {}, { content: null }, 'Internal Server Error'])('rejects %j, which has no content', (body) => {
    expect(() => parseAnthropicResponse(body)).toThrow('upstream response has no content');
  });
});

describe(anthropicFinishToIr.name, () => {
  it.each<[string | null, keyof typeof FinishReason]>([
    ['end_turn', 'FINISH_REASON_STOP'],
    ['stop_sequence', 'FINISH_REASON_STOP'],
    ['pause_turn', 'FINISH_REASON_STOP'],
    ['max_tokens', 'FINISH_REASON_LENGTH'],
    ['model_context_window_exceeded', 'FINISH_REASON_LENGTH'],
    ['tool_use', 'FINISH_REASON_TOOL_CALLS'],
    ['refusal', 'FINISH_REASON_CONTENT_FILTER'],
    [null, 'FINISH_REASON_STOP'],
  ])('reads %j as %s', (raw, name) => {
    expect(anthropicFinishToIr(raw)).toBe(FinishReason[name]);
  });
});
