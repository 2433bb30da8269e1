import { ErrorKind, FinishReason, FoldedChoice, FoldedResponse, ResponseEvent, ResponseFolder } from '@switchyard/ir';
import type { RenderContext } from '../dialect.types';
import { AnthropicMessagesDialect } from './anthropic-messages.dialect';
import { anthropicStop, anthropicToolInput } from './anthropic-messages.render';

const CTX: RenderContext = { requestId: 'req_7f3a9c', model: 'claude-haiku-4-5', created: 1754500000, includeUsage: true };
const sut = new AnthropicMessagesDialect();

function response(c: Record<string, unknown>, usage: FoldedResponse['usage'] = { inputTokens: 10, outputTokens: 2, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }): FoldedResponse {
  const choice = { index: 0, text: '', reasoning: '', reasoningSignature: '', toolCalls: [], finishReason: FinishReason.FINISH_REASON_STOP, ...c } as FoldedChoice;
  return { start: { id: '', model: '', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] }, choices: [choice], usage, error: undefined };
}

describe(AnthropicMessagesDialect.name, () => {
  describe('renderResponse', () => {
    it('renders folded blocks in their order, each thinking block with its own signature', () => {
      const folder = new ResponseFolder();
      for (const e of [
        { event: { $case: 'reasoningDelta', value: { text: 'Plan.', signature: '', redactedData: '', choice: 0 } } },
        { event: { $case: 'reasoningDelta', value: { signature: 'sig-1', text: '', redactedData: '', choice: 0 } } },
        { event: { $case: 'toolCallDelta', value: { index: 0, id: 'toolu_1', name: 'search', argumentsDelta: '{"q":"x"}', choice: 0, signature: '' } } },
        { event: { $case: 'reasoningDelta', value: { text: 'Answer.', signature: '', redactedData: '', choice: 0 } } },
        { event: { $case: 'reasoningDelta', value: { signature: 'sig-2', text: '', redactedData: '', choice: 0 } } },
        { event: { $case: 'textDelta', value: { text: 'x.', choice: 0, logprobsJson: '', signature: '' } } },
        { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_STOP, rawReason: 'end_turn', choice: 0, stopSequence: '' } } },
      ] as ResponseEvent[])
        folder.add(e);

      expect((JSON.parse(sut.renderResponse(folder.value, CTX)) as { content: unknown[] }).content).toStrictEqual([
        { type: 'thinking', thinking: 'Plan.', signature: 'sig-1' },
        { type: 'tool_use', id: 'toolu_1', name: 'search', input: { q: 'x' }, caller: { type: 'direct' } },
        { type: 'thinking', thinking: 'Answer.', signature: 'sig-2' },
        { type: 'text', text: 'x.', citations: null },
      ]);
    });

    it('renders a text answer as a complete Message with every declared field', () => {
      expect(JSON.parse(sut.renderResponse(response({ text: 'Hello!' }), CTX))).toStrictEqual({
        id: 'msg_req_7f3a9c',
        type: 'message',
        role: 'assistant',
        model: 'claude-haiku-4-5',
        content: [{ type: 'text', text: 'Hello!', citations: null }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        stop_details: null,
        container: null,
        diagnostics: null,
        usage: {
          input_tokens: 10,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          cache_creation: null,
          output_tokens: 2,
          output_tokens_details: null,
          server_tool_use: null,
          service_tier: null,
          inference_geo: null,
          speed: null,
        },
      });
    });

    it('takes cache reads and writes back out of input_tokens', () => {
      const body = JSON.parse(sut.renderResponse(response({ text: 'x' }, { inputTokens: 2563, outputTokens: 214, cachedInputTokens: 2048, cacheCreationInputTokens: 312, reasoningTokens: 0 }), CTX));

      expect(body.usage).toMatchObject({ input_tokens: 203, cache_read_input_tokens: 2048, cache_creation_input_tokens: 312, output_tokens: 214 });
    });

    it('keeps arguments that are not a JSON object under raw_arguments rather than dropping them', () => {
      const body = JSON.parse(
        sut.renderResponse(
          response({
            finishReason: FinishReason.FINISH_REASON_LENGTH,
            toolCalls: [
              { id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Pa' },
              { id: 'toolu_2', name: 'ping', arguments: '' },
            ],
          }),
          CTX,
        ),
      );

      expect(body.stop_reason).toBe('max_tokens');
      expect(body.content).toStrictEqual([
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { raw_arguments: '{"city":"Pa' }, caller: { type: 'direct' } },
        { type: 'tool_use', id: 'toolu_2', name: 'ping', input: {}, caller: { type: 'direct' } },
      ]);
      expect(anthropicToolInput('[1,2]')).toStrictEqual({ raw_arguments: '[1,2]' });
    });

    it('uses the stop sequence, redacted thinking and tool signatures when the folded choice carries them', () => {
      const body = JSON.parse(
        sut.renderResponse(
          response({
            text: 'Done',
            reasoning: 'Short.',
            reasoningSignature: 'EqQB',
            redactedData: ['EmwK'],
            stopSequence: 'END',
            rawReason: 'stop_sequence',
            toolCalls: [{ id: 'call_1', name: 'f', arguments: '{}', signature: 'sig' }],
          }),
          CTX,
        ),
      );

      expect(body.content.map((b: { type: string }) => b.type)).toStrictEqual(['thinking', 'redacted_thinking', 'text', 'tool_use']);
      expect(body.content[1]).toStrictEqual({ type: 'redacted_thinking', data: 'EmwK' });
      expect(body.content[3].id).toBe('call_1.sig.c2ln');
      expect([body.stop_reason, body.stop_sequence]).toStrictEqual(['stop_sequence', 'END']);
    });
  });

  it.each([
    [FinishReason.FINISH_REASON_STOP, 'end_turn', 'end_turn'],
    [FinishReason.FINISH_REASON_STOP, 'pause_turn', 'pause_turn'],
    [FinishReason.FINISH_REASON_STOP, 'stop', 'end_turn'],
    [FinishReason.FINISH_REASON_LENGTH, 'model_context_window_exceeded', 'model_context_window_exceeded'],
    [FinishReason.FINISH_REASON_LENGTH, 'MAX_TOKENS', 'max_tokens'],
    [FinishReason.FINISH_REASON_TOOL_CALLS, 'end_turn', 'tool_use'],
    [FinishReason.FINISH_REASON_CONTENT_FILTER, 'SAFETY', 'refusal'],
    [FinishReason.FINISH_REASON_UNSPECIFIED, '', 'end_turn'],
  ])('stop reason %s with raw "%s" → %s', (reason, raw, expected) => {
    expect(anthropicStop(reason, raw)).toStrictEqual({ stop_reason: expected, stop_sequence: null });
  });

  describe('renderError', () => {
    it.each([
      [ErrorKind.ERROR_KIND_INVALID_REQUEST, 400, 'invalid_request_error'],
      [ErrorKind.ERROR_KIND_CONTEXT_LENGTH, 400, 'invalid_request_error'],
      [ErrorKind.ERROR_KIND_AUTHENTICATION, 401, 'authentication_error'],
      [ErrorKind.ERROR_KIND_BUDGET_EXCEEDED, 429, 'rate_limit_error'],
      [ErrorKind.ERROR_KIND_PERMISSION, 403, 'permission_error'],
      [ErrorKind.ERROR_KIND_NOT_FOUND, 404, 'not_found_error'],
      [ErrorKind.ERROR_KIND_PAYLOAD_TOO_LARGE, 413, 'request_too_large'],
      [ErrorKind.ERROR_KIND_RATE_LIMITED, 429, 'rate_limit_error'],
      [ErrorKind.ERROR_KIND_INTERNAL, 500, 'api_error'],
      [ErrorKind.ERROR_KIND_UPSTREAM_ERROR, 502, 'api_error'],
      [ErrorKind.ERROR_KIND_UPSTREAM_UNAVAILABLE, 503, 'api_error'],
      [ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT, 504, 'timeout_error'],
      [ErrorKind.ERROR_KIND_OVERLOADED, 529, 'overloaded_error'],
    ])('kind %s → %s %s', (kind, status, type) => {
      expect(sut.renderError({ kind, message: 'Something went wrong', providerStatus: 0, retryable: false, retryAfterMs: 0, param: '', attemptLog: [] })).toStrictEqual({
        status,
        body: `{"type":"error","error":{"type":"${type}","message":"Something went wrong"}}`,
        headers: {},
      });
    });

    it('sends retry-after in whole seconds', () => {
      expect(sut.renderError({ kind: ErrorKind.ERROR_KIND_RATE_LIMITED, message: 'slow down', retryAfterMs: 1500, providerStatus: 0, retryable: false, param: '', attemptLog: [] }).headers).toStrictEqual({ 'retry-after': '2' });
    });
  });

  it('renders a token count as {"input_tokens": N}', () => {
    expect(sut.renderCountTokens({ inputTokens: 2095, estimated: false })).toBe('{"input_tokens":2095}');
  });
});
