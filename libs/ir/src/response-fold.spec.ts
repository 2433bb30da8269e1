import { ErrorKind, FinishReason, ResponseEvent, type ErrorEvent, type Usage } from './generated/switchyard/ir/v1/ir';
import { FoldedResponse, ResponseFolder } from './response-fold';

function fold(events: ResponseEvent[]): FoldedResponse {
  const sut = new ResponseFolder();
  for (const e of events) sut.add(e);
  return sut.value;
}

const start: ResponseEvent = { event: { $case: 'start', value: { id: 'chatcmpl-1', model: 'gpt-4o', deploymentId: 'd1', attempts: 1, providerId: '', upstreamModel: '', droppedParams: [], cacheHit: false, attemptLog: [] } } };

describe(ResponseFolder.name, () => {
  it('concatenates text deltas and takes the stop reason of the choice', () => {
    const r = fold([
      start,
      { event: { $case: 'textDelta', value: { text: 'Hel', choice: 0, logprobsJson: '', signature: '' } } },
      { event: { $case: 'textDelta', value: { text: 'lo!', choice: 0, logprobsJson: '', signature: '' } } },
      { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_LENGTH, rawReason: 'length', choice: 0, stopSequence: '' } } },
    ]);

    expect(r).toStrictEqual({
      start: { id: 'chatcmpl-1', model: 'gpt-4o', deploymentId: 'd1', attempts: 1, providerId: '', upstreamModel: '', droppedParams: [], cacheHit: false, attemptLog: [] },
      choices: [{ index: 0, text: 'Hello!', reasoning: '', reasoningSignature: '', toolCalls: [], finishReason: FinishReason.FINISH_REASON_LENGTH, rawReason: 'length', blocks: [{ kind: 'text', text: 'Hello!' }] }],
      usage: undefined,
      error: undefined,
    });
  });

  it('assembles parallel tool calls by index from fragments, keeping the first id and name', () => {
    const r = fold([
      { event: { $case: 'toolCallDelta', value: { index: 0, id: 'call_a', name: 'get_weather', argumentsDelta: '{"city":', choice: 0, signature: '' } } },
      { event: { $case: 'toolCallDelta', value: { index: 1, id: 'call_b', name: 'get_time', argumentsDelta: '', choice: 0, signature: '' } } },
      { event: { $case: 'toolCallDelta', value: { index: 0, id: '', name: '', argumentsDelta: '"Paris"}', choice: 0, signature: '' } } },
      { event: { $case: 'toolCallDelta', value: { index: 1, argumentsDelta: '{"tz":"Europe/Oslo"}', id: '', name: '', choice: 0, signature: '' } } },
      { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_TOOL_CALLS, rawReason: '', choice: 0, stopSequence: '' } } },
    ]);

    expect(r.choices[0]?.toolCalls).toStrictEqual([
      { id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
      { id: 'call_b', name: 'get_time', arguments: '{"tz":"Europe/Oslo"}' },
    ]);
    expect(r.choices[0]?.finishReason).toBe(FinishReason.FINISH_REASON_TOOL_CALLS);
  });

  it('keeps reasoning text and its signature apart from the answer', () => {
    const r = fold([
      { event: { $case: 'reasoningDelta', value: { text: 'The user wants ', signature: '', redactedData: '', choice: 0 } } },
      { event: { $case: 'reasoningDelta', value: { text: 'a greeting.', signature: 'EqQBCkgI', redactedData: '', choice: 0 } } },
      { event: { $case: 'textDelta', value: { text: 'Hi', choice: 0, logprobsJson: '', signature: '' } } },
    ]);

    expect(r.choices[0]).toMatchObject({ text: 'Hi', reasoning: 'The user wants a greeting.', reasoningSignature: 'EqQBCkgI' });
  });

  it('keeps the choices of n > 1 apart by index', () => {
    const r = fold([
      { event: { $case: 'textDelta', value: { text: 'A', choice: 1, logprobsJson: '', signature: '' } } },
      { event: { $case: 'textDelta', value: { text: 'B', choice: 0, logprobsJson: '', signature: '' } } },
      { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_STOP, choice: 1, rawReason: '', stopSequence: '' } } },
    ]);

    expect(r.choices.map((c) => [c.index, c.text, c.finishReason])).toStrictEqual([
      [0, 'B', FinishReason.FINISH_REASON_UNSPECIFIED],
      [1, 'A', FinishReason.FINISH_REASON_STOP],
    ]);
  });

  it('reads a stop without a reason as STOP', () => {
    expect(fold([{ event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_UNSPECIFIED, rawReason: '', choice: 0, stopSequence: '' } } }]).choices[0]?.finishReason).toBe(FinishReason.FINISH_REASON_STOP);
  });

  it('keeps the usage and the error events', () => {
    const usage: Usage = { inputTokens: 12, outputTokens: 3, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 };
    const error: ErrorEvent = { kind: ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT, message: 'no first token in 30000 ms', retryable: true, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] };

    const r = fold([{ event: { $case: 'usage', value: usage } }, { event: { $case: 'error', value: error } }]);

    expect(r.usage).toStrictEqual(usage);
    expect(r.error).toStrictEqual(error);
  });

  it('gives one empty choice for a stream without content, and ignores empty events', () => {
    expect(fold([{ event: undefined }, {}])).toStrictEqual({
      start: { id: '', model: '', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] },
      choices: [{ index: 0, text: '', reasoning: '', reasoningSignature: '', toolCalls: [], finishReason: FinishReason.FINISH_REASON_UNSPECIFIED }],
      usage: undefined,
      error: undefined,
    });
  });

  it('keeps what dialects render beyond text: raw stop value, stop sequence, signatures, redacted thinking, logprobs', () => {
    const sut = new ResponseFolder();
    for (const event of [
      { event: { $case: 'reasoningDelta', value: { redactedData: 'EmwKAhgB', text: '', signature: '', choice: 0 } } },
      { event: { $case: 'textDelta', value: { text: 'Hi', logprobsJson: '{"content":[{"token":"Hi"}]}', signature: 'sig-text', choice: 0 } } },
      { event: { $case: 'toolCallDelta', value: { index: 0, id: 'call_1', name: 'f', argumentsDelta: '{}', signature: 'sig-call', choice: 0 } } },
      { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_STOP, rawReason: 'stop_sequence', stopSequence: '###', choice: 0 } } },
    ] as ResponseEvent[])
      sut.add(event);

    expect(sut.value.choices[0]).toMatchObject({
      redactedData: ['EmwKAhgB'],
      textSignature: 'sig-text',
      logprobsJson: ['{"content":[{"token":"Hi"}]}'],
      toolCalls: [{ id: 'call_1', name: 'f', arguments: '{}', signature: 'sig-call' }],
      rawReason: 'stop_sequence',
      stopSequence: '###',
    });
  });

  it('keeps interleaved thinking, text and tool calls in order, each signed thinking block apart', () => {
    const sut = new ResponseFolder();
    for (const event of [
      { event: { $case: 'reasoningDelta', value: { text: 'Plan: ', signature: '', redactedData: '', choice: 0 } } },
      { event: { $case: 'reasoningDelta', value: { text: 'look it up.', signature: '', redactedData: '', choice: 0 } } },
      { event: { $case: 'reasoningDelta', value: { signature: 'sig-1', text: '', redactedData: '', choice: 0 } } },
      { event: { $case: 'toolCallDelta', value: { index: 0, id: 'toolu_1', name: 'search', argumentsDelta: '{"q":', choice: 0, signature: '' } } },
      { event: { $case: 'toolCallDelta', value: { index: 0, argumentsDelta: '"x"}', id: '', name: '', choice: 0, signature: '' } } },
      { event: { $case: 'reasoningDelta', value: { redactedData: 'EqQB', text: '', signature: '', choice: 0 } } },
      { event: { $case: 'reasoningDelta', value: { text: 'Now answer.', signature: '', redactedData: '', choice: 0 } } },
      { event: { $case: 'reasoningDelta', value: { signature: 'sig-2', text: '', redactedData: '', choice: 0 } } },
      { event: { $case: 'textDelta', value: { text: 'It is ', choice: 0, logprobsJson: '', signature: '' } } },
      { event: { $case: 'textDelta', value: { text: 'x.', choice: 0, logprobsJson: '', signature: '' } } },
    ] as ResponseEvent[])
      sut.add(event);

    expect(sut.value.choices[0]?.blocks).toStrictEqual([
      { kind: 'reasoning', text: 'Plan: look it up.', signature: 'sig-1' },
      { kind: 'tool', index: 0 },
      { kind: 'redacted', data: 'EqQB' },
      { kind: 'reasoning', text: 'Now answer.', signature: 'sig-2' },
      { kind: 'text', text: 'It is x.' },
    ]);
  });
});
