import { FinishReason } from '@switchyard/ir';
import { irFixtures, toIrJson } from '@switchyard/testing';
import { join } from 'node:path';
import { PROVIDERS } from '../registry';
import { geminiFinishToIr, parseGeminiResponse } from './gemini.response';

const { readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

describe(parseGeminiResponse.name, () => {
  // parallel-calls: Gemini 3 with a thought, text, two calls with ids (signature on the first),
  // cached and thought tokens. call-without-id: Gemini 2.5 calls without ids. two-candidates:
  // candidateCount 2, a signature alone on an empty last part, MAX_TOKENS. safety: a candidate
  // with no content. prompt-blocked: promptFeedback and no candidates.
  it.each(['parallel-calls', 'call-without-id', 'two-candidates', 'safety', 'prompt-blocked'])('reads the recorded %s response into the golden events', (name) => {
    const events = PROVIDERS.gemini.parseResponse(readJsonFixture(`response.${name}.json`));

    expect(toIrJson(events)).toStrictEqual(readJsonFixture(`response.${name}.events.json`));
  });

  it('turns logprobs into the OpenAI-shaped entries of the first text fragment', () => {
    const events = parseGeminiResponse({
      candidates: [
        {
          content: { parts: [{ text: 'Oui' }], role: 'model' },
          finishReason: 'STOP',
          logprobsResult: {
            topCandidates: [{ candidates: [{ token: 'Oui', logProbability: -0.01 }, { token: 'Non', logProbability: -4.6 }] }],
            chosenCandidates: [{ token: 'Oui', logProbability: -0.01 }],
          },
          index: 0,
        },
      ],
      modelVersion: 'gemini-2.5-flash',
      responseId: 'r1',
    });

    expect(toIrJson(events)).toStrictEqual([
      { event: { $case: 'start', value: { id: 'r1', model: 'gemini-2.5-flash', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] } } },
      {
        event: {
          $case: 'textDelta',
          value: {
            text: 'Oui',
            choice: 0,
            logprobsJson: JSON.stringify({
              content: [{ token: 'Oui', logprob: -0.01, bytes: [79, 117, 105], top_logprobs: [{ token: 'Oui', logprob: -0.01, bytes: [79, 117, 105] }, { token: 'Non', logprob: -4.6, bytes: [78, 111, 110] }] }],
            }),
            signature: '',
          },
        },
      },
      { event: { $case: 'stop', value: { reason: 'FINISH_REASON_STOP', rawReason: 'STOP', choice: 0, stopSequence: '' } } },
    ]);
  });

  it('mints distinct ids for id-less calls when the response has no id either', () => {
    const call = { functionCall: { name: 'ping', args: {} } };
    const ids = parseGeminiResponse({ candidates: [{ content: { parts: [call, call] }, finishReason: 'STOP' }] }).flatMap((e) => (e.event?.$case === 'toolCallDelta' ? [e.event.value.id] : []));

    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^call_sy_[0-9a-f]{24}_0_0$/);
    expect(ids[1]).toMatch(/^call_sy_[0-9a-f]{24}_0_1$/);
    expect(ids[0]).not.toBe(ids[1]?.replace(/_1$/, '_0'));
  });

  it.each([null, {}, { candidates: [] }, 'Internal Server Error'])('rejects %j, which has no candidates', (body) => {
    expect(() => parseGeminiResponse(body)).toThrow('upstream response has no candidates');
  });
});

describe(geminiFinishToIr.name, () => {
  it.each<[string, boolean, keyof typeof FinishReason]>([
    ['STOP', false, 'FINISH_REASON_STOP'],
    ['STOP', true, 'FINISH_REASON_TOOL_CALLS'],
    ['MAX_TOKENS', true, 'FINISH_REASON_LENGTH'],
    ['CONTINUATION', false, 'FINISH_REASON_LENGTH'],
    ['SAFETY', false, 'FINISH_REASON_CONTENT_FILTER'],
    ['RECITATION', false, 'FINISH_REASON_CONTENT_FILTER'],
    ['LANGUAGE', false, 'FINISH_REASON_CONTENT_FILTER'],
    ['BLOCKLIST', false, 'FINISH_REASON_CONTENT_FILTER'],
    ['PROHIBITED_CONTENT', false, 'FINISH_REASON_CONTENT_FILTER'],
    ['SPII', false, 'FINISH_REASON_CONTENT_FILTER'],
    ['IMAGE_SAFETY', false, 'FINISH_REASON_CONTENT_FILTER'],
    ['MALFORMED_FUNCTION_CALL', false, 'FINISH_REASON_ERROR'],
    ['UNEXPECTED_TOOL_CALL', false, 'FINISH_REASON_ERROR'],
    ['TOO_MANY_TOOL_CALLS', true, 'FINISH_REASON_ERROR'],
    ['OTHER', false, 'FINISH_REASON_STOP'],
    ['FINISH_REASON_UNSPECIFIED', true, 'FINISH_REASON_TOOL_CALLS'],
  ])('reads %s (function calls: %s) as %s', (raw, hadCalls, name) => {
    expect(geminiFinishToIr(raw, hadCalls)).toBe(FinishReason[name]);
  });
});
