import { ErrorKind, FinishReason, ResponseEvent } from '@switchyard/ir';
import { irFixtures } from '@switchyard/testing';
import { join } from 'node:path';
import type { RenderContext } from '../dialect.types';
import { GeminiChatStreamRenderer } from './gemini-chat.stream';

const { readFixture, readIrFixture } = irFixtures(join(__dirname, '__fixtures__'));

const CTX: RenderContext = { requestId: 'req_7f3a9c', model: 'gemini-2.5-flash', created: 1754500000, includeUsage: true };

// Thoughts, text, then two parallel calls whose arguments arrive in fragments, as providers produce them.
const THINKING_TOOL_CALLS = readIrFixture<ResponseEvent[]>('thinking-tool-calls.events.json');

function renderStream(events: ResponseEvent[]): string {
  const sut = new GeminiChatStreamRenderer(CTX);
  return events.map((e) => sut.event(e)).join('') + sut.end();
}

const HEAD = 'data: {"candidates":';
const TAIL = ',"modelVersion":"gemini-2.5-flash","responseId":"req_7f3a9c"}\r\n\r\n';

describe(GeminiChatStreamRenderer.name, () => {
  it('renders thoughts, text, whole function calls and the closing chunk as the golden SSE', () => {
    expect(renderStream(THINKING_TOOL_CALLS)).toBe(readFixture('thinking-tool-calls.sse'));
  });

  it('writes text as it arrives and holds a call only until the next call', () => {
    const sut = new GeminiChatStreamRenderer(CTX);

    expect(sut.event({ event: { $case: 'textDelta', value: { text: 'Hi', choice: 0, logprobsJson: '', signature: '' } } })).toBe(`${HEAD}[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"index":0}]${TAIL}`);
    expect(sut.event({ event: { $case: 'toolCallDelta', value: { index: 0, id: 'c1', name: 'f', argumentsDelta: '{"a":', choice: 0, signature: '' } } })).toBe('');
    expect(sut.event({ event: { $case: 'toolCallDelta', value: { index: 0, argumentsDelta: '1}', id: '', name: '', choice: 0, signature: '' } } })).toBe('');
    expect(sut.event({ event: { $case: 'toolCallDelta', value: { index: 1, id: 'c2', name: 'g', argumentsDelta: '{}', choice: 0, signature: '' } } })).toBe(
      `${HEAD}[{"content":{"parts":[{"functionCall":{"name":"f","args":{"a":1},"id":"c1"}}],"role":"model"},"index":0}]${TAIL}`,
    );
  });

  it('waits for the usage before the closing chunk, and closes at end() when none comes', () => {
    const sut = new GeminiChatStreamRenderer(CTX);
    sut.event({ event: { $case: 'textDelta', value: { text: 'Hi', choice: 0, logprobsJson: '', signature: '' } } });

    expect(sut.event({ event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_LENGTH, rawReason: '', choice: 0, stopSequence: '' } } })).toBe('');
    expect(sut.end()).toBe(`${HEAD}[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"MAX_TOKENS","index":0}]${TAIL}`);
    expect(sut.end()).toBe('');
  });

  it('closes every choice in one chunk, in index order', () => {
    const sse = renderStream([
      { event: { $case: 'textDelta', value: { text: 'B', choice: 1, logprobsJson: '', signature: '' } } },
      { event: { $case: 'textDelta', value: { text: 'A', choice: 0, logprobsJson: '', signature: '' } } },
      { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_STOP, choice: 1, rawReason: '', stopSequence: '' } } },
      { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_CONTENT_FILTER, choice: 0, rawReason: '', stopSequence: '' } } },
      { event: { $case: 'usage', value: { inputTokens: 5, outputTokens: 2, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 } } },
    ]);

    expect(sse.split('\r\n\r\n')[2]).toBe(
      'data: {"candidates":[' +
        '{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"SAFETY","index":0},' +
        '{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"STOP","index":1}]' +
        ',"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2,"totalTokenCount":7},"modelVersion":"gemini-2.5-flash","responseId":"req_7f3a9c"}',
    );
  });

  it('ends a turn whose call arguments are cut short with MALFORMED_FUNCTION_CALL instead of the call', () => {
    const sse = renderStream([
      { event: { $case: 'toolCallDelta', value: { index: 0, id: 'c1', name: 'f', argumentsDelta: '{"a":', choice: 0, signature: '' } } },
      { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_LENGTH, rawReason: '', choice: 0, stopSequence: '' } } },
      { event: { $case: 'usage', value: { inputTokens: 5, outputTokens: 2, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 } } },
    ]);

    expect(sse).toBe(
      `${HEAD}[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"MALFORMED_FUNCTION_CALL",` +
        `"finishMessage":"Malformed function call: the arguments of f are not a JSON object: {\\"a\\":","index":0}]` +
        `,"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2,"totalTokenCount":7}${TAIL}`,
    );
  });

  it('streams a signature that arrives alone on an empty part, and skips empty fragments', () => {
    const sut = new GeminiChatStreamRenderer(CTX);

    expect(sut.event({ event: { $case: 'textDelta', value: { text: '', choice: 0, logprobsJson: '', signature: '' } } })).toBe('');
    expect(sut.event({ event: { $case: 'reasoningDelta', value: { redactedData: 'EmwKAhgBEgy', text: '', signature: '', choice: 0 } } })).toBe('');
    expect(sut.event({ event: { $case: 'textDelta', value: { text: '', signature: 'Ev0BCvoB', choice: 0, logprobsJson: '' } } })).toBe(
      `${HEAD}[{"content":{"parts":[{"text":"","thoughtSignature":"Ev0BCvoB"}],"role":"model"},"index":0}]${TAIL}`,
    );
    expect(sut.event({ event: { $case: 'reasoningDelta', value: { signature: 'EqQBCkgI', text: '', redactedData: '', choice: 0 } } })).toBe(
      `${HEAD}[{"content":{"parts":[{"text":"","thought":true,"thoughtSignature":"EqQBCkgI"}],"role":"model"},"index":0}]${TAIL}`,
    );
  });

  it("carries a fragment's logprobs on its chunk", () => {
    const sut = new GeminiChatStreamRenderer(CTX);

    expect(sut.event({ event: { $case: 'textDelta', value: { text: 'Hi', logprobsJson: '{"content":[{"token":"Hi","logprob":-0.5,"top_logprobs":[]}]}', choice: 0, signature: '' } } })).toBe(
      `${HEAD}[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"avgLogprobs":-0.5,"index":0,"logprobsResult":{"chosenCandidates":[{"token":"Hi","logProbability":-0.5}]}}]${TAIL}`,
    );
  });

  it('ends a failed stream with an error chunk and writes nothing after it', () => {
    const sut = new GeminiChatStreamRenderer(CTX);
    sut.event({ event: { $case: 'toolCallDelta', value: { index: 0, id: 'c1', name: 'f', argumentsDelta: '{"a":', choice: 0, signature: '' } } });

    expect(sut.event({ event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT, message: 'upstream stalled for 30000 ms', providerStatus: 0, retryable: false, retryAfterMs: 0, param: '', attemptLog: [] } } })).toBe(
      'data: {"error":{"code":504,"message":"upstream stalled for 30000 ms","status":"DEADLINE_EXCEEDED"}}\r\n\r\n',
    );
    expect(sut.end()).toBe('');
  });
});
