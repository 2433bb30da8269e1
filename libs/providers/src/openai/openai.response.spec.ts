import { FinishReason } from '@switchyard/ir';
import { PROVIDERS } from '../registry';
import { irFixtures, toIrJson } from '@switchyard/testing';
import { join } from 'node:path';
import { openAiFinishToIr, parseOpenAiResponse } from './openai.response';

const { readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

describe(parseOpenAiResponse.name, () => {
  // tool-calls: OpenAI o4-mini with parallel calls, cached and reasoning tokens.
  // deepseek-reasoner: reasoning_content, and cache hits as prompt_cache_hit_tokens only.
  // logprobs: gpt-4o-mini with top_logprobs. azure-content-filter: an answer Azure's filter cut,
  // with its filter results. qwen-explicit-cache: DashScope cache writes and reasoning.
  it.each(['tool-calls', 'deepseek-reasoner', 'logprobs', 'azure-content-filter', 'qwen-explicit-cache'])('reads the recorded %s response into the golden events', (name) => {
    const events = PROVIDERS.openai.parseResponse(readJsonFixture(`response.${name}.json`));

    expect(toIrJson(events)).toStrictEqual(readJsonFixture(`response.${name}.events.json`));
  });

  it('reads every choice of n > 1 and a refusal as text', () => {
    const events = parseOpenAiResponse({
      id: 'chatcmpl-n2',
      model: 'gpt-4o-mini',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Heads.' }, finish_reason: 'stop' },
        { index: 1, message: { role: 'assistant', content: null, refusal: "I can't help with that." }, finish_reason: 'content_filter' },
      ],
    });

    expect(toIrJson(events)).toStrictEqual([
      { event: { $case: 'start', value: { id: 'chatcmpl-n2', model: 'gpt-4o-mini', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] } } },
      { event: { $case: 'textDelta', value: { text: 'Heads.', choice: 0, logprobsJson: '', signature: '' } } },
      { event: { $case: 'stop', value: { reason: 'FINISH_REASON_STOP', rawReason: 'stop', choice: 0, stopSequence: '' } } },
      { event: { $case: 'textDelta', value: { text: "I can't help with that.", choice: 1, logprobsJson: '', signature: '' } } },
      { event: { $case: 'stop', value: { reason: 'FINISH_REASON_CONTENT_FILTER', rawReason: 'content_filter', choice: 1, stopSequence: '' } } },
    ]);
  });

  it.each([null, {}, { choices: null }, 'Internal Server Error'])('rejects %j, which has no choices', (body) => {
    expect(() => parseOpenAiResponse(body)).toThrow('upstream response has no choices');
  });
});

describe(openAiFinishToIr.name, () => {
  it.each<[string | null, keyof typeof FinishReason]>([
    ['stop', 'FINISH_REASON_STOP'],
    ['length', 'FINISH_REASON_LENGTH'],
    ['tool_calls', 'FINISH_REASON_TOOL_CALLS'],
    ['function_call', 'FINISH_REASON_TOOL_CALLS'],
    ['content_filter', 'FINISH_REASON_CONTENT_FILTER'],
    ['eos', 'FINISH_REASON_STOP'],
    [null, 'FINISH_REASON_STOP'],
  ])('reads %j as %s', (raw, name) => {
    expect(openAiFinishToIr(raw)).toBe(FinishReason[name]);
  });
});
