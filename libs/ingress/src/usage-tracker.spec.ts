import { ChatRequest, Dialect, ErrorKind, FinishReason, ResponseEvent, Role, UsageEvent } from '@switchyard/ir';
import { UsageTracker } from './usage-tracker';

const T0 = Date.parse('2025-08-06T10:00:00Z');

const CHAT: ChatRequest = {
  model: 'gpt-4o',
  system: [{ part: { $case: 'text', value: { text: 'Be brief.', signature: '' } }, cacheControlJson: '' }],
  messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'What is the capital of France?', signature: '' } }, cacheControlJson: '' }], name: '' }],
  stream: true,
  meta: { requestId: 'req_7f3a9c', clientRequestId: 'caller-42', tenantId: 'acme', keyId: 'key_01J9', dialect: Dialect.DIALECT_OPENAI, endUserId: '', region: '', cacheMode: '', allowedRegions: [] },
  tools: [],
  includeUsage: false,
  droppedParams: [],
};

const START: ResponseEvent = {
  event: { $case: 'start', value: { id: 'chatcmpl-1', model: 'gpt-4o', providerId: 'openai-eu', deploymentId: 'gpt-4o@openai', upstreamModel: 'gpt-4o-2024-08-06', attempts: 1, droppedParams: [], cacheHit: false, attemptLog: [] } },
};
const TEXT: ResponseEvent = { event: { $case: 'textDelta', value: { text: 'Paris.', choice: 0, logprobsJson: '', signature: '' } } };
const STOP: ResponseEvent = { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_STOP, rawReason: '', choice: 0, stopSequence: '' } } };

describe(UsageTracker.name, () => {
  let now: jest.SpyInstance<number, []>;

  beforeEach(() => {
    now = jest.spyOn(Date, 'now').mockReturnValue(T0);
  });

  afterEach(() => jest.restoreAllMocks());

  it('produces one usage event with the deployment, provider usage, latency and time to first token', () => {
    const sut = new UsageTracker(CHAT, Dialect.DIALECT_OPENAI, 'eu');
    sut.observe(START);
    now.mockReturnValue(T0 + 320);
    sut.observe(TEXT);
    now.mockReturnValue(T0 + 400);
    sut.observe({ event: { $case: 'textDelta', value: { text: ' Obviously.', choice: 0, logprobsJson: '', signature: '' } } });
    sut.observe(STOP);
    sut.observe({ event: { $case: 'usage', value: { inputTokens: 21, outputTokens: 4, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 } } });
    now.mockReturnValue(T0 + 950);

    expect(sut.finish(false, 200)).toStrictEqual<UsageEvent>({
      requestId: 'req_7f3a9c',
      clientRequestId: 'caller-42',
      tenantId: 'acme',
      keyId: 'key_01J9',
      model: 'gpt-4o',
      dialect: Dialect.DIALECT_OPENAI,
      stream: true,
      region: 'eu',
      startedAt: T0,
      status: 'ok',
      providerId: 'openai-eu',
      deploymentId: 'gpt-4o@openai',
      upstreamModel: 'gpt-4o-2024-08-06',
      usage: { inputTokens: 21, outputTokens: 4, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 },
      httpStatus: 200,
      latencyMs: 950,
      ttftMs: 320,
      finishedAt: T0 + 950,
      cacheHit: false,
      attempts: 1,
      errorKind: ErrorKind.ERROR_KIND_UNSPECIFIED,
    });
  });

  it('marks a cache hit and meters each hedge attempt that lost its race under its own id', () => {
    const sut = new UsageTracker(CHAT, Dialect.DIALECT_OPENAI, 'eu');
    sut.observe({
      event: {
        $case: 'start',
        value: {
          id: 'x',
          deploymentId: 'b',
          attempts: 2,
          cacheHit: false,
          attemptLog: [
            { deploymentId: 'a', providerId: 'sim-a', model: 'gpt-4o', outcome: 'hedge_lost', durationMs: 250, hedge: false, status: 0 },
            { deploymentId: 'b', providerId: 'sim-b', model: 'gpt-4o', outcome: 'ok', hedge: true, status: 0, durationMs: 0 },
          ],
          model: '',
          providerId: '',
          upstreamModel: '',
          droppedParams: [],
        },
      },
    });

    const losses = sut.hedgeLosses();

    expect(losses).toHaveLength(1);
    expect(losses[0]).toMatchObject({ requestId: 'req_7f3a9c~hedge1', clientRequestId: 'caller-42', providerId: 'sim-a', deploymentId: 'a', status: 'aborted', httpStatus: 499, attempts: 1, latencyMs: 250, usage: { outputTokens: 0 } });
    expect(losses[0]?.usage?.inputTokens).toBeGreaterThan(0);
    expect(sut.finish(false, 200)).toMatchObject({ attempts: 2, cacheHit: false });

    const hit = new UsageTracker(CHAT, Dialect.DIALECT_OPENAI, 'eu');
    hit.observe({ event: { $case: 'start', value: { id: 'x', cacheHit: true, attempts: 0, attemptLog: [], model: '', providerId: '', deploymentId: '', upstreamModel: '', droppedParams: [] } } });
    expect(hit.finish(false, 200)).toMatchObject({ cacheHit: true, attempts: 0 });
    expect(hit.hedgeLosses()).toStrictEqual([]);
  });

  it('estimates tokens at four characters each when the upstream never reported usage', () => {
    const sut = new UsageTracker(CHAT, Dialect.DIALECT_OPENAI, 'eu');
    sut.observe(TEXT); // 6 characters
    sut.observe({ event: { $case: 'toolCallDelta', value: { index: 0, id: 'call_1', name: 'lookup', argumentsDelta: '{"q":"x"}', choice: 0, signature: '' } } }); // 6 + 9
    sut.observe({ event: { $case: 'reasoningDelta', value: { text: 'Hmm', signature: '', redactedData: '', choice: 0 } } }); // 3

    // Input: "Be brief." (9) + the question (30) = 39 characters.
    expect(sut.finish(false, 200).usage).toStrictEqual({ inputTokens: 10, outputTokens: 6, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 });
  });

  it('records an error event with its kind', () => {
    const sut = new UsageTracker(CHAT, Dialect.DIALECT_OPENAI, 'eu');
    sut.observe({ event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_RATE_LIMITED, message: 'upstream returned 429', retryable: true, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] } } });

    expect(sut.finish(false, 429)).toMatchObject({ status: 'error', errorKind: ErrorKind.ERROR_KIND_RATE_LIMITED, httpStatus: 429, ttftMs: 0 });
  });

  it('charges nothing for a failure before any output, and estimates a stream cut after some', () => {
    const refused = new UsageTracker(CHAT, Dialect.DIALECT_OPENAI, 'eu');
    refused.observe(START);
    refused.observe({ event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, message: 'upstream returned 500', retryable: false, providerStatus: 500, retryAfterMs: 0, param: '', attemptLog: [] } } });
    const cut = new UsageTracker(CHAT, Dialect.DIALECT_OPENAI, 'eu');
    cut.observe(START);
    cut.observe(TEXT);
    cut.observe({ event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_UPSTREAM_ERROR, message: 'the upstream connection was lost', retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] } } });

    expect(refused.finish(false, 500).usage).toMatchObject({ inputTokens: 0, outputTokens: 0 });
    const estimated = cut.finish(false, 200).usage;
    expect(estimated?.outputTokens).toBe(2);
    expect(estimated?.inputTokens).toBeGreaterThan(0);
  });

  it('records a client that hung up as aborted with status 499, whatever was written', () => {
    const sut = new UsageTracker(CHAT, Dialect.DIALECT_OPENAI, 'eu');
    sut.observe(START);
    sut.observe(TEXT);

    expect(sut.finish(true, 200)).toMatchObject({ status: 'aborted', errorKind: ErrorKind.ERROR_KIND_CANCELLED, httpStatus: 499 });
  });
});
