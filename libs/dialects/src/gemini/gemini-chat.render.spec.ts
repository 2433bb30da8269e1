import { ErrorEvent, FinishReason, FoldedChoice, FoldedResponse, FoldedToolCall, ResponseEvent, ResponseFolder } from '@switchyard/ir';
import { irFixtures } from '@switchyard/testing';
import { join } from 'node:path';
import type { RenderContext } from '../dialect.types';
import { renderGeminiCountTokens, renderGeminiError, renderGeminiResponse } from './gemini-chat.render';

const { readJsonFixture, readIrFixture } = irFixtures(join(__dirname, '__fixtures__'));

const CTX: RenderContext = { requestId: 'req_7f3a9c', model: 'gemini-2.5-flash', created: 1754500000, includeUsage: true };

function choice(c: Partial<FoldedChoice>): FoldedChoice {
  return { index: 0, text: '', reasoning: '', reasoningSignature: '', toolCalls: [], finishReason: FinishReason.FINISH_REASON_STOP, ...c };
}

function folded(choices: FoldedChoice[], usage?: FoldedResponse['usage']): FoldedResponse {
  return { start: { id: 'upstream-id', model: 'gemini-2.5-flash-001', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] }, choices, usage, error: undefined };
}

function candidates(r: FoldedResponse): unknown {
  return JSON.parse(renderGeminiResponse(r, CTX)).candidates;
}

describe(renderGeminiResponse.name, () => {
  it('renders thoughts, text and two signed function calls as the golden GenerateContentResponse, byte for byte', () => {
    const paris: FoldedToolCall = { id: 'call_Vt6mNq0a', name: 'get_weather', arguments: '{"city":"Paris"}', signature: 'CiQB0e2Kb5Rk7wYx1LcVqHn3b8T2mAQ=' };
    const oslo: FoldedToolCall = { id: 'call_9LwQe2Rk', name: 'get_weather', arguments: '{"city": "Oslo"}' };
    const body = renderGeminiResponse(
      folded(
        [choice({ reasoning: 'Paris and Oslo both need a lookup.', text: 'Checking both cities.', toolCalls: [paris, oslo], finishReason: FinishReason.FINISH_REASON_TOOL_CALLS })],
        { inputTokens: 82, outputTokens: 141, cachedInputTokens: 64, reasoningTokens: 100, cacheCreationInputTokens: 0 },
      ),
      CTX,
    );

    expect(body).toBe(JSON.stringify(readJsonFixture('agent-turn.response.json')));
  });

  it('renders folded parts in the order the upstream produced them, the text signature on the last text part', () => {
    const folder = new ResponseFolder();
    for (const e of [
      { event: { $case: 'reasoningDelta', value: { text: 'Check the weather.', signature: '', redactedData: '', choice: 0 } } },
      { event: { $case: 'textDelta', value: { text: 'Looking it up. ', choice: 0, logprobsJson: '', signature: '' } } },
      { event: { $case: 'toolCallDelta', value: { index: 0, id: 'call_1', name: 'get_weather', argumentsDelta: '{"city":"Paris"}', signature: 'sig-call', choice: 0 } } },
      { event: { $case: 'textDelta', value: { text: 'Done.', signature: 'sig-text', choice: 0, logprobsJson: '' } } },
      { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_TOOL_CALLS, rawReason: '', choice: 0, stopSequence: '' } } },
    ] as ResponseEvent[])
      folder.add(e);

    const body = JSON.parse(renderGeminiResponse(folder.value, CTX)) as { candidates: { content: { parts: unknown[] } }[] };

    expect(body.candidates[0]?.content.parts).toStrictEqual([
      { text: 'Check the weather.', thought: true },
      { text: 'Looking it up. ' },
      { functionCall: { name: 'get_weather', args: { city: 'Paris' }, id: 'call_1' }, thoughtSignature: 'sig-call' },
      { text: 'Done.', thoughtSignature: 'sig-text' },
    ]);
  });

  it('renders each choice as a candidate, with Gemini finish reasons and usage without zero counts', () => {
    const body = JSON.parse(
      renderGeminiResponse(
        folded(
          [
            choice({ text: 'Bonjour', finishReason: FinishReason.FINISH_REASON_LENGTH }),
            choice({ index: 1, text: 'Salut', finishReason: FinishReason.FINISH_REASON_CONTENT_FILTER }),
            choice({ index: 2, finishReason: FinishReason.FINISH_REASON_STOP }),
          ],
          { inputTokens: 12, outputTokens: 4, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 },
        ),
        CTX,
      ),
    );

    expect(body.candidates).toStrictEqual([
      { content: { parts: [{ text: 'Bonjour' }], role: 'model' }, finishReason: 'MAX_TOKENS', index: 0 },
      { content: { parts: [{ text: 'Salut' }], role: 'model' }, finishReason: 'SAFETY', index: 1 },
      { content: { role: 'model' }, finishReason: 'STOP', index: 2 },
    ]);
    expect(body.usageMetadata).toStrictEqual({ promptTokenCount: 12, candidatesTokenCount: 4, totalTokenCount: 16 });
  });

  it('puts a text thoughtSignature and a reasoning signature back on their parts', () => {
    expect(candidates(folded([choice({ reasoning: 'Hmm.', reasoningSignature: 'EqQBCkgI', text: '42', textSignature: 'Ev0BCvoB' })]))).toStrictEqual([
      {
        content: {
          parts: [
            { text: 'Hmm.', thought: true, thoughtSignature: 'EqQBCkgI' },
            { text: '42', thoughtSignature: 'Ev0BCvoB' },
          ],
          role: 'model',
        },
        finishReason: 'STOP',
        index: 0,
      },
    ]);
  });

  it('renders calls without ids or arguments as Gemini does, and arguments that are no JSON object as MALFORMED_FUNCTION_CALL', () => {
    const calls: FoldedToolCall[] = [
      { id: '', name: 'list_cities', arguments: '' },
      { id: 'call_2', name: 'get_weather', arguments: '{"city":"Par' },
    ];

    expect(renderGeminiResponse(folded([choice({ toolCalls: calls, finishReason: FinishReason.FINISH_REASON_LENGTH })]), CTX)).toContain(
      '"candidates":[{"content":{"parts":[{"functionCall":{"name":"list_cities","args":{}}}],"role":"model"},"finishReason":"MALFORMED_FUNCTION_CALL",' +
        '"finishMessage":"Malformed function call: the arguments of get_weather are not a JSON object: {\\"city\\":\\"Par","index":0}]',
    );
  });
});

describe('logprobs', () => {
  const fragments = [
    '{"content":[{"token":"Bon","logprob":-0.5,"bytes":[66,111,110],"top_logprobs":[{"token":"Bon","logprob":-0.5},{"token":"Sal","logprob":-1.5}]}]}',
    '{"content":[{"token":"jour","logprob":-0.25,"bytes":null,"top_logprobs":[{"token":"jour","logprob":-0.25},{"token":"soir","logprob":-2}]}]}',
  ];

  it('renders the IR logprobs as logprobsResult with avgLogprobs on the candidate', () => {
    const body = renderGeminiResponse(folded([choice({ text: 'Bonjour', logprobsJson: fragments })]), CTX);

    expect(body).toContain(
      '"candidates":[{"content":{"parts":[{"text":"Bonjour"}],"role":"model"},"finishReason":"STOP","avgLogprobs":-0.375,"index":0,' +
        '"logprobsResult":{"topCandidates":[' +
        '{"candidates":[{"token":"Bon","logProbability":-0.5},{"token":"Sal","logProbability":-1.5}]},' +
        '{"candidates":[{"token":"jour","logProbability":-0.25},{"token":"soir","logProbability":-2}]}],' +
        '"chosenCandidates":[{"token":"Bon","logProbability":-0.5},{"token":"jour","logProbability":-0.25}]}}]',
    );
  });

  it('leaves topCandidates out when no top logprobs were asked for', () => {
    const body = JSON.parse(renderGeminiResponse(folded([choice({ text: 'Hi', logprobsJson: ['{"content":[{"token":"Hi","logprob":-0.1,"top_logprobs":[]}]}'] })]), CTX));

    expect(body.candidates[0].logprobsResult).toStrictEqual({ chosenCandidates: [{ token: 'Hi', logProbability: -0.1 }] });
  });
});

describe(renderGeminiCountTokens.name, () => {
  it('answers totalTokens', () => {
    expect(renderGeminiCountTokens({ inputTokens: 31, estimated: false })).toBe('{"totalTokens":31}');
  });
});

interface ErrorCase {
  case: string;
  event: ErrorEvent;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

describe(renderGeminiError.name, () => {
  it.each(readIrFixture<ErrorCase[]>('errors.json').map((c) => [c.case, c] as const))('renders %s as google.rpc.Status', (_name, c) => {
    const rendered = renderGeminiError(c.event);

    expect(rendered).toStrictEqual({ status: c.status, headers: c.headers, body: JSON.stringify(c.body) });
  });
});
