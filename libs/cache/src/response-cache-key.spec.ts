import { parseAnthropicMessagesRequest, parseOpenAiChatRequest } from '@switchyard/dialects';
import { ChatRequest, Dialect, Reasoning_Effort, Role } from '@switchyard/ir';
import { canonicalChatRequest, responseCacheKey } from './response-cache-key';

// Equivalent bodies in two dialects: same model, system prompt, conversation (with an earlier
// tool call and its result), tools, max_tokens and sampling.
const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

const openAiBody = {
  model: 'claude-test',
  messages: [
    { role: 'system', content: 'Answer briefly.' },
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_01', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', tool_call_id: 'toolu_01', content: 'sunny, 21 C' },
  ],
  tools: [{ type: 'function', function: { name: 'weather', description: 'Current weather', parameters: weatherSchema } }],
  max_tokens: 200,
  temperature: 0.2,
  top_p: 0.9,
  stop: ['END'],
  stream: true,
  stream_options: { include_usage: true },
  user: 'end-user-1',
};

const anthropicBody = {
  model: 'claude-test',
  system: 'Answer briefly.',
  messages: [
    { role: 'user', content: 'Weather in Paris?' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'weather', input: { city: 'Paris' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'sunny, 21 C' }] },
  ],
  tools: [{ name: 'weather', description: 'Current weather', input_schema: weatherSchema }],
  max_tokens: 200,
  temperature: 0.2,
  top_p: 0.9,
  stop_sequences: ['END'],
  metadata: { user_id: 'end-user-2' },
};

const base: ChatRequest = {
  model: 'gpt-test',
  messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'Hello', signature: '' } }, cacheControlJson: '' }], name: '' }],
  sampling: { maxTokens: 100, temperature: 0.5, stop: [] },
  system: [],
  tools: [],
  stream: false,
  includeUsage: false,
  droppedParams: [],
};
const key = (request: ChatRequest, tenant = 'acme') => responseCacheKey(tenant, request);

describe('responseCacheKey', () => {
  it('is the same for the same question asked through the OpenAI and the Anthropic dialect', () => {
    const fromOpenAi = parseOpenAiChatRequest(openAiBody);
    const fromAnthropic = parseAnthropicMessagesRequest(anthropicBody);
    // The parsed requests really differ in what the key must ignore.
    expect(fromOpenAi.meta?.dialect).toBe(Dialect.DIALECT_OPENAI);
    expect(fromAnthropic.meta?.dialect).toBe(Dialect.DIALECT_ANTHROPIC);
    expect(fromOpenAi.stream).toBe(true);
    expect(fromAnthropic.stream).toBe(false);

    // What is hashed, decoded back (proto defaults such as isError: false equal absence), so a
    // difference shows field by field.
    const hashed = (r: ChatRequest) => ChatRequest.decode(ChatRequest.encode(canonicalChatRequest(r)).finish());
    expect(hashed(fromOpenAi)).toEqual(hashed(fromAnthropic));
    expect(key(fromOpenAi)).toBe(key(fromAnthropic));
  });

  it("ignores a forwarded anthropic-version (the wire format) but not anthropic-beta (what the upstream does)", () => {
    const fromOpenAi = parseOpenAiChatRequest(openAiBody);
    const fromAnthropic = parseAnthropicMessagesRequest(anthropicBody);
    const version = { headers: [{ name: 'anthropic-version', value: '2023-06-01' }] };
    const beta = { headers: [{ name: 'anthropic-beta', value: 'context-1m-2025-08-07' }, { name: 'anthropic-version', value: '2023-06-01' }] };
    expect(key({ ...fromAnthropic, vendorHeaders: version })).toBe(key(fromOpenAi));
    expect(key({ ...fromAnthropic, vendorHeaders: beta })).not.toBe(key(fromOpenAi));
  });

  it('has the namespaced, tenant-scoped shape sy:rc:v1:{tenant}:{sha256 hex}', () => {
    expect(key(base, 'tenant-7')).toMatch(/^sy:rc:v1:tenant-7:[0-9a-f]{64}$/);
  });

  it('ignores request metadata, streaming, usage reporting, dropped params and prompt-caching markers', () => {
    const noisy: ChatRequest = {
      ...base,
      messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'Hello', signature: '' } }, cacheControlJson: '{"type":"ephemeral"}' }], name: '' }],
      stream: true,
      includeUsage: true,
      droppedParams: ['logit_bias'],
      meta: { requestId: 'r-1', tenantId: 'acme', keyId: 'k-1', endUserId: 'u', region: 'eu', dialect: Dialect.DIALECT_GEMINI, cacheMode: 'no-cache', allowedRegions: ['eu'], clientRequestId: '' },
      extensions: { dialect: Dialect.DIALECT_GEMINI, json: '' },
    };
    expect(key(noisy)).toBe(key(base));
  });

  it('treats defaults as absent: n 1, logprobs false, auto tool choice, text format, empty reasoning, stop order', () => {
    const explicit: ChatRequest = {
      ...base,
      sampling: { ...base.sampling!, n: 1, logprobs: false, topLogprobs: 3, stop: ['b', 'a', 'b'] },
      toolChoice: { mode: 1, name: '', disableParallel: false },
      responseFormat: { type: 1, schemaName: '', schemaJson: '', strict: false },
      reasoning: { effort: Reasoning_Effort.EFFORT_UNSPECIFIED },
    };
    expect(key(explicit)).toBe(key({ ...base, sampling: { ...base.sampling!, stop: ['a', 'b'] } }));
    expect(key({ ...base, sampling: undefined })).toBe(key({ ...base, sampling: { stop: [] } }));
  });

  it('differs between tenants, models, messages, sampling, tool-call ids and non-empty extensions', () => {
    const reference = key(base);
    const variants: Array<[string, string]> = [
      ['tenant', key(base, 'other-tenant')],
      ['model', key({ ...base, model: 'gpt-other' })],
      ['message text', key({ ...base, messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'Hello!', signature: '' } }, cacheControlJson: '' }], name: '' }] })],
      ['role', key({ ...base, messages: [{ ...base.messages![0], role: Role.ROLE_ASSISTANT }] })],
      ['system', key({ ...base, system: [{ part: { $case: 'text', value: { text: 'Be brief.', signature: '' } }, cacheControlJson: '' }] })],
      ['temperature', key({ ...base, sampling: { ...base.sampling!, temperature: 0.6 } })],
      ['max tokens', key({ ...base, sampling: { ...base.sampling!, maxTokens: 101 } })],
      ['seed', key({ ...base, sampling: { ...base.sampling!, seed: 1 } })],
      ['n', key({ ...base, sampling: { ...base.sampling!, n: 2 } })],
      ['logprobs', key({ ...base, sampling: { ...base.sampling!, logprobs: true } })],
      ['extensions', key({ ...base, extensions: { dialect: Dialect.DIALECT_OPENAI, json: '{"logit_bias":{"1":5}}' } })],
      ['named tool choice', key({ ...base, toolChoice: { mode: 4, name: 'weather', disableParallel: false } })],
    ];
    for (const [what, k] of variants) expect({ what, same: k === reference }).toEqual({ what, same: false });
    expect(new Set(variants.map(([, k]) => k)).size).toBe(variants.length);

    const withCall = (id: string) => parseOpenAiChatRequest({ ...openAiBody, messages: openAiBody.messages.map((m) => (m.role === 'tool' ? { ...m, tool_call_id: id } : m.role === 'assistant' ? { ...m, tool_calls: [{ ...m.tool_calls![0], id }] } : m)) });
    expect(key(withCall('call_a'))).not.toBe(key(withCall('call_b')));
  });

  it('keeps the caller request untouched and copies only what it normalises', () => {
    const marked: ChatRequest = { ...base, tools: [{ name: 't', parametersJson: '{}', cacheControlJson: '{"type":"ephemeral"}', description: '', strict: false }] };
    const before = structuredClone(marked);
    const canonical = canonicalChatRequest(marked);
    expect(marked).toEqual(before);
    expect(canonical.tools).toEqual([{ name: 't', parametersJson: '{}', cacheControlJson: '', description: '', strict: false }]);
    expect(canonical.messages![0]).toBe(base.messages![0]);
  });
});
