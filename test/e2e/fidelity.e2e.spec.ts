import OpenAI from 'openai';
import { DEFAULT_CONTENT, ProviderSimulator, type RecordedRequest } from '@switchyard/testing';
import { RESILIENCE_KEYS, type ResilienceGateway, closedPortUrl, removeGatewayTemplate, sdkFailure, startResilienceGateway, triesOf } from './support/resilience-harness';

// Issue 17, pass-through fidelity, through the official SDKs against a standalone gateway and
// the provider simulator. Each case compares both ends: what the client sent with what the
// simulator recorded, and what the simulator answered with what the client got.
// - a model with a single deployment gets routing.retries on 5xx and connection errors;
// - vendor headers (anthropic-beta, anthropic-version, openai-beta) reach an upstream of the
//   client's own family, never another's, and never the client's credential or organisation;
// - the upstream's own response id and content blocks come back on a same-family route;
// - max_tokens reaches an OpenAI-family upstream under the name the client gave it, or the one
//   name the vendor knows.

const user = (content: string) => [{ role: 'user' as const, content }];

/** The chat requests the simulator received for `upstreamModel`, oldest first. */
function callsTo(sim: ProviderSimulator, upstreamModel: string): RecordedRequest[] {
  return sim.requests.filter((r) => typeof r.body === 'object' && r.body !== null && (r.body as Record<string, unknown>)['model'] === upstreamModel);
}

function lastCallTo(sim: ProviderSimulator, upstreamModel: string): RecordedRequest {
  const calls = callsTo(sim, upstreamModel);
  const last = calls[calls.length - 1];
  if (!last) throw new Error(`the simulator received no request for ${upstreamModel}`);
  return last;
}

afterAll(() => removeGatewayTemplate());

describe('pass-through fidelity', () => {
  let sim: ProviderSimulator;
  let gw: ResilienceGateway;

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    const refused = await closedPortUrl();
    gw = await startResilienceGateway(`routing:
  retries: 2
  timeouts: { connectMs: 1000, firstTokenMs: 5000, idleMs: 5000, totalMs: 20000 }
  retryBudget: { ratio: 1, minPerSecond: 100 }
providers:
  - { id: sim-openai, type: openai, baseUrl: '${sim.url}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_A], options: { organization: org-operator } }
  - { id: sim-deepseek, type: openai-compatible, baseUrl: '${sim.url}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_A], options: { vendor: deepseek } }
  - { id: sim-anthropic, type: anthropic, baseUrl: '${sim.url}', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_B] }
  - { id: refused, type: openai, baseUrl: '${refused}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_A] }
models:
  - name: solo
    deployments: [{ provider: sim-openai, model: solo-up }]
  - name: solo-refused
    deployments: [{ provider: refused, model: refused-up }]
  - name: gpt
    deployments: [{ provider: sim-openai, model: gpt-up }]
  - name: deepseek
    deployments: [{ provider: sim-deepseek, model: deepseek-chat }]
  - name: claude
    deployments: [{ provider: sim-anthropic, model: claude-up }]
`);
  });

  afterAll(async () => {
    await gw?.stop();
    await sim?.close();
  });

  describe('a model with a single deployment', () => {
    it('is retried on that deployment after 500 and 502, and the client gets the third answer', async () => {
      sim.script({ match: { model: 'solo-up' }, error: { status: 500 } });
      sim.script({ match: { model: 'solo-up' }, error: { status: 502 } });

      const answer = await gw.openai().chat.completions.create({ model: 'solo', messages: user('retry me') }).withResponse();

      expect(answer.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
      expect(callsTo(sim, 'solo-up')).toHaveLength(3);
      expect(triesOf(answer.response.headers)).toEqual(['sim-openai/solo upstream_error 500', 'sim-openai/solo upstream_error 502', 'sim-openai/solo ok']);
    });

    it('is retried routing.retries times on a refused connection, then the client gets a 5xx', async () => {
      const failure = await sdkFailure(gw.openai().chat.completions.create({ model: 'solo-refused', messages: user('nobody home') }));

      expect(failure.status).toBeGreaterThanOrEqual(500);
      expect(triesOf(failure.headers)).toEqual(['refused/solo-refused upstream_unavailable', 'refused/solo-refused upstream_unavailable', 'refused/solo-refused upstream_unavailable']);
    });
  });

  describe('vendor headers', () => {
    it("reach an Anthropic upstream from an Anthropic client as sent (the SDK's betas and version), with the gateway's upstream key", async () => {
      await gw.anthropic().beta.messages.create({ model: 'claude', max_tokens: 32, messages: user('beta please'), betas: ['context-management-2025-06-27', 'interleaved-thinking-2025-05-14'] });

      const got = lastCallTo(sim, 'claude-up');
      expect(got.headers['anthropic-beta']).toBe('context-management-2025-06-27,interleaved-thinking-2025-05-14');
      expect(got.headers['anthropic-version']).toBe('2023-06-01');
      expect(got.headers['x-api-key']).toBe(RESILIENCE_KEYS.upstreamB);
      expect(got.headers['authorization']).toBeUndefined();
    });

    it("do not reach an upstream of another family: an OpenAI client's anthropic-beta and OpenAI-Beta stay behind", async () => {
      await gw.openai().chat.completions.create({ model: 'claude', messages: user('cross') }, { headers: { 'anthropic-beta': 'context-1m-2025-08-07', 'OpenAI-Beta': 'assistants=v2' } });

      const got = lastCallTo(sim, 'claude-up');
      expect(got.headers['anthropic-beta']).toBeUndefined();
      expect(got.headers['openai-beta']).toBeUndefined();
    });

    it("OpenAI-Beta reaches an OpenAI upstream; the client's organisation and project do not (the deployment's organisation does)", async () => {
      const client = new OpenAI({ baseURL: `${gw.baseUrl}/v1`, apiKey: RESILIENCE_KEYS.acme, maxRetries: 0, organization: 'org-tenant', project: 'proj_tenant' });

      await client.chat.completions.create({ model: 'gpt', messages: user('org') }, { headers: { 'OpenAI-Beta': 'assistants=v2' } });

      const got = lastCallTo(sim, 'gpt-up');
      expect(got.headers['openai-beta']).toBe('assistants=v2');
      expect(got.headers['openai-organization']).toBe('org-operator');
      expect(got.headers['openai-project']).toBeUndefined();
      expect(got.headers['authorization']).toBe(`Bearer ${RESILIENCE_KEYS.upstreamA}`);
    });
  });

  describe("the upstream's own id and content blocks", () => {
    it('an Anthropic client gets the Anthropic message id and its blocks in the order and types the upstream sent (JSON)', async () => {
      sim.script({ match: { model: 'claude-up' }, reasoning: 'Weighing it.', reasoningSignature: 'c2lnLWZpZGVsaXR5', content: 'Checking the weather.', toolCalls: [{ id: 'toolu_fid1', name: 'get_weather', arguments: { city: 'Paris' } }] });

      const message = await gw.anthropic().messages.create({
        model: 'claude',
        max_tokens: 2048,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
        messages: user('Weather in Paris?'),
      });

      const got = lastCallTo(sim, 'claude-up');
      expect(message.id).toBe(`msg_sim${got.id}`);
      expect(message.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use']);
      expect(message.content[0]).toMatchObject({ type: 'thinking', thinking: 'Weighing it.', signature: 'c2lnLWZpZGVsaXR5' });
      expect(message.content[2]).toMatchObject({ type: 'tool_use', id: 'toolu_fid1', name: 'get_weather', input: { city: 'Paris' } });
    });

    it('an Anthropic client gets the Anthropic message id when streaming', async () => {
      const stream = gw.anthropic().messages.stream({ model: 'claude', max_tokens: 64, messages: user('stream id') });
      const message = await stream.finalMessage();

      expect(message.id).toBe(`msg_sim${lastCallTo(sim, 'claude-up').id}`);
      expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: DEFAULT_CONTENT })]);
    });

    it('an OpenAI client gets the chat completion id the OpenAI upstream sent, JSON and streamed', async () => {
      const completion = await gw.openai().chat.completions.create({ model: 'gpt', messages: user('json id') });
      expect(completion.id).toBe(`chatcmpl-sim${lastCallTo(sim, 'gpt-up').id}`);

      const stream = await gw.openai().chat.completions.create({ model: 'gpt', messages: user('stream id'), stream: true });
      const ids = new Set<string>();
      for await (const chunk of stream) ids.add(chunk.id);
      expect([...ids]).toEqual([`chatcmpl-sim${lastCallTo(sim, 'gpt-up').id}`]);
    });

    it("across families the client gets the gateway's id in its own form, never the other vendor's", async () => {
      const completion = await gw.openai().chat.completions.create({ model: 'claude', messages: user('cross id') }).withResponse();
      expect(completion.data.id).toBe(`chatcmpl-${completion.response.headers.get('x-request-id')}`);

      const message = await gw.anthropic().messages.create({ model: 'gpt', max_tokens: 32, messages: user('cross id') }).withResponse();
      expect(message.data.id).toBe(`msg_${message.response.headers.get('x-request-id')}`);
    });
  });

  describe('max_tokens', () => {
    it('reaches OpenAI under the name the client used', async () => {
      await gw.openai().chat.completions.create({ model: 'gpt', messages: user('old name'), max_tokens: 21 });
      expect(lastCallTo(sim, 'gpt-up').body).toMatchObject({ max_tokens: 21 });
      expect(lastCallTo(sim, 'gpt-up').body).not.toHaveProperty('max_completion_tokens');

      await gw.openai().chat.completions.create({ model: 'gpt', messages: user('new name'), max_completion_tokens: 22 });
      expect(lastCallTo(sim, 'gpt-up').body).toMatchObject({ max_completion_tokens: 22 });
      expect(lastCallTo(sim, 'gpt-up').body).not.toHaveProperty('max_tokens');
    });

    it('reaches DeepSeek, which knows only max_tokens, as max_tokens whatever the client called it', async () => {
      await gw.openai().chat.completions.create({ model: 'deepseek', messages: user('old name'), max_tokens: 23 });
      expect(lastCallTo(sim, 'deepseek-chat').body).toMatchObject({ max_tokens: 23 });

      await gw.openai().chat.completions.create({ model: 'deepseek', messages: user('new name'), max_completion_tokens: 24 });
      expect(lastCallTo(sim, 'deepseek-chat').body).toMatchObject({ max_tokens: 24 });
      expect(lastCallTo(sim, 'deepseek-chat').body).not.toHaveProperty('max_completion_tokens');
    });
  });
});
