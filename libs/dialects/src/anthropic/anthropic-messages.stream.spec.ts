import Anthropic, { APIError } from '@anthropic-ai/sdk';
import type { Message, MessageStreamEvent } from '@anthropic-ai/sdk/resources/messages/messages';
import { ErrorKind, FinishReason, ResponseEvent, ResponseFolder } from '@switchyard/ir';
import { irFixtures } from '@switchyard/testing';
import { join } from 'node:path';
import type { RenderContext } from '../dialect.types';
import { renderAnthropicMessage } from './anthropic-messages.render';
import { AnthropicMessagesStreamRenderer } from './anthropic-messages.stream';

const { readFixture, readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

const CTX: RenderContext = { requestId: 'req_7f3a9c', model: 'claude-sonnet-4-5', created: 1754500000, includeUsage: true };

const start: ResponseEvent = { event: { $case: 'start', value: { id: 'msg_upstream', model: 'claude-sonnet-4-5-20250929', attempts: 1, providerId: '', deploymentId: '', upstreamModel: '', droppedParams: [], cacheHit: false, attemptLog: [] } } };
const thinking = (text: string): ResponseEvent => ({ event: { $case: 'reasoningDelta', value: { text, choice: 0, signature: '', redactedData: '' } } });
const signature = (value: string): ResponseEvent => ({ event: { $case: 'reasoningDelta', value: { signature: value, choice: 0, text: '', redactedData: '' } } });
const text = (value: string): ResponseEvent => ({ event: { $case: 'textDelta', value: { text: value, choice: 0, logprobsJson: '', signature: '' } } });
const tool = (index: number, id: string, name: string, args: string, sig?: string): ResponseEvent => ({
  event: { $case: 'toolCallDelta', value: { index, id, name, argumentsDelta: args, choice: 0, signature: sig ?? '' } },
});
const args = (index: number, fragment: string): ResponseEvent => tool(index, '', '', fragment);
const usage: ResponseEvent = { event: { $case: 'usage', value: { inputTokens: 2563, outputTokens: 214, cachedInputTokens: 2048, cacheCreationInputTokens: 312, reasoningTokens: 96 } } };

// One agent step as the providers produce it: thinking and its signature, a text preamble, two
// parallel tool calls whose arguments arrive in fragments, the stop, then the usage.
const AGENT_STEP: ResponseEvent[] = [
  start,
  thinking('Paris is in the first photo; '),
  thinking('the itinerary continues to Oslo.'),
  signature('EqQBCkgIBxABGAIiQL9rIv0w7ihLxY3pnRqm3c0p'),
  text('Checking both '),
  text('cities.'),
  tool(0, 'toolu_01Gm3Xk2QpZ8Yc7Vb4Nt6Rw9', 'get_weather', ''),
  args(0, '{"city":"Pa'),
  args(0, 'ris"}'),
  tool(1, 'toolu_01Vq7Hn2Lk9Pw3Xz5Cr8Bt4M', 'get_weather', '{"city":'),
  args(1, '"Oslo"}'),
  { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_TOOL_CALLS, rawReason: 'tool_use', choice: 0, stopSequence: '' } } },
  usage,
];

// Content kinds alternating within one message, as a Gemini upstream can produce: text, a
// function call carrying a thought signature, more thinking, text, another call, redacted
// thinking; usage before the stop (OpenAI-family order).
const INTERLEAVED: ResponseEvent[] = [
  start,
  text('Let me look that up.'),
  tool(0, 'call_a1', 'search', '{"q":"Oslo rain"}', 'CiQB0e2Kb+/='),
  thinking('Results say rain; check the hourly forecast.'),
  text('It rains in Oslo. '),
  tool(1, 'call_b2', 'hourly', '{"city":'),
  args(1, '"Oslo"}'),
  { event: { $case: 'reasoningDelta', value: { redactedData: 'EmwKAhgBEgy3va3pzix', choice: 0, text: '', signature: '' } } },
  { event: { $case: 'usage', value: { inputTokens: 120, outputTokens: 64, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 } } },
  { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_TOOL_CALLS, rawReason: 'STOP', choice: 0, stopSequence: '' } } },
];

function render(events: ResponseEvent[], ctx: RenderContext = CTX): string {
  const sut = new AnthropicMessagesStreamRenderer(ctx);
  return events.map((e) => sut.event(e)).join('') + sut.end();
}

function fold(events: ResponseEvent[]) {
  const folder = new ResponseFolder();
  events.forEach((e) => folder.add(e));
  return folder.value;
}

/** An Anthropic SDK client whose every request is answered with this SSE body. */
function clientReading(sse: string): Anthropic {
  return new Anthropic({
    apiKey: 'sk-switchyard-test',
    baseURL: 'http://switchyard.test',
    maxRetries: 0,
    fetch: async () => new Response(sse, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
  });
}

const PARAMS = { model: 'claude-sonnet-4-6', max_tokens: 1024, messages: [{ role: 'user' as const, content: 'Weather in Paris and Oslo?' }] };

/** The SSE as a list of [event name, parsed data]. */
function frames(sse: string): [string, unknown][] {
  return sse
    .split('\n\n')
    .filter(Boolean)
    .map((frame) => {
      const [event, data] = frame.split('\n');
      return [event?.slice('event: '.length) ?? '', JSON.parse(data?.slice('data: '.length) ?? 'null')];
    });
}

describe(AnthropicMessagesStreamRenderer.name, () => {
  it('renders thinking, text and two parallel tool calls as the golden event sequence', () => {
    expect(render(AGENT_STEP)).toBe(readFixture('agent-step.sse'));
  });

  it('gives interleaved text, thinking, tool_use and redacted thinking blocks consecutive indices', () => {
    const sse = render(INTERLEAVED);

    expect(sse).toBe(readFixture('interleaved-blocks.sse'));
    const starts = frames(sse).filter(([e]) => e === 'content_block_start').map(([, d]) => d as { index: number; content_block: { type: string } });
    expect(starts.map((s) => [s.index, s.content_block.type])).toStrictEqual([
      [0, 'text'],
      [1, 'tool_use'],
      [2, 'thinking'],
      [3, 'text'],
      [4, 'tool_use'],
      [5, 'redacted_thinking'],
    ]);
  });

  it("accumulates, with the SDK's own MessageStream, into the same Message the non-streamed render returns", async () => {
    // finalMessage() adds the SDK's own structured-output field, which is not on the wire.
    const { parsed_output, ...streamed } = await clientReading(render(AGENT_STEP)).messages.stream(PARAMS).finalMessage();
    const direct = JSON.parse(renderAnthropicMessage(fold(AGENT_STEP), CTX)) as Message;

    expect(parsed_output).toBeNull();
    expect(streamed).toStrictEqual(direct);
    expect(direct).toStrictEqual(readJsonFixture('agent-step.response.json'));
  });

  it('yields events the SDK parses, each block started, filled and stopped in order', async () => {
    const stream = await clientReading(render(INTERLEAVED)).messages.create({ ...PARAMS, stream: true });
    const types: string[] = [];
    for await (const event of stream as AsyncIterable<MessageStreamEvent>) types.push(event.type === 'content_block_delta' ? `delta:${event.delta.type}` : event.type);

    expect(types).toStrictEqual([
      'message_start',
      'content_block_start', 'delta:text_delta', 'content_block_stop',
      'content_block_start', 'delta:input_json_delta', 'content_block_stop',
      'content_block_start', 'delta:thinking_delta', 'content_block_stop',
      'content_block_start', 'delta:text_delta', 'content_block_stop',
      'content_block_start', 'delta:input_json_delta', 'delta:input_json_delta', 'content_block_stop',
      'content_block_start', 'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('forwards each argument fragment as an input_json_delta the moment it arrives', () => {
    const sut = new AnthropicMessagesStreamRenderer(CTX);
    sut.event(start);
    sut.event(tool(0, 'toolu_01A', 'get_weather', ''));

    expect(sut.event(args(0, '{"city":"Pa'))).toBe('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\":\\"Pa"}}\n\n');
  });

  it('holds message_delta until the usage arrives after the stop, and sends it without waiting for end()', () => {
    const sut = new AnthropicMessagesStreamRenderer(CTX);
    sut.event(start);
    sut.event(text('Hi'));

    expect(sut.event({ event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_STOP, rawReason: 'stop_sequence', stopSequence: 'END', choice: 0 } } })).toBe(
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
    );
    expect(frames(sut.event({ event: { $case: 'usage', value: { inputTokens: 12, outputTokens: 3, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 } } }))).toStrictEqual([
      [
        'message_delta',
        {
          type: 'message_delta',
          delta: { stop_reason: 'stop_sequence', stop_sequence: 'END', stop_details: null, container: null },
          usage: { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 3, output_tokens_details: null, server_tool_use: null },
        },
      ],
    ]);
    expect(sut.end()).toBe('event: message_stop\ndata: {"type":"message_stop"}\n\n');
  });

  it('still sends message_delta at end() when no usage came, with the unknown input counts as null', () => {
    const sse = render([start, text('Hi'), { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_LENGTH, rawReason: 'length', choice: 0, stopSequence: '' } } }]);

    expect(frames(sse).slice(-2)).toStrictEqual([
      [
        'message_delta',
        {
          type: 'message_delta',
          delta: { stop_reason: 'max_tokens', stop_sequence: null, stop_details: null, container: null },
          usage: { input_tokens: null, cache_creation_input_tokens: null, cache_read_input_tokens: null, output_tokens: 0, output_tokens_details: null, server_tool_use: null },
        },
      ],
      ['message_stop', { type: 'message_stop' }],
    ]);
  });

  it('keeps pause_turn and refusal from an Anthropic upstream', () => {
    const stopWith = (reason: FinishReason, rawReason: string) =>
      frames(render([start, { event: { $case: 'stop', value: { reason, rawReason, choice: 0, stopSequence: '' } } }, usage])).find(([e]) => e === 'message_delta')?.[1];

    expect(stopWith(FinishReason.FINISH_REASON_STOP, 'pause_turn')).toMatchObject({ delta: { stop_reason: 'pause_turn' } });
    expect(stopWith(FinishReason.FINISH_REASON_CONTENT_FILTER, 'refusal')).toMatchObject({ delta: { stop_reason: 'refusal' } });
    expect(stopWith(FinishReason.FINISH_REASON_CONTENT_FILTER, 'content_filter')).toMatchObject({ delta: { stop_reason: 'refusal' } });
  });

  it('ignores events of other choices and empty text deltas', () => {
    const sut = new AnthropicMessagesStreamRenderer(CTX);
    sut.event(start);

    expect(sut.event({ event: { $case: 'textDelta', value: { text: 'other', choice: 1, logprobsJson: '', signature: '' } } })).toBe('');
    expect(sut.event({ event: { $case: 'textDelta', value: { text: '', choice: 0, signature: 'c2ln', logprobsJson: '' } } })).toBe('');
  });

  it('ends a stream with the golden error event, which the SDK raises as an APIError', async () => {
    const sut = new AnthropicMessagesStreamRenderer(CTX);
    const sse =
      sut.event(start) +
      sut.event(text('Checking')) +
      sut.event({ event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_OVERLOADED, message: 'Overloaded', providerStatus: 529, retryable: true, retryAfterMs: 0, param: '', attemptLog: [] } } });

    expect(sse).toBe(readFixture('error-mid-stream.sse'));

    const error = await clientReading(sse)
      .messages.stream(PARAMS)
      .finalMessage()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ type: 'overloaded_error', error: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
  });
});
