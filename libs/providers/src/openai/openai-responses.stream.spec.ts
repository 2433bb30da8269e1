import { ResponseEvent, ResponseFolder } from '@switchyard/ir';
import { irFixtures, toIrJson } from '@switchyard/testing';
import { join } from 'node:path';
import type { UpstreamHttpRequest } from '../core/provider-adapter.types';
import { SseParser } from '../core/sse-parser';
import { UPSTREAM_FAULTS } from '../core/upstream-fault';
import { PROVIDERS } from '../registry';
import { OpenAiResponsesStreamParser } from './openai-responses.stream';

const { readFixture, readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));
const RESPONSES_CALL: UpstreamHttpRequest = { url: 'https://api.openai.com/v1/responses', headers: {}, body: '{}', wire: 'responses' };

/** Frames a recorded SSE body and runs every event through the adapter's parser for a Responses call. */
function replay(sse: string): { events: ResponseEvent[]; done: boolean } {
  const sut = PROVIDERS.openai.createStreamParser(RESPONSES_CALL);
  const events = new SseParser().push(sse).flatMap((e) => sut.push(e));
  return { events, done: sut.done };
}

describe(OpenAiResponsesStreamParser.name, () => {
  // tool-calls: gpt-4.1, text preamble then two function calls, one in ten argument fragments.
  // reasoning: o4-mini, two reasoning summary parts, the encrypted content on output_item.done,
  // then the answer. failed: the upstream gives up mid-answer with response.failed.
  it.each(['tool-calls', 'reasoning', 'failed'])('reads the recorded %s stream into the golden events', (name) => {
    const { events, done } = replay(readFixture(`stream.responses-${name}.sse`));

    expect(toIrJson(events)).toStrictEqual(readJsonFixture(`stream.responses-${name}.events.json`));
    expect(done).toBe(true);
  });

  it('yields events that fold into the same answer as the Response the stream ends with', () => {
    const streamed = new ResponseFolder();
    for (const e of replay(readFixture('stream.responses-tool-calls.sse')).events) streamed.add(e);
    const whole = new ResponseFolder();
    for (const e of PROVIDERS.openai.parseResponse(readJsonFixture('response.responses-tool-calls.json'), RESPONSES_CALL)) whole.add(e);

    expect(streamed.value).toStrictEqual(whole.value);
    expect(streamed.value.choices[0]?.toolCalls).toStrictEqual([
      { id: 'call_Vt6mNq0aH2yK1Zr8cX3uPb4E', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      { id: 'call_9LwQe2Rk7TfY3sJd5GhZ1xMa', name: 'get_weather', arguments: '{"city":"Oslo","unit":"celsius"}' },
    ]);
  });

  it('folds streamed reasoning into the summary paragraphs the whole Response has', () => {
    const streamed = new ResponseFolder();
    for (const e of replay(readFixture('stream.responses-reasoning.sse')).events) streamed.add(e);
    const whole = new ResponseFolder();
    for (const e of PROVIDERS.openai.parseResponse(readJsonFixture('response.responses-reasoning.json'), RESPONSES_CALL)) whole.add(e);

    expect(streamed.value.choices[0]?.reasoning).toBe(whole.value.choices[0]?.reasoning);
    expect(streamed.value.choices[0]?.reasoningSignature).toBe(whole.value.choices[0]?.reasoningSignature);
  });

  it('is not done before the response ends, and has no [DONE] to wait for', () => {
    const sut = new OpenAiResponsesStreamParser();

    sut.push({ event: 'response.created', data: '{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","model":"gpt-4.1","status":"in_progress","output":[]}}' });
    sut.push({ event: 'response.output_text.delta', data: '{"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi","logprobs":[],"obfuscation":"q"}' });

    expect(sut.done).toBe(false);
    sut.push({ event: 'response.completed', data: '{"type":"response.completed","sequence_number":2,"response":{"id":"resp_1","object":"response","model":"gpt-4.1","status":"completed","output":[]}}' });
    expect(sut.done).toBe(true);
  });

  it('turns an error event into a final upstream error with the fixed text', () => {
    const sut = new OpenAiResponsesStreamParser();
    sut.push({ event: 'response.created', data: '{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","model":"gpt-4.1","status":"in_progress","output":[]}}' });

    const events = sut.push({ event: 'error', data: '{"type":"error","sequence_number":1,"code":"server_error","message":"The server had an error.","param":null}' });

    expect(toIrJson(events)).toStrictEqual([
      { event: { $case: 'error', value: { kind: 'ERROR_KIND_UPSTREAM_ERROR', providerStatus: 0, message: UPSTREAM_FAULTS['stream-error'].text, retryable: false, retryAfterMs: 0, param: '', attemptLog: [] } } },
    ]);
    expect(sut.done).toBe(true);
  });

  it('throws on a malformed event, and on a completion without its response', () => {
    const sut = new OpenAiResponsesStreamParser();

    expect(() => sut.push({ event: 'response.output_text.delta', data: '{"type":"response.output_text.delta","delta":"Hi' })).toThrow(SyntaxError);
    expect(() => sut.push({ event: 'response.completed', data: '{"type":"response.completed","sequence_number":3}' })).toThrow('the upstream response is not a JSON object');
  });
});
