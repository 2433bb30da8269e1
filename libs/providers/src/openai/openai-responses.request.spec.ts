import { ChatRequest, Dialect, IrError, Reasoning_Effort, Role } from '@switchyard/ir';
import { irFixtures } from '@switchyard/testing';
import { join } from 'node:path';
import type { UpstreamHttpRequest, UpstreamTarget } from '../core/provider-adapter.types';
import type { ProviderId } from '../core/provider-ids';
import { PROVIDERS } from '../registry';
import { buildResponsesRequest } from './openai-responses.request';

const { readIrFixture, readJsonFixture } = irFixtures(join(__dirname, '__fixtures__'));

const OPENAI: UpstreamTarget = { baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-proj-upstream', upstreamModel: 'gpt-4.1-2025-04-14', options: { api: 'responses' } };
const AZURE: UpstreamTarget = { baseUrl: 'https://contoso-eu.openai.azure.com/', apiKey: 'azure-key-1', upstreamModel: 'gpt-5-mini-prod', options: { api: 'responses' } };

function build(request: ChatRequest, target: UpstreamTarget = OPENAI, provider: ProviderId = 'openai'): UpstreamHttpRequest {
  return PROVIDERS[provider].buildRequest(request, target);
}

function golden(http: UpstreamHttpRequest): unknown {
  return { url: http.url, headers: http.headers, dropped: http.dropped ?? [], body: JSON.parse(http.body) };
}

function chat(fields: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'm',
    system: [],
    messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'Hi', signature: '' } }, cacheControlJson: '' }], name: '' }],
    tools: [],
    stream: false,
    includeUsage: false,
    droppedParams: [],
    ...fields,
  };
}

/** The agent turn without its stop sequence, which the Responses API cannot take. */
function agentTurn(): ChatRequest {
  const request = readIrFixture<ChatRequest>('agent-turn.ir.json');
  return { ...request, sampling: { ...request.sampling, stop: [] } };
}

describe(buildResponsesRequest.name, () => {
  // agent-turn: images, a tool loop with parallel calls, a named tool choice, a JSON schema,
  // sampling and penalties. reasoning-turn: an OpenAI client's developer message mid-way, cache
  // markers, reasoning from another provider (dropped), logprobs, "xhigh" effort verbatim.
  it.each([
    ['agent-turn', agentTurn, OPENAI, 'openai'],
    ['agent-turn', agentTurn, AZURE, 'azure-openai'],
    ['reasoning-turn', () => readIrFixture<ChatRequest>('reasoning-turn.ir.json'), OPENAI, 'openai'],
  ] as const)('writes %s for %s into the golden Responses request', (name, request, target, provider) => {
    const suffix = provider === 'openai' ? 'openai-responses' : 'azure-v1-responses';

    expect(golden(build(request(), target, provider))).toStrictEqual(readJsonFixture(`${name}.${suffix}.request.json`));
  });

  it('keeps Chat Completions for a deployment that does not ask for the Responses API', () => {
    const http = build(chat(), { ...OPENAI, options: {} });

    expect(http.url).toBe('https://api.openai.com/v1/chat/completions');
    expect(http.wire).toBeUndefined();
  });

  it('speaks the Responses API to OpenAI for a Responses-API client when the provider does not choose', () => {
    const meta = { requestId: 'r', tenantId: 't', keyId: 'k', endUserId: '', region: '', dialect: Dialect.DIALECT_OPENAI_RESPONSES, cacheMode: '', allowedRegions: [], clientRequestId: '' };
    const fromResponsesClient = chat({ meta });

    expect(build(fromResponsesClient, { ...OPENAI, options: {} }).url).toBe('https://api.openai.com/v1/responses');
    expect(build(fromResponsesClient, { ...OPENAI, options: { api: 'chat' } }).url).toBe('https://api.openai.com/v1/chat/completions');
    // Azure only on request: its Responses API exists in some regions and versions only.
    expect(build(fromResponsesClient, { ...AZURE, options: {} }, 'azure-openai').url).toMatch(/\/chat\/completions\?api-version=/);
    expect(build(chat({ meta: { ...meta, dialect: Dialect.DIALECT_OPENAI } }), { ...OPENAI, options: {} }).url).toBe('https://api.openai.com/v1/chat/completions');
  });

  it("forwards a Responses-API client's extras by the Responses passthrough table", () => {
    const extras = { prompt_cache_key: 'tenant-7', service_tier: 'priority', verbosity: 'high', top_logprobs: 3, truncation: 'auto', truncation_hint: 'x' };
    const http = build(chat({ extensions: { dialect: Dialect.DIALECT_OPENAI_RESPONSES, json: JSON.stringify(extras) } }));

    expect(JSON.parse(http.body)).toStrictEqual({
      prompt_cache_key: 'tenant-7',
      top_logprobs: 3,
      truncation: 'auto',
      model: 'gpt-4.1-2025-04-14',
      input: [{ role: 'user', content: 'Hi' }],
      text: { verbosity: 'high' },
      store: false,
    });
    expect(http.dropped).toStrictEqual(['service_tier', 'truncation_hint']);
  });

  it('streams without stream_options, never stores, and marks the request as a Responses one', () => {
    const http = build(chat({ stream: true, includeUsage: true }));

    expect(http).toMatchObject({ url: 'https://api.openai.com/v1/responses', wire: 'responses' });
    expect(JSON.parse(http.body)).toStrictEqual({ model: 'gpt-4.1-2025-04-14', input: [{ role: 'user', content: 'Hi' }], store: false, stream: true });
  });

  it('replays reasoning that came from a Responses upstream, by item id with its encrypted content', () => {
    const assistant = {
      role: Role.ROLE_ASSISTANT,
      name: '',
      content: [
        { part: { $case: 'reasoning' as const, value: { text: 'Call the tool.', signature: 'gAAAAABenc', redactedData: '', itemId: 'rs_1' } }, cacheControlJson: '' },
        { part: { $case: 'toolCall' as const, value: { id: 'call_1', name: 'f', argumentsJson: '{}', signature: '' } }, cacheControlJson: '' },
      ],
    };
    const tool = { role: Role.ROLE_TOOL, name: '', content: [{ part: { $case: 'toolResult' as const, value: { callId: 'call_1', name: 'f', content: [], isError: false } }, cacheControlJson: '' }] };

    const body = JSON.parse(build(chat({ messages: [...chat().messages, assistant, tool], reasoning: { effort: Reasoning_Effort.EFFORT_LOW } })).body);

    expect(body.input.slice(1)).toStrictEqual([
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Call the tool.' }], encrypted_content: 'gAAAAABenc' },
      { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_1', output: '' },
    ]);
    expect(body.reasoning).toStrictEqual({ effort: 'low', summary: 'auto' });
    expect(body.include).toStrictEqual(['reasoning.encrypted_content']);
  });

  it('asks for no reasoning summary when the provider says none', () => {
    const body = JSON.parse(build(chat({ reasoning: { effort: Reasoning_Effort.EFFORT_HIGH } }), { ...OPENAI, options: { api: 'responses', reasoningSummary: 'none' } }).body);

    expect(body.reasoning).toStrictEqual({ effort: 'high' });
  });

  it.each([
    ['stop sequences', chat({ sampling: { stop: ['END'] } }), 'stop'],
    ['n above 1', chat({ sampling: { stop: [], n: 2 } }), 'n'],
    ['max_tokens below 16', chat({ sampling: { stop: [], maxTokens: 8 } }), 'max_tokens'],
    [
      'audio input',
      chat({ messages: [{ role: Role.ROLE_USER, name: '', content: [{ part: { $case: 'audio', value: { data: 'AAAA', format: 'wav' } }, cacheControlJson: '' }] }] }),
      'messages',
    ],
    ['web_search_options the operator allowed', chat({ extensions: { dialect: Dialect.DIALECT_OPENAI, json: '{"web_search_options":{}}' } }), 'web_search_options'],
  ])('refuses %s, naming the field', (_, request, param) => {
    const target = { ...OPENAI, passthrough: { allow: ['web_search_options'] } };
    let error: unknown;
    try {
      build(request, target);
    } catch (err) {
      error = err;
    }

    expect(error).toBeInstanceOf(IrError);
    expect((error as IrError).toEvent().param).toBe(param);
  });

  it('drops and lists what the Responses API does not have', () => {
    const http = build(chat({ sampling: { stop: [], seed: 1, topK: 5, presencePenalty: 0.5, frequencyPenalty: 0.5 }, extensions: { dialect: Dialect.DIALECT_OPENAI, json: '{"logit_bias":{"50256":-100},"verbosity":"low"}' } }));

    expect(http.dropped).toStrictEqual(['logit_bias', 'top_k', 'seed', 'presence_penalty', 'frequency_penalty']);
    expect(JSON.parse(http.body).text).toStrictEqual({ verbosity: 'low' });
  });

  it.each([
    [{ api: 'responses' }, 'https://contoso-eu.openai.azure.com/openai/v1/responses'],
    [{ api: 'responses', apiVersion: 'v1' }, 'https://contoso-eu.openai.azure.com/openai/v1/responses'],
    [{ api: 'responses', apiVersion: '2025-04-01-preview' }, 'https://contoso-eu.openai.azure.com/openai/responses?api-version=2025-04-01-preview'],
  ])('addresses Azure with %j at %s, the deployment in the body and the api-key header', (options, url) => {
    const http = build(chat(), { ...AZURE, options }, 'azure-openai');

    expect({ url: http.url, headers: http.headers, model: JSON.parse(http.body).model }).toStrictEqual({ url, headers: { 'content-type': 'application/json', 'api-key': 'azure-key-1' }, model: 'gpt-5-mini-prod' });
  });

  it('treats the Responses API on an api-version without it, or on an OpenAI-compatible server, as a misconfiguration', () => {
    expect(() => build(chat(), { ...AZURE, options: { api: 'responses', apiVersion: '2024-10-21' } }, 'azure-openai')).toThrow('has no Responses API');
    expect(() => build(chat(), { ...OPENAI, options: { api: 'responses' } }, 'openai-compatible')).toThrow('options.api "responses" is not available');
  });
});
