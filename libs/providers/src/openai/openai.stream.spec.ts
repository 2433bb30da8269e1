import { ErrorKind, ResponseEvent, ResponseFolder } from '@switchyard/ir';
import { SseParser } from '../core/sse-parser';
import { UPSTREAM_FAULTS } from '../core/upstream-fault';
import { PROVIDERS } from '../registry';
import { irFixtures, toIrJson } from '@switchyard/testing';
import { join } from 'node:path';
import { OpenAiStreamParser } from './openai.stream';

const { readFixture, readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

/** Frames a recorded SSE body and runs every event through a fresh stream parser. */
function replay(sse: string): { events: ResponseEvent[]; done: boolean } {
  const sut = PROVIDERS.openai.createStreamParser();
  const events = new SseParser().push(sse).flatMap((e) => sut.push(e));
  return { events, done: sut.done };
}

describe(OpenAiStreamParser.name, () => {
  // tool-calls: gpt-4o text preamble, two parallel calls in fragments, finish, usage chunk with
  // empty choices, [DONE]. deepseek-reasoner: keep-alive comments, reasoning_content deltas,
  // usage in the finishing chunk. azure-content-filter: Azure's opening chunk with empty id and
  // choices plus prompt_filter_results, filter results on every chunk, a content_filter finish.
  // ollama-reasoning: the `reasoning` field. logprobs: logprobs on content chunks.
  it.each(['tool-calls', 'deepseek-reasoner', 'azure-content-filter', 'ollama-reasoning', 'logprobs'])('reads the recorded %s stream into the golden events', (name) => {
    const { events, done } = replay(readFixture(`stream.${name}.sse`));

    expect(toIrJson(events)).toStrictEqual(readJsonFixture(`stream.${name}.events.json`));
    expect(done).toBe(true);
  });

  it('yields events that fold into the complete tool calls', () => {
    const folder = new ResponseFolder();
    for (const e of replay(readFixture('stream.tool-calls.sse')).events) folder.add(e);

    expect(folder.value.choices[0]?.text).toBe('Let me check both cities.');
    expect(folder.value.choices[0]?.toolCalls).toStrictEqual([
      { id: 'call_Vt6mNq0aH2yK1Zr8cX3uPb4E', name: 'get_weather', arguments: '{"city": "Paris"}' },
      { id: 'call_9LwQe2Rk7TfY3sJd5GhZ1xMa', name: 'get_weather', arguments: '{"city": "Oslo"}' },
    ]);
  });

  it('starts once, from the first chunk with something in it', () => {
    const sut = new OpenAiStreamParser();

    expect(sut.push({ event: '', data: '{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[]}' })).toStrictEqual([]);
    expect(sut.push({ event: '', data: '{"choices":[],"id":"","model":"","prompt_filter_results":[]}' })).toStrictEqual([]);
    expect(toIrJson(sut.push({ event: '', data: '{"id":"chatcmpl-9","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hi"}}]}' }))).toStrictEqual([
      { event: { $case: 'start', value: { id: 'chatcmpl-9', model: 'gpt-4o', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] } } },
      { event: { $case: 'textDelta', value: { text: 'Hi', choice: 0, logprobsJson: '', signature: '' } } },
    ]);
    expect(toIrJson(sut.push({ event: '', data: '{"id":"chatcmpl-9","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"!"}}]}' }))).toStrictEqual([
      { event: { $case: 'textDelta', value: { text: '!', choice: 0, logprobsJson: '', signature: '' } } },
    ]);
  });

  it('is not done before [DONE]', () => {
    const sut = new OpenAiStreamParser();

    sut.push({ event: '', data: '{"id":"chatcmpl-1","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}' });

    expect(sut.done).toBe(false);
    expect(sut.push({ event: '', data: '[DONE]' })).toStrictEqual([]);
    expect(sut.done).toBe(true);
  });

  it('throws on a malformed JSON event', () => {
    const sut = new OpenAiStreamParser();
    sut.push({ event: '', data: '{"id":"chatcmpl-1","model":"gpt-4o","choices":[]}' });

    expect(() => sut.push({ event: '', data: '{"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"Hi' })).toThrow(SyntaxError);
  });

  it('turns an error event mid-stream into a final upstream error with the fixed text', () => {
    const sut = new OpenAiStreamParser();
    const first = sut.push({ event: '', data: '{"id":"chatcmpl-1","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}' });

    const events = sut.push({ event: '', data: '{"error":{"message":"The server had an error while processing your request.","type":"server_error","code":null}}' });

    expect(first).toHaveLength(2);
    expect(events).toStrictEqual([
      { event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, providerStatus: 0, message: UPSTREAM_FAULTS['stream-error'].text, retryable: false, retryAfterMs: 0, param: '', attemptLog: [] } } },
    ]);
    expect(sut.done).toBe(true);
  });
});
