import { ErrorKind, ResponseEvent, ResponseFolder } from '@switchyard/ir';
import { irFixtures, toIrJson } from '@switchyard/testing';
import { join } from 'node:path';
import { SseParser } from '../core/sse-parser';
import { UPSTREAM_FAULTS, type UpstreamFault } from '../core/upstream-fault';
import { PROVIDERS } from '../registry';
import { AnthropicStreamParser } from './anthropic.stream';

const { readFixture, readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

/** Frames a recorded SSE body and runs every event through a fresh stream parser. */
function replay(sse: string): { events: ResponseEvent[]; done: boolean } {
  const sut = PROVIDERS.anthropic.createStreamParser();
  const events = new SseParser().push(sse).flatMap((e) => sut.push(e));
  return { events, done: sut.done };
}

describe(AnthropicStreamParser.name, () => {
  // interleaved: thinking, text, a tool_use with fragmented input, interleaved thinking, a second
  // tool_use, a parameterless tool_use without any input_json_delta, pings, cache reads.
  // overloaded: an `error` event after the first text fragment.
  it.each(['interleaved', 'overloaded'])('reads the recorded %s stream into the golden events', (name) => {
    const { events, done } = replay(readFixture(`stream.${name}.sse`));

    expect(toIrJson(events)).toStrictEqual(readJsonFixture(`stream.${name}.events.json`));
    expect(done).toBe(true);
  });

  it('yields events that fold into the complete answer', () => {
    const folder = new ResponseFolder();
    for (const e of replay(readFixture('stream.interleaved.sse')).events) folder.add(e);

    expect(folder.value.choices[0]).toMatchObject({
      text: 'Checking both cities.',
      reasoning: 'Two cities, so two parallel calls.Now Oslo.',
      toolCalls: [
        { id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', arguments: '{"city": "Paris", "unit": "celsius"}' },
        { id: 'toolu_01Q8nWm3xZc5Vb7Kp2Ls4Jd9', name: 'get_weather', arguments: '{"city": "Oslo", "unit": "celsius"}' },
        { id: 'toolu_01Pg5sHrY2tW8xQe3Mn6Kb1V', name: 'ping', arguments: '{}' },
      ],
    });
  });

  it('forwards each input_json_delta fragment as soon as it arrives', () => {
    const sut = new AnthropicStreamParser();
    sut.push({ event: 'message_start', data: '{"type":"message_start","message":{"id":"msg_1","model":"claude-sonnet-4-5","usage":{"input_tokens":5,"output_tokens":1}}}' });
    sut.push({ event: 'content_block_start', data: '{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}' });

    const events = sut.push({ event: 'content_block_delta', data: '{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"a\\": 1"}}' });

    expect(events).toStrictEqual([{ event: { $case: 'toolCallDelta', value: { index: 0, argumentsDelta: '{"a": 1', choice: 0, id: '', name: '', signature: '' } } }]);
  });

  it('keeps input usage from message_start when message_delta reports only output', () => {
    const sut = new AnthropicStreamParser();
    sut.push({ event: 'message_start', data: '{"type":"message_start","message":{"id":"msg_1","model":"claude-3-5-haiku-20241022","usage":{"input_tokens":20,"cache_creation_input_tokens":100,"cache_read_input_tokens":0,"output_tokens":1}}}' });

    const events = sut.push({ event: 'message_delta', data: '{"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"###"},"usage":{"output_tokens":42}}' });

    expect(toIrJson(events)).toStrictEqual([
      { event: { $case: 'stop', value: { reason: 'FINISH_REASON_STOP', rawReason: 'stop_sequence', choice: 0, stopSequence: '###' } } },
      { event: { $case: 'usage', value: { inputTokens: 120, outputTokens: 42, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 100 } } },
    ]);
  });

  it('is not done before message_stop and ignores pings and unknown events', () => {
    const sut = new AnthropicStreamParser();
    sut.push({ event: 'message_start', data: '{"type":"message_start","message":{"id":"msg_1","model":"claude-sonnet-4-5"}}' });

    expect(sut.push({ event: 'ping', data: '{"type": "ping"}' })).toStrictEqual([]);
    expect(sut.push({ event: 'content_block_hint', data: '{"type":"content_block_hint","index":0}' })).toStrictEqual([]);
    expect(sut.done).toBe(false);
    expect(sut.push({ event: 'message_stop', data: '{"type":"message_stop"}' })).toStrictEqual([]);
    expect(sut.done).toBe(true);
  });

  it('throws on a malformed JSON event', () => {
    const sut = new AnthropicStreamParser();

    expect(() => sut.push({ event: 'content_block_delta', data: '{"type":"content_block_delta","index":0,"delta":{"type":' })).toThrow(SyntaxError);
  });

  it.each<[string, keyof typeof ErrorKind, boolean, UpstreamFault]>([
    ['overloaded_error', 'ERROR_KIND_OVERLOADED', true, 'overloaded'],
    ['api_error', 'ERROR_KIND_UPSTREAM_ERROR', true, 'upstream-failed'],
    ['rate_limit_error', 'ERROR_KIND_RATE_LIMITED', true, 'rate-limited'],
    ['invalid_request_error', 'ERROR_KIND_INVALID_REQUEST', false, 'rejected-request'],
    ['some_new_error', 'ERROR_KIND_UPSTREAM_ERROR', false, 'stream-error'],
  ])('turns a mid-stream %s into a final %s error with its fixed text', (type, kind, retryable, fault) => {
    const sut = new AnthropicStreamParser();

    const events = sut.push({ event: 'error', data: JSON.stringify({ type: 'error', error: { type, message: 'boom sk-ant-api03-secret' } }) });

    expect(events).toStrictEqual([{ event: { $case: 'error', value: { kind: ErrorKind[kind], providerStatus: 0, message: UPSTREAM_FAULTS[fault].text, retryable, retryAfterMs: 0, param: '', attemptLog: [] } } }]);
    expect(sut.done).toBe(true);
  });
});
