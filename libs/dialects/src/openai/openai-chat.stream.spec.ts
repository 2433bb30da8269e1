import { ErrorKind, FinishReason, ResponseEvent } from '@switchyard/ir';
import OpenAI, { APIError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { RenderContext } from '../dialect.types';
import { irFixtures } from '@switchyard/testing';
import { join } from 'node:path';
import { OpenAiChatStreamRenderer } from './openai-chat.stream';

const { readFixture } = irFixtures(join(__dirname, '__fixtures__'));

const CTX: RenderContext = { requestId: 'req_7f3a9c', model: 'gpt-4o', created: 1754500000, includeUsage: true };

// A text preamble, then two parallel tool calls whose arguments arrive in fragments, as the
// provider adapters produce them (continuation fragments carry an empty id and name).
const PARALLEL_TOOL_CALLS: ResponseEvent[] = [
  { event: { $case: 'start', value: { id: 'chatcmpl-upstream', model: 'gpt-4o', deploymentId: 'openai-eu', attempts: 1, providerId: '', upstreamModel: '', droppedParams: [], cacheHit: false, attemptLog: [] } } },
  { event: { $case: 'textDelta', value: { text: 'Checking both ', choice: 0, logprobsJson: '', signature: '' } } },
  { event: { $case: 'textDelta', value: { text: 'cities.', choice: 0, logprobsJson: '', signature: '' } } },
  { event: { $case: 'toolCallDelta', value: { index: 0, id: 'call_Vt6mNq0aH2yK1Zr8cX3uPb4E', name: 'get_weather', argumentsDelta: '', choice: 0, signature: '' } } },
  { event: { $case: 'toolCallDelta', value: { index: 0, id: '', name: '', argumentsDelta: '{"city":"Pa', choice: 0, signature: '' } } },
  { event: { $case: 'toolCallDelta', value: { index: 0, id: '', name: '', argumentsDelta: 'ris"}', choice: 0, signature: '' } } },
  { event: { $case: 'toolCallDelta', value: { index: 1, id: 'call_9LwQe2Rk7TfY3sJd5GhZ1xMa', name: 'get_weather', argumentsDelta: '{"city":', choice: 0, signature: '' } } },
  { event: { $case: 'toolCallDelta', value: { index: 1, id: '', name: '', argumentsDelta: '"Oslo"}', choice: 0, signature: '' } } },
  { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_TOOL_CALLS, rawReason: 'tool_calls', choice: 0, stopSequence: '' } } },
  { event: { $case: 'usage', value: { inputTokens: 82, outputTokens: 41, cachedInputTokens: 64, reasoningTokens: 0, cacheCreationInputTokens: 0 } } },
];

// n = 2: choice 0 reasons (with an Anthropic signature and redacted reasoning) and answers
// with logprobs; choice 1 calls a tool whose id carries a Gemini thought signature.
const TWO_CHOICES: ResponseEvent[] = [
  { event: { $case: 'start', value: { id: 'chatcmpl-upstream', model: 'gpt-4o', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] } } },
  { event: { $case: 'reasoningDelta', value: { text: 'Capital of France.', choice: 0, signature: '', redactedData: '' } } },
  { event: { $case: 'reasoningDelta', value: { signature: 'EqQBCkgI', choice: 0, text: '', redactedData: '' } } },
  { event: { $case: 'reasoningDelta', value: { redactedData: 'EmwKAhgB', choice: 0, text: '', signature: '' } } },
  { event: { $case: 'toolCallDelta', value: { index: 0, id: 'call_1', name: 'lookup', argumentsDelta: '{"q":"France"}', choice: 1, signature: 'sig-gemini' } } },
  {
    event: {
      $case: 'textDelta',
      value: { text: 'Paris', choice: 0, logprobsJson: '{"content":[{"token":"Paris","logprob":-0.01,"bytes":[80,97,114,105,115],"top_logprobs":[]}]}', signature: '' },
    },
  },
  { event: { $case: 'textDelta', value: { text: '.', choice: 0, logprobsJson: '{"content":[{"token":".","logprob":0,"bytes":[46],"top_logprobs":[]}]}', signature: '' } } },
  { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_STOP, rawReason: 'stop', choice: 0, stopSequence: '' } } },
  { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_TOOL_CALLS, rawReason: 'tool_calls', choice: 1, stopSequence: '' } } },
  { event: { $case: 'usage', value: { inputTokens: 20, outputTokens: 30, reasoningTokens: 12, cachedInputTokens: 0, cacheCreationInputTokens: 0 } } },
];

function render(events: ResponseEvent[], ctx: RenderContext = CTX): string {
  const sut = new OpenAiChatStreamRenderer(ctx);
  return events.map((e) => sut.event(e)).join('') + sut.end();
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

const PARAMS = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'Weather in Paris and Oslo?' }] };

describe(OpenAiChatStreamRenderer.name, () => {
  it('renders text, two parallel tool calls, the stop and the usage chunk as the golden SSE', () => {
    expect(render(PARALLEL_TOOL_CALLS)).toBe(readFixture('parallel-tool-calls.sse'));
  });

  it('yields chunks the openai SDK accepts, ending with the usage chunk with empty choices', async () => {
    const stream = await clientReading(render(PARALLEL_TOOL_CALLS)).chat.completions.create({ ...PARAMS, stream: true, stream_options: { include_usage: true } });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks).toHaveLength(10);
    expect(chunks.every((c) => c.id === 'chatcmpl-req_7f3a9c' && c.object === 'chat.completion.chunk' && c.created === 1754500000 && c.model === 'gpt-4o')).toBe(true);
    expect(chunks[8]?.choices).toStrictEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }]);
    expect(chunks[9]?.choices).toStrictEqual([]);
    expect(chunks[9]?.usage).toStrictEqual({
      prompt_tokens: 82,
      completion_tokens: 41,
      total_tokens: 123,
      prompt_tokens_details: { cached_tokens: 64 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  it("assembles into the final completion with the SDK's own stream helper", async () => {
    const completion = await clientReading(render(PARALLEL_TOOL_CALLS)).chat.completions.stream({ ...PARAMS, stream_options: { include_usage: true } }).finalChatCompletion();

    expect(completion.choices).toStrictEqual([
      {
        index: 0,
        finish_reason: 'tool_calls',
        logprobs: null,
        message: {
          role: 'assistant',
          content: 'Checking both cities.',
          refusal: null,
          parsed: null,
          tool_calls: [
            { id: 'call_Vt6mNq0aH2yK1Zr8cX3uPb4E', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_9LwQe2Rk7TfY3sJd5GhZ1xMa', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          ],
        },
      },
    ]);
    expect(completion.usage?.total_tokens).toBe(123);
  });

  it('leaves usage out of every chunk when the client did not ask for it', () => {
    const sse = render(
      [
        { event: { $case: 'start', value: { id: '', model: '', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] } } },
        { event: { $case: 'textDelta', value: { text: 'Hi "there"\n', choice: 0, logprobsJson: '', signature: '' } } },
        { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_LENGTH, rawReason: '', choice: 0, stopSequence: '' } } },
        { event: { $case: 'usage', value: { inputTokens: 5, outputTokens: 3, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 } } },
      ],
      { ...CTX, includeUsage: false },
    );

    const head = 'data: {"id":"chatcmpl-req_7f3a9c","object":"chat.completion.chunk","created":1754500000,"model":"gpt-4o","choices":';
    expect(sse).toBe(
      `${head}[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n` +
        `${head}[{"index":0,"delta":{"content":"Hi \\"there\\"\\n"},"logprobs":null,"finish_reason":null}]}\n\n` +
        `${head}[{"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}]}\n\n` +
        'data: [DONE]\n\n',
    );
  });

  it('renders two choices with reasoning, a signature, logprobs and a signed tool call as the golden SSE', () => {
    expect(render(TWO_CHOICES)).toBe(readFixture('two-choices.sse'));
  });

  it('yields two choices the openai SDK assembles, with merged logprobs and the signed id', async () => {
    const completion = await clientReading(render(TWO_CHOICES)).chat.completions.stream({ ...PARAMS, n: 2, logprobs: true, stream_options: { include_usage: true } }).finalChatCompletion();

    expect(completion.choices.map((c) => ({ index: c.index, content: c.message.content, finish: c.finish_reason, tokens: c.logprobs?.content?.map((t) => t.token) }))).toStrictEqual([
      { index: 0, content: 'Paris.', finish: 'stop', tokens: ['Paris', '.'] },
      { index: 1, content: null, finish: 'tool_calls', tokens: undefined },
    ]);
    expect(completion.choices[1]?.message.tool_calls?.[0]?.id).toBe('call_1.sig.c2lnLWdlbWluaQ');
  });

  it('sends an error the openai SDK raises as an APIError', async () => {
    const sut = new OpenAiChatStreamRenderer(CTX);
    const sse =
      sut.event({ event: { $case: 'start', value: { id: '', model: '', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] } } }) +
      sut.event({ event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT, message: 'upstream stalled for 30000 ms', providerStatus: 0, retryable: false, retryAfterMs: 0, param: '', attemptLog: [] } } });

    expect(sse.split('\n\n')[1]).toBe('data: {"error":{"message":"upstream stalled for 30000 ms","type":"api_error","param":null,"code":"upstream_timeout"}}');

    const stream = await clientReading(sse).chat.completions.create({ ...PARAMS, stream: true });
    const seen: ChatCompletionChunk[] = [];
    const consume = async () => {
      for await (const chunk of stream) seen.push(chunk);
    };
    const error = await consume().then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ message: 'upstream stalled for 30000 ms', type: 'api_error', code: 'upstream_timeout' });
    expect(seen).toHaveLength(1);
  });
});
