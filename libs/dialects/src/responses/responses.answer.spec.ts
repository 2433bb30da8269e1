import { ErrorKind, FinishReason, ResponseEvent } from '@switchyard/ir';
import OpenAI from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import { ResponsesAnswer, type ResponsesAnswerContext } from './responses.answer';
import { parseResponsesRequest } from './responses.parse';

const START: ResponseEvent = { event: { $case: 'start', value: { id: 'up-1', model: 'claude', providerId: '', deploymentId: '', upstreamModel: '', attempts: 1, droppedParams: [], cacheHit: false, attemptLog: [] } } };
const text = (t: string): ResponseEvent => ({ event: { $case: 'textDelta', value: { text: t, choice: 0, logprobsJson: '', signature: '' } } });
const reasoning = (t: string, signature = '', redactedData = ''): ResponseEvent => ({ event: { $case: 'reasoningDelta', value: { text: t, signature, redactedData, choice: 0 } } });
const tool = (index: number, id: string, name: string, args: string): ResponseEvent => ({ event: { $case: 'toolCallDelta', value: { index, id, name, argumentsDelta: args, choice: 0, signature: '' } } });
const stop = (reason: FinishReason): ResponseEvent => ({ event: { $case: 'stop', value: { reason, rawReason: '', choice: 0, stopSequence: '' } } });
const USAGE: ResponseEvent = { event: { $case: 'usage', value: { inputTokens: 120, outputTokens: 48, cachedInputTokens: 100, reasoningTokens: 12, cacheCreationInputTokens: 0 } } };

// Thinking with an Anthropic signature, a text preamble, then two tool calls whose arguments
// arrive in fragments (continuations carry no id or name), as the adapters produce them.
const AGENT_TURN: ResponseEvent[] = [
  START,
  reasoning('The user wants '),
  reasoning('two cities.'),
  reasoning('', 'EqQBCkgI'),
  text('Checking '),
  text('both.'),
  tool(0, 'toolu_01', 'get_weather', ''),
  tool(0, '', '', '{"city":"Pa'),
  tool(0, '', '', 'ris"}'),
  tool(1, 'toolu_02', 'get_weather', '{"city":"Oslo"}'),
  stop(FinishReason.FINISH_REASON_TOOL_CALLS),
  USAGE,
];

const ECHO = parseResponsesRequest({ model: 'claude', input: 'Weather in Paris and Oslo?', tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }], metadata: { team: 'blue' }, include: ['reasoning.encrypted_content'] }).echo;
const CTX: ResponsesAnswerContext = { responseId: 'resp_0123456789abcdef0123456789abcdef', createdAt: 1765000000, model: 'claude', echo: ECHO };

function rendered(events: readonly ResponseEvent[], sse: boolean): { text: string; sut: ResponsesAnswer } {
  const sut = new ResponsesAnswer(CTX, sse);
  let out = '';
  for (const ev of events) out += sut.event(ev);
  return { text: out + sut.end(), sut };
}

/** An OpenAI SDK client whose every request is answered with this SSE body. */
function clientReading(sse: string): OpenAI {
  return new OpenAI({
    apiKey: 'sk-switchyard-test',
    baseURL: 'http://switchyard.test/v1',
    maxRetries: 0,
    fetch: async () => new Response(sse, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
  });
}

function eventsOf(sse: string): { type: string; sequence_number: number }[] {
  return sse
    .split('\n\n')
    .filter(Boolean)
    .map((frame) => {
      const [event, data] = frame.split('\n');
      const parsed = JSON.parse((data as string).slice('data: '.length)) as { type: string; sequence_number: number };
      expect(event).toBe(`event: ${parsed.type}`);
      return parsed;
    });
}

describe(ResponsesAnswer.name, () => {
  it('streams the documented sequence, each item opened, filled and closed in order, numbered from 0', () => {
    const events = eventsOf(rendered(AGENT_TURN, true).text);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  });

  it('is read by the openai SDK into the same Response the JSON answer is', async () => {
    const { text: sse } = rendered(AGENT_TURN, true);
    const stream = clientReading(sse).responses.stream({ model: 'claude', input: 'Weather in Paris and Oslo?' });
    const seen: ResponseStreamEvent['type'][] = [];
    stream.on('event', (e) => seen.push(e.type));
    const final = await stream.finalResponse();
    const json = rendered(AGENT_TURN, false).sut.response();

    expect(final).toMatchObject({ ...json, completed_at: expect.any(Number) });
    expect(json).toMatchObject({
      id: CTX.responseId,
      object: 'response',
      status: 'completed',
      model: 'claude',
      metadata: { team: 'blue' },
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' }, strict: true, description: null }],
      usage: { input_tokens: 120, input_tokens_details: { cached_tokens: 100 }, output_tokens: 48, output_tokens_details: { reasoning_tokens: 12 }, total_tokens: 168 },
      output: [
        { id: 'rs_0123456789abcdef0123456789abcdef0', type: 'reasoning', summary: [{ type: 'summary_text', text: 'The user wants two cities.' }], encrypted_content: 'EqQBCkgI' },
        { id: 'msg_0123456789abcdef0123456789abcdef1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Checking both.', annotations: [], logprobs: [] }] },
        { id: 'fc_0123456789abcdef0123456789abcdef2', type: 'function_call', status: 'completed', call_id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { id: 'fc_0123456789abcdef0123456789abcdef3', type: 'function_call', status: 'completed', call_id: 'toolu_02', name: 'get_weather', arguments: '{"city":"Oslo"}' },
      ],
    });
    expect(seen[0]).toBe('response.created');
    expect(seen[seen.length - 1]).toBe('response.completed');
  });

  it('ends a reply cut by max_output_tokens as incomplete, with the reason', () => {
    const { text: sse, sut } = rendered([START, text('Once upon'), stop(FinishReason.FINISH_REASON_LENGTH), USAGE], true);
    const events = eventsOf(sse);
    expect(events[events.length - 1]?.type).toBe('response.incomplete');
    expect(sut.response()).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [{ type: 'message', status: 'incomplete' }] });
  });

  it('replays redacted reasoning through encrypted_content, marked apart from a signature', () => {
    const sut = new ResponsesAnswer(CTX, false);
    for (const ev of [START, reasoning('', '', 'EmwKAhgB'), text('Hi'), stop(FinishReason.FINISH_REASON_STOP)]) sut.event(ev);
    expect(sut.response()['output']).toEqual([
      { id: 'rs_0123456789abcdef0123456789abcdef0', type: 'reasoning', summary: [], encrypted_content: 'sy-redacted:EmwKAhgB' },
      expect.objectContaining({ type: 'message', content: [expect.objectContaining({ text: 'Hi' })] }),
    ]);
  });

  it('shows encrypted reasoning only to a client that includes it, and keeps it for the store either way', () => {
    const echo = parseResponsesRequest({ model: 'claude', input: 'x' }).echo;
    const sut = new ResponsesAnswer({ ...CTX, echo }, true);
    let sse = '';
    for (const ev of AGENT_TURN) sse += sut.event(ev);
    sse += sut.end();
    expect(sse).not.toContain('EqQBCkgI');
    expect(sut.response()['output']).toEqual(expect.arrayContaining([{ id: 'rs_0123456789abcdef0123456789abcdef0', type: 'reasoning', summary: [{ type: 'summary_text', text: 'The user wants two cities.' }] }]));
    expect(sut.stored()['output']).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'reasoning', encrypted_content: 'EqQBCkgI' })]));
  });

  it('renders the log probabilities the IR carries in the text deltas and the finished output_text', () => {
    const echo = parseResponsesRequest({ model: 'gpt', input: 'x', include: ['message.output_text.logprobs'], top_logprobs: 1 }).echo;
    const sut = new ResponsesAnswer({ ...CTX, echo }, true);
    const paris = { token: 'Paris', logprob: -0.01, bytes: [80, 97, 114, 105, 115], top_logprobs: [{ token: 'Paris', logprob: -0.01, bytes: [80, 97, 114, 105, 115] }] };
    const dot = { token: '.', logprob: 0, bytes: [46], top_logprobs: [{ token: '.', logprob: 0, bytes: [46] }] };
    let sse = sut.event(START);
    for (const [t, lp] of [['Paris', paris], ['.', dot]] as const) sse += sut.event({ event: { $case: 'textDelta', value: { text: t, choice: 0, logprobsJson: JSON.stringify({ content: [lp] }), signature: '' } } });
    sse += sut.event(stop(FinishReason.FINISH_REASON_STOP)) + sut.end();
    const deltas = eventsOf(sse).filter((e) => e.type === 'response.output_text.delta') as unknown as { logprobs: unknown[] }[];
    expect(deltas.map((d) => d.logprobs)).toEqual([[paris], [dot]]);
    expect(sut.response()).toMatchObject({ top_logprobs: 1, output: [{ type: 'message', content: [{ type: 'output_text', text: 'Paris.', logprobs: [paris, dot] }] }] });
  });

  it('ends a stream that failed after it began with response.failed, which the SDK reports as the last event', async () => {
    const sut = new ResponsesAnswer(CTX, true);
    let sse = sut.event(START) + sut.event(text('Par'));
    sse += sut.error({ kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, message: 'The upstream provider failed.', retryable: false, providerStatus: 500, retryAfterMs: 0, param: '', attemptLog: [] });
    const types: string[] = [];
    for await (const e of await clientReading(sse).responses.create({ model: 'claude', input: 'x', stream: true })) types.push(e.type);
    expect(types[types.length - 1]).toBe('response.failed');
    expect(sut.response()).toMatchObject({ status: 'failed', error: { code: 'server_error', message: 'The upstream provider failed.' } });
  });
});
