import { FinishReason, ResponseFolder } from '@switchyard/ir';
import { irFixtures, toIrJson } from '@switchyard/testing';
import { join } from 'node:path';
import type { UpstreamHttpRequest } from '../core/provider-adapter.types';
import { UPSTREAM_FAULTS } from '../core/upstream-fault';
import { PROVIDERS } from '../registry';
import { parseResponsesResponse, responsesStopOf } from './openai-responses.response';

const { readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));
// What the adapter hands back: the request it wrote, which says the answer is a Responses one.
const RESPONSES_CALL: UpstreamHttpRequest = { url: 'https://api.openai.com/v1/responses', headers: {}, body: '{}', wire: 'responses' };

describe(parseResponsesResponse.name, () => {
  // tool-calls: gpt-4.1, a preamble then two parallel function calls, most of the prompt cached.
  // reasoning: o4-mini, a reasoning item with two summary parts and encrypted content, then the
  // answer. incomplete: o4-mini out of max_output_tokens while reasoning (no message at all).
  it.each(['tool-calls', 'reasoning', 'incomplete'])('reads the %s Response into the golden events', (name) => {
    const events = PROVIDERS.openai.parseResponse(readJsonFixture(`response.responses-${name}.json`), RESPONSES_CALL);

    expect(toIrJson(events)).toStrictEqual(readJsonFixture(`response.responses-${name}.events.json`));
  });

  it('folds a reasoning answer into its text, its reasoning block with the encrypted content, and its usage', () => {
    const folder = new ResponseFolder();
    for (const e of parseResponsesResponse(readJsonFixture('response.responses-reasoning.json'))) folder.add(e);

    const choice = folder.value.choices[0];
    expect(choice?.text).toBe('17 × 23 = 391.');
    expect(choice?.reasoning).toMatch(/^\*\*Multiplying the numbers\*\*[\s\S]*\n\n\*\*Checking the sum\*\*\n\n340 \+ 51 = 391\.$/);
    expect(choice?.reasoningSignature).toMatch(/^gAAAAAB/);
    expect(folder.value.usage).toMatchObject({ inputTokens: 48, outputTokens: 214, reasoningTokens: 192 });
  });

  it('reads a refusal as text and a failed response as the fixed upstream error', () => {
    const refusal = parseResponsesResponse({
      id: 'resp_1',
      object: 'response',
      model: 'gpt-4.1',
      status: 'completed',
      output: [{ type: 'message', id: 'msg_1', content: [{ type: 'refusal', refusal: "I can't help with that." }] }],
    });
    const failed = parseResponsesResponse({ id: 'resp_2', object: 'response', model: 'gpt-4.1', status: 'failed', output: [], error: { code: 'server_error', message: 'secret upstream words' } });

    expect(refusal[1]?.event).toStrictEqual({ $case: 'textDelta', value: { text: "I can't help with that.", choice: 0, logprobsJson: '', signature: '' } });
    expect(failed[1]?.event).toMatchObject({ $case: 'error', value: { message: UPSTREAM_FAULTS['stream-error'].text } });
  });

  it('reads the chat wire when the request was not written in the Responses one', () => {
    expect(() => PROVIDERS.openai.parseResponse(readJsonFixture('response.responses-tool-calls.json'))).toThrow('upstream response has no choices');
  });

  it.each([null, {}, { object: 'chat.completion', choices: [] }, { object: 'response', output: 'none' }])('rejects %j, which is not a Response', (body) => {
    expect(() => parseResponsesResponse(body)).toThrow();
  });

  it('rejects a token count that is not a number', () => {
    expect(() => PROVIDERS.openai.parseResponse({ object: 'response', output: [], status: 'completed', usage: { input_tokens: '12' } }, RESPONSES_CALL)).toThrow('the upstream input_tokens is not a number');
  });
});

describe(responsesStopOf.name, () => {
  it.each<[object, boolean, keyof typeof FinishReason, string]>([
    [{ status: 'completed' }, false, 'FINISH_REASON_STOP', 'completed'],
    [{ status: 'completed' }, true, 'FINISH_REASON_TOOL_CALLS', 'completed'],
    [{ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }, false, 'FINISH_REASON_LENGTH', 'max_output_tokens'],
    [{ status: 'incomplete', incomplete_details: { reason: 'content_filter' } }, false, 'FINISH_REASON_CONTENT_FILTER', 'content_filter'],
    [{ status: 'incomplete', incomplete_details: null }, false, 'FINISH_REASON_STOP', 'incomplete'],
  ])('reads %j (tool calls: %s) as %s', (response, calledTools, reason, rawReason) => {
    expect(responsesStopOf(response, calledTools).event).toStrictEqual({ $case: 'stop', value: { reason: FinishReason[reason], rawReason, choice: 0, stopSequence: '' } });
  });
});
