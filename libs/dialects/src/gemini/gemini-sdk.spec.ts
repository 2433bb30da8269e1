import { ApiError, GenerateContentResponse, GoogleGenAI, Type } from '@google/genai';
import { ErrorKind, FinishReason, FoldedResponse, FoldedToolCall } from '@switchyard/ir';
import { irFixtures, toIrJson } from '@switchyard/testing';
import { join } from 'node:path';
import type { RenderContext } from '../dialect.types';
import { GeminiDialect } from './gemini.dialect';

// The real @google/genai client against the dialect: what the SDK sends must parse, and what
// the dialect renders must read back through the SDK's own response classes.

const { readFixture } = irFixtures(join(__dirname, '__fixtures__'));
const sut = new GeminiDialect();
const CTX: RenderContext = { requestId: 'req_7f3a9c', model: 'gemini-2.5-flash', created: 1754500000, includeUsage: true };

interface Sent {
  model: string;
  method: string;
  body: unknown;
}

/** A client whose requests are recorded in `sent` and answered by `answer`, in order. */
function client(sent: Sent[], ...answers: (() => Response)[]): GoogleGenAI {
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const m = /\/v1beta\/models\/([^:/]+):([A-Za-z]+)/.exec(String(url));
    sent.push({ model: m?.[1] ?? '', method: m?.[2] ?? '', body: JSON.parse(String(init?.body)) });
    const answer = answers[sent.length - 1];
    if (!answer) throw new Error(`unexpected request ${String(url)}`);
    return answer();
  };
  return new GoogleGenAI({ apiKey: 'sy-test-key', httpOptions: { baseUrl: 'http://switchyard.test', fetch } });
}

const json = (body: string, status = 200) => () => new Response(body, { status, headers: { 'content-type': 'application/json' } });
const sse = (body: string) => () => new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });

const WEATHER_TOOL = {
  functionDeclarations: [
    { name: 'get_weather', description: 'Current weather for a city.', parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ['city'] } },
  ],
};

function answer(): FoldedResponse {
  const paris: FoldedToolCall = { id: 'call_Vt6mNq0a', name: 'get_weather', arguments: '{"city":"Paris"}', signature: 'CiQB0e2Kb5Rk7wYx1LcVqHn3b8T2mAQ=' };
  return {
    start: { id: 'upstream-id', model: '', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] },
    choices: [
      { index: 0, text: 'Checking Paris.', reasoning: 'Paris first.', reasoningSignature: '', toolCalls: [paris], finishReason: FinishReason.FINISH_REASON_TOOL_CALLS },
    ],
    usage: { inputTokens: 40, outputTokens: 30, cachedInputTokens: 0, reasoningTokens: 12, cacheCreationInputTokens: 0 },
    error: undefined,
  };
}

async function collect(stream: AsyncGenerator<GenerateContentResponse>): Promise<{ chunks: GenerateContentResponse[]; error: unknown }> {
  const chunks: GenerateContentResponse[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (error) {
    return { chunks, error };
  }
  return { chunks, error: undefined };
}

describe('GeminiDialect with the @google/genai SDK', () => {
  beforeEach(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it("parses the SDK's generateContent body and renders a response the SDK reads back", async () => {
    const sent: Sent[] = [];
    const ai = client(sent, json(sut.renderResponse(answer(), CTX)));

    const response = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Weather in Paris?',
      config: {
        systemInstruction: 'Be brief.',
        tools: [WEATHER_TOOL],
        toolConfig: { functionCallingConfig: { mode: 'ANY' as never, allowedFunctionNames: ['get_weather'] } },
        thinkingConfig: { thinkingBudget: 512, includeThoughts: true },
        temperature: 0.2,
      },
    });

    const ir = sut.parseRequest(sent[0]?.body, { model: sent[0]?.model });
    expect(sent[0]?.method).toBe('generateContent');
    expect(toIrJson({ system: ir.system, messages: ir.messages, tools: ir.tools, toolChoice: ir.toolChoice, reasoning: ir.reasoning, temperature: ir.sampling?.temperature })).toStrictEqual({
      system: [{ part: { $case: 'text', value: { text: 'Be brief.', signature: '' } }, cacheControlJson: '' }],
      messages: [{ role: 'ROLE_USER', content: [{ part: { $case: 'text', value: { text: 'Weather in Paris?', signature: '' } }, cacheControlJson: '' }], name: '' }],
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather for a city.',
          parametersJson: '{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}',
          strict: false,
          cacheControlJson: '',
        },
      ],
      toolChoice: { mode: 'MODE_NAMED', name: 'get_weather', disableParallel: false },
      reasoning: { effort: 'EFFORT_UNSPECIFIED', budgetTokens: 512 },
      temperature: 0.2,
    });
    // includeThoughts: true is implied by the reasoning request: nothing left to carry.
    expect(ir.extensions).toBeUndefined();

    expect(response.text).toBe('Checking Paris.');
    expect(response.functionCalls).toStrictEqual([{ name: 'get_weather', args: { city: 'Paris' }, id: 'call_Vt6mNq0a' }]);
    expect(response.candidates?.[0]?.content?.parts?.[2]?.thoughtSignature).toBe('CiQB0e2Kb5Rk7wYx1LcVqHn3b8T2mAQ=');
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.usageMetadata).toStrictEqual({ promptTokenCount: 40, candidatesTokenCount: 18, totalTokenCount: 70, thoughtsTokenCount: 12 });
    expect(response.responseId).toBe('req_7f3a9c');
  });

  it('reads the golden SSE chunk by chunk: thoughts, text, whole function calls, then finish reason and usage', async () => {
    const ai = client([], sse(readFixture('thinking-tool-calls.sse')));

    const { chunks, error } = await collect(await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Weather in Paris and Oslo?' }));

    expect(error).toBeUndefined();
    expect(chunks.map((c) => c.candidates?.[0]?.content?.parts?.[0]?.thought ?? false)).toStrictEqual([true, true, false, false, false, false, false]);
    expect(chunks.slice(2, 4).map((c) => c.text)).toStrictEqual(['Checking both ', 'cities.']);
    expect(chunks.flatMap((c) => c.functionCalls ?? [])).toStrictEqual([
      { name: 'get_weather', args: { city: 'Paris' }, id: 'call_Vt6mNq0a' },
      { name: 'get_weather', args: { city: 'Oslo' }, id: 'call_9LwQe2Rk' },
    ]);
    const last = chunks[6];
    expect(last?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(last?.usageMetadata).toStrictEqual({ promptTokenCount: 82, candidatesTokenCount: 41, totalTokenCount: 223, cachedContentTokenCount: 64, thoughtsTokenCount: 100 });
  });

  it("keeps a streamed turn in the SDK chat's history, and parses the next turn with calls and responses paired", async () => {
    const sent: Sent[] = [];
    const reply = { ...answer(), choices: [{ ...answer().choices[0], toolCalls: [], text: 'Paris: 18 °C, Oslo: 9 °C.', reasoning: '', finishReason: FinishReason.FINISH_REASON_STOP }] } as FoldedResponse;
    const ai = client(sent, sse(readFixture('thinking-tool-calls.sse')), json(sut.renderResponse(reply, CTX)));
    const chat = ai.chats.create({ model: 'gemini-2.5-flash', config: { tools: [WEATHER_TOOL] } });

    await collect(await chat.sendMessageStream({ message: 'Weather in Paris and Oslo?' }));
    const final = await chat.sendMessage({
      message: [{ functionResponse: { name: 'get_weather', response: { output: '18 °C' } } }, { functionResponse: { name: 'get_weather', response: { output: '9 °C' } } }],
    });

    expect(final.text).toBe('Paris: 18 °C, Oslo: 9 °C.');
    expect(chat.getHistory(true)).toHaveLength(10);
    const ir = sut.parseRequest(sent[1]?.body, { model: sent[1]?.model });
    expect(toIrJson(ir.messages)).toStrictEqual([
      { role: 'ROLE_USER', content: [{ part: { $case: 'text', value: { text: 'Weather in Paris and Oslo?', signature: '' } }, cacheControlJson: '' }], name: '' },
      {
        role: 'ROLE_ASSISTANT',
        content: [
          { part: { $case: 'reasoning', value: { text: 'Paris and Oslo both need a lookup.', signature: '', redactedData: '' } }, cacheControlJson: '' },
          { part: { $case: 'text', value: { text: 'Checking both cities.', signature: '' } }, cacheControlJson: '' },
          { part: { $case: 'toolCall', value: { id: 'call_Vt6mNq0a', name: 'get_weather', argumentsJson: '{"city":"Paris"}', signature: 'CiQB0e2Kb5Rk7wYx1LcVqHn3b8T2mAQ=' } }, cacheControlJson: '' },
          { part: { $case: 'toolCall', value: { id: 'call_9LwQe2Rk', name: 'get_weather', argumentsJson: '{"city":"Oslo"}', signature: '' } }, cacheControlJson: '' },
        ],
        name: '',
      },
      {
        role: 'ROLE_TOOL',
        content: [
          { part: { $case: 'toolResult', value: { callId: 'call_Vt6mNq0a', name: 'get_weather', content: [{ part: { $case: 'text', value: { text: '{"output":"18 °C"}', signature: '' } }, cacheControlJson: '' }], isError: false } }, cacheControlJson: '' },
          { part: { $case: 'toolResult', value: { callId: 'call_9LwQe2Rk', name: 'get_weather', content: [{ part: { $case: 'text', value: { text: '{"output":"9 °C"}', signature: '' } }, cacheControlJson: '' }], isError: false } }, cacheControlJson: '' },
        ],
        name: '',
      },
    ]);
  });

  it('raises an ApiError with the status code for an error chunk mid-stream', async () => {
    const stream = sut.createStreamRenderer(CTX);
    const body =
      stream.event({ event: { $case: 'textDelta', value: { text: 'Partly ', choice: 0, logprobsJson: '', signature: '' } } }) +
      stream.event({ event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_UPSTREAM_TIMEOUT, message: 'upstream stalled for 30000 ms', providerStatus: 0, retryable: false, retryAfterMs: 0, param: '', attemptLog: [] } } });
    const ai = client([], sse(body));

    const { chunks, error } = await collect(await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Hi' }));

    expect(chunks.map((c) => c.text)).toStrictEqual(['Partly ']);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 504 });
    expect((error as ApiError).message).toContain('DEADLINE_EXCEEDED');
  });

  it('raises an ApiError with the status and message of an error body', async () => {
    const rendered = sut.renderError({ kind: ErrorKind.ERROR_KIND_RATE_LIMITED, message: 'Resource has been exhausted (e.g. check quota).', retryAfterMs: 3000, providerStatus: 0, retryable: false, param: '', attemptLog: [] });
    const ai = client([], json(rendered.body, rendered.status));

    const error = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429 });
    expect((error as ApiError).message).toContain('Resource has been exhausted (e.g. check quota).');
  });

  it("parses the SDK's countTokens body and renders the count it reads", async () => {
    const sent: Sent[] = [];
    const ai = client(sent, json(sut.renderCountTokens({ inputTokens: 7, estimated: false })));

    const counted = await ai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'How long is this?' });

    expect(sent[0]?.method).toBe('countTokens');
    expect(toIrJson(sut.parseCountTokens(sent[0]?.body, { model: sent[0]?.model }).messages)).toStrictEqual([
      { role: 'ROLE_USER', content: [{ part: { $case: 'text', value: { text: 'How long is this?', signature: '' } }, cacheControlJson: '' }], name: '' },
    ]);
    expect(counted.totalTokens).toBe(7);
  });

  it("parses the SDK's batchEmbedContents body and renders embeddings it reads in order", async () => {
    const sent: Sent[] = [];
    const respond = () => {
      const parsed = sut.parseEmbedRequest(sent[0]?.body, { model: sent[0]?.model, batch: sent[0]?.method === 'batchEmbedContents' });
      const embeddings = [
        { index: 1, values: [0.5, -0.25] },
        { index: 0, values: [0.125, 1] },
      ];
      return json(sut.renderEmbedResponse({ embeddings, usageEstimated: false }, parsed, CTX))();
    };
    const ai = client(sent, respond);

    const result = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: ['first', 'second'], config: { taskType: 'RETRIEVAL_DOCUMENT', outputDimensionality: 2 } });

    expect(sut.parseEmbedRequest(sent[0]?.body, { model: sent[0]?.model, batch: true })).toStrictEqual({
      request: {
        model: 'gemini-embedding-001',
        inputs: [
          { text: 'first', tokens: [] },
          { text: 'second', tokens: [] },
        ],
        dimensions: 2,
        taskType: 'RETRIEVAL_DOCUMENT',
        title: '',
        meta: { dialect: 3, requestId: '', tenantId: '', keyId: '', endUserId: '', region: '', cacheMode: '', allowedRegions: [], clientRequestId: '' },
        droppedParams: [],
      },
      encoding: 'float',
      batch: true,
    });
    expect(result.embeddings?.map((e) => e.values)).toStrictEqual([
      [0.125, 1],
      [0.5, -0.25],
    ]);
  });
});
