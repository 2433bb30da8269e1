import { ErrorEvent, ErrorKind, FinishReason, FoldedChoice, FoldedResponse } from '@switchyard/ir';
import type { RenderContext } from '../dialect.types';
import { openAiFinishReason, renderOpenAiChatResponse, renderOpenAiError } from './openai-chat.render';

const CTX: RenderContext = { requestId: 'req_7f3a9c', model: 'gpt-4o', created: 1754500000, includeUsage: false };

function choice(c: Partial<FoldedChoice>): FoldedChoice {
  return { index: 0, text: '', reasoning: '', reasoningSignature: '', toolCalls: [], finishReason: FinishReason.FINISH_REASON_STOP, ...c };
}

function folded(choices: FoldedChoice[], usage?: FoldedResponse['usage']): FoldedResponse {
  return { start: { id: 'chatcmpl-upstream', model: 'gpt-4o-2024-08-06', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] }, choices, usage, error: undefined };
}

describe(renderOpenAiChatResponse.name, () => {
  it('renders a text answer as a chat.completion under the public model name and request id', () => {
    const body = renderOpenAiChatResponse(folded([choice({ text: 'Bonjour !' })], { inputTokens: 12, outputTokens: 4, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 }), CTX);

    expect(JSON.parse(body)).toStrictEqual({
      id: 'chatcmpl-req_7f3a9c',
      object: 'chat.completion',
      created: 1754500000,
      model: 'gpt-4o',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Bonjour !', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    });
  });

  it('renders tool calls with a null content', () => {
    const body = renderOpenAiChatResponse(
      folded([choice({ finishReason: FinishReason.FINISH_REASON_TOOL_CALLS, toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] })]),
      CTX,
    );

    expect(JSON.parse(body).choices).toStrictEqual([
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ]);
  });

  it('adds reasoning as reasoning_content and counts cached and reasoning tokens', () => {
    const body = renderOpenAiChatResponse(
      folded([choice({ text: '42', reasoning: 'Six times seven.' })], { inputTokens: 1000, outputTokens: 300, cachedInputTokens: 768, reasoningTokens: 256, cacheCreationInputTokens: 0 }),
      CTX,
    );
    const parsed = JSON.parse(body);

    expect(parsed.choices[0].message).toStrictEqual({ role: 'assistant', content: '42', refusal: null, reasoning_content: 'Six times seven.' });
    expect(parsed.usage).toStrictEqual({ prompt_tokens: 1000, completion_tokens: 300, total_tokens: 1300, prompt_tokens_details: { cached_tokens: 768 }, completion_tokens_details: { reasoning_tokens: 256 } });
  });

  it('renders every choice of n > 1 with merged logprobs, thinking blocks and signed tool call ids', () => {
    const first: FoldedChoice = {
      ...choice({ text: 'Paris.', reasoning: 'Capital of France.', reasoningSignature: 'EqQBCkgI' }),
      redactedData: ['EmwKAhgB'],
      logprobsJson: ['{"content":[{"token":"Paris","logprob":-0.01,"bytes":null,"top_logprobs":[]}]}', '{"content":[{"token":".","logprob":0,"bytes":null,"top_logprobs":[]}]}'],
    };
    const second: FoldedChoice = {
      ...choice({ index: 1, finishReason: FinishReason.FINISH_REASON_TOOL_CALLS }),
      toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{}', signature: 'sig-gemini' }],
    };
    const parsed = JSON.parse(renderOpenAiChatResponse(folded([first, second]), CTX));

    expect(parsed.choices).toStrictEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'Paris.',
          refusal: null,
          reasoning_content: 'Capital of France.',
          thinking_blocks: [
            { type: 'thinking', thinking: 'Capital of France.', signature: 'EqQBCkgI' },
            { type: 'redacted_thinking', data: 'EmwKAhgB' },
          ],
        },
        logprobs: {
          content: [
            { token: 'Paris', logprob: -0.01, bytes: null, top_logprobs: [] },
            { token: '.', logprob: 0, bytes: null, top_logprobs: [] },
          ],
          refusal: null,
        },
        finish_reason: 'stop',
      },
      {
        index: 1,
        message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_1.sig.c2lnLWdlbWluaQ', type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ]);
  });

  it('renders an empty answer as empty content and missing usage as zeros', () => {
    const parsed = JSON.parse(renderOpenAiChatResponse(folded([choice({})]), CTX));

    expect(parsed.choices[0].message.content).toBe('');
    expect(parsed.usage).toStrictEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } });
  });
});

describe(openAiFinishReason.name, () => {
  it.each<[keyof typeof FinishReason | undefined, string]>([
    ['FINISH_REASON_STOP', 'stop'],
    ['FINISH_REASON_LENGTH', 'length'],
    ['FINISH_REASON_TOOL_CALLS', 'tool_calls'],
    ['FINISH_REASON_CONTENT_FILTER', 'content_filter'],
    ['FINISH_REASON_ERROR', 'stop'],
    ['FINISH_REASON_UNSPECIFIED', 'stop'],
    [undefined, 'stop'],
  ])('renders %s as "%s"', (name, expected) => {
    expect(openAiFinishReason(name === undefined ? undefined : FinishReason[name])).toBe(expected);
  });
});

describe(renderOpenAiError.name, () => {
  it.each<[ErrorEvent, number, Record<string, unknown>]>([
    [
      { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, message: 'messages[1].content: expected an array', param: 'messages[1].content', providerStatus: 0, retryable: false, retryAfterMs: 0, attemptLog: [] },
      400,
      { message: 'messages[1].content: expected an array', type: 'invalid_request_error', param: 'messages[1].content', code: null },
    ],
    [{ kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message: 'Incorrect API key provided.', providerStatus: 0, retryable: false, retryAfterMs: 0, param: '', attemptLog: [] }, 401, { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' }],
    [{ kind: ErrorKind.ERROR_KIND_PERMISSION, message: 'not allowed', param: 'model', providerStatus: 0, retryable: false, retryAfterMs: 0, attemptLog: [] }, 403, { message: 'not allowed', type: 'permission_error', param: 'model', code: 'model_not_allowed' }],
    [{ kind: ErrorKind.ERROR_KIND_PERMISSION, message: 'not from there', providerStatus: 0, retryable: false, retryAfterMs: 0, param: '', attemptLog: [] }, 403, { message: 'not from there', type: 'permission_error', param: null, code: null }],
    [{ kind: ErrorKind.ERROR_KIND_NOT_FOUND, message: 'no such model', param: 'model', providerStatus: 0, retryable: false, retryAfterMs: 0, attemptLog: [] }, 404, { message: 'no such model', type: 'invalid_request_error', param: 'model', code: 'model_not_found' }],
    [{ kind: ErrorKind.ERROR_KIND_BUDGET_EXCEEDED, message: 'budget spent', providerStatus: 0, retryable: false, retryAfterMs: 0, param: '', attemptLog: [] }, 429, { message: 'budget spent', type: 'insufficient_quota', param: null, code: 'insufficient_quota' }],
    [{ kind: ErrorKind.ERROR_KIND_OVERLOADED, message: '', providerStatus: 0, retryable: false, retryAfterMs: 0, param: '', attemptLog: [] }, 503, { message: 'error', type: 'api_error', param: null, code: 'overloaded' }],
    [{ kind: ErrorKind.ERROR_KIND_UNSPECIFIED, message: 'odd', providerStatus: 0, retryable: false, retryAfterMs: 0, param: '', attemptLog: [] }, 500, { message: 'odd', type: 'api_error', param: null, code: null }],
  ])('renders %j as HTTP %i', (event, status, error) => {
    expect(renderOpenAiError(event)).toStrictEqual({ status, body: JSON.stringify({ error }), headers: {} });
  });

  it('rounds retry-after up to whole seconds', () => {
    const rendered = renderOpenAiError({ kind: ErrorKind.ERROR_KIND_RATE_LIMITED, message: 'Rate limit reached', retryAfterMs: 1500, providerStatus: 0, retryable: false, param: '', attemptLog: [] });

    expect(rendered).toStrictEqual({
      status: 429,
      body: '{"error":{"message":"Rate limit reached","type":"rate_limit_error","param":null,"code":"rate_limit_exceeded"}}',
      headers: { 'retry-after': '2' },
    });
  });
});
