import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { DEFAULT_CONTENT, ProviderSimulator, type RecordedRequest } from '@switchyard/testing';
import { AdminClient } from './support/admin-client';
import { type RunningApp, eventually, freePort, startApp, waitForReady, SIMULATOR_OUTBOUND_ENV } from './support/process-harness';

// Issue 10, findings 6 (request sizes) and 7 (unmodelled fields forwarded with the operator's
// key), through the real standalone server and the official SDKs. Each family has a provider
// on its passthrough defaults and one whose policy allows the fields under test, both served by
// one ProviderSimulator, which records what it received.

const KEY = 'sk-test-hardening-limits-0123456789';
const ADMIN_TOKEN = 'admin-token-hardening-limits-0123456789';
const DROPPED = 'x-switchyard-dropped-params';

/** Public model → upstream model (distinct, so each recorded request names its deployment). */
const M = {
  openai: { public: 'h-openai', upstream: 'gpt-h-default' },
  openaiOpen: { public: 'h-openai-open', upstream: 'gpt-h-open' },
  openaiAdmin: { public: 'h-openai-admin', upstream: 'gpt-h-admin' },
  anthropic: { public: 'h-anthropic', upstream: 'claude-h-default' },
  anthropicOpen: { public: 'h-anthropic-open', upstream: 'claude-h-open' },
  gemini: { public: 'h-gemini', upstream: 'gemini-2.5-flash-h-default' },
  geminiOpen: { public: 'h-gemini-open', upstream: 'gemini-2.5-flash-h-open' },
  openaiEmbed: { public: 'h-embed', upstream: 'text-embedding-h' },
  geminiEmbed: { public: 'h-gemini-embed', upstream: 'gemini-embedding-h' },
} as const;

function writeConfig(sim: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sy-hardening-limits-')), 'switchyard.yaml');
  const model = (m: { public: string; upstream: string }, provider: string) => `  - { name: ${m.public}, deployments: [{ provider: ${provider}, model: ${m.upstream} }] }\n`;
  writeFileSync(
    path,
    // seed: the admin API owns what the file created, so a test may PATCH openai-admin below.
    `configOwnership: seed
routing: { retries: 0, timeouts: { connectMs: 2000, firstTokenMs: 5000, totalMs: 20000 } }
providers:
  - { id: openai, type: openai, baseUrl: '${sim}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
  - { id: openai-open, type: openai, baseUrl: '${sim}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY], passthrough: { allow: [service_tier, web_search_options] } }
  - { id: openai-admin, type: openai, baseUrl: '${sim}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
  - { id: anthropic, type: anthropic, baseUrl: '${sim}', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
  - { id: anthropic-open, type: anthropic, baseUrl: '${sim}', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY], passthrough: { allow: [mcp_servers, container, workspace_id] } }
  - { id: gemini, type: gemini, baseUrl: '${sim}', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
  - { id: gemini-open, type: gemini, baseUrl: '${sim}', apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY], passthrough: { allow: [tools.googleSearch, cachedContent] } }
models:
${model(M.openai, 'openai')}${model(M.openaiOpen, 'openai-open')}${model(M.openaiAdmin, 'openai-admin')}${model(M.anthropic, 'anthropic')}${model(M.anthropicOpen, 'anthropic-open')}${model(M.gemini, 'gemini')}${model(M.geminiOpen, 'gemini-open')}${model(M.openaiEmbed, 'openai')}${model(M.geminiEmbed, 'gemini')}tenants:
  - id: hostile
    keys:
      - { key: env:TENANT_KEY }
`,
  );
  return path;
}

/** The recorded upstream request for an upstream model (in its body, or in a Gemini URL). */
function received(sim: ProviderSimulator, upstream: string): RecordedRequest[] {
  return sim.requests.filter((r) => r.path.includes(`/models/${upstream}:`) || (r.body as { model?: string } | undefined)?.model === upstream);
}

/** The error an SDK call threw (the SDKs throw on every non-2xx answer). */
async function failure(call: () => Promise<unknown>): Promise<Error & { status?: number }> {
  try {
    await call();
  } catch (err) {
    return err as Error & { status?: number };
  }
  throw new Error('the call succeeded');
}

describe('hardening: request limits and passthrough policy (issue 10, findings 6 and 7)', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let baseUrl = '';
  let openai: OpenAI;
  let anthropic: Anthropic;
  let gemini: GoogleGenAI;

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    app = startApp('standalone', {
      ...SIMULATOR_OUTBOUND_ENV,
      SWITCHYARD_CONFIG: writeConfig(sim.url),
      SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sy-hardening-limits-db-')),
      SWITCHYARD_ADMIN_TOKEN: ADMIN_TOKEN,
      SWITCHYARD_UPSTREAM_SIM_KEY: 'sk-upstream-operator',
      TENANT_KEY: KEY,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    await waitForReady(baseUrl, app);
    openai = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: KEY, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: baseUrl, apiKey: KEY, maxRetries: 0 });
    // Inside Jest the genai SDK must be handed fetch explicitly (it does not find the global one).
    gemini = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl, fetch: (input, init) => fetch(input, init) } });
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
  });

  beforeEach(() => sim.reset());

  describe('request limits', () => {
    const inputs = (n: number) => Array.from({ length: n }, (_, i) => `document ${i}`);

    it('refuses 8,000 embeddings inputs with a 400 in the OpenAI dialect naming the limit, without calling the upstream', async () => {
      const err = await failure(() => openai.embeddings.create({ model: M.openaiEmbed.public, input: inputs(8000) }));

      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err).toMatchObject({ status: 400, param: 'input', type: 'invalid_request_error' });
      expect(err.message).toContain('at most 2048 inputs per embeddings request, got 8000');
      expect(sim.requests).toEqual([]);
    });

    it('refuses an 8,000-request batchEmbedContents with a 400 in the Gemini dialect, without calling the upstream', async () => {
      const err = await failure(() => gemini.models.embedContent({ model: M.geminiEmbed.public, contents: inputs(8000) }));

      expect(err.status).toBe(400);
      expect(err.message).toContain('INVALID_ARGUMENT');
      expect(err.message).toContain('requests: this gateway accepts at most 2048 inputs per embeddings request, got 8000');
      expect(sim.requests).toEqual([]);
    });

    it('still serves an embeddings call at the limit', async () => {
      // Small vectors: 2,048 of the model's default size would make a 30 MB answer to no purpose.
      const answer = await openai.embeddings.create({ model: M.openaiEmbed.public, input: inputs(2048), dimensions: 8, encoding_format: 'float' });

      expect(answer.data).toHaveLength(2048);
    });

    it('refuses a request asking for more tokens than the ceiling as context_length_exceeded, before the upstream', async () => {
      const err = await failure(() => openai.chat.completions.create({ model: M.openai.public, max_tokens: 30_000_000, messages: [{ role: 'user', content: 'Hi' }] }));

      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err).toMatchObject({ status: 400, code: 'context_length_exceeded' });
      expect(err.message).toContain("more than this gateway's limit of 20000000 tokens per request");
      expect(sim.requests).toEqual([]);
    });

    it('refuses it in the Anthropic dialect too', async () => {
      // With a timeout of its own, the SDK does not refuse a large non-streaming max_tokens itself.
      const err = await failure(() => anthropic.messages.create({ model: M.anthropic.public, max_tokens: 30_000_000, messages: [{ role: 'user', content: 'Hi' }] }, { timeout: 30_000 }));

      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      expect(err.message).toContain('limit of 20000000 tokens per request');
      expect(sim.requests).toEqual([]);
    });
  });

  describe('OpenAI passthrough', () => {
    it('drops service_tier "priority" by default and lists it', async () => {
      const { data, response } = await openai.chat.completions
        .create({ model: M.openai.public, service_tier: 'priority', messages: [{ role: 'user', content: 'Hi' }] })
        .withResponse();

      expect(data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
      expect(response.headers.get(DROPPED)).toBe('service_tier');
      expect(received(sim, M.openai.upstream)[0]?.body).not.toHaveProperty('service_tier');
    });

    it('refuses web_search_options by default, naming it, without calling the upstream', async () => {
      const err = await failure(() => openai.chat.completions.create({ model: M.openai.public, web_search_options: {}, messages: [{ role: 'user', content: 'Hi' }] }));

      expect(err).toMatchObject({ status: 400, param: 'web_search_options' });
      expect(received(sim, M.openai.upstream)).toEqual([]);
    });

    it('refuses web_search_options on a stream as a plain 400, before any event', async () => {
      const err = await failure(() => openai.chat.completions.create({ model: M.openai.public, stream: true, web_search_options: {}, messages: [{ role: 'user', content: 'Hi' }] }));

      expect(err).toMatchObject({ status: 400, param: 'web_search_options' });
      expect(received(sim, M.openai.upstream)).toEqual([]);
    });

    it('forwards both to a provider whose policy allows them', async () => {
      const { response } = await openai.chat.completions
        .create({ model: M.openaiOpen.public, service_tier: 'priority', web_search_options: {}, messages: [{ role: 'user', content: 'Hi' }] })
        .withResponse();

      expect(response.headers.get(DROPPED)).toBeNull();
      expect(received(sim, M.openaiOpen.upstream)[0]?.body).toMatchObject({ service_tier: 'priority', web_search_options: {} });
    });

    it('forwards service_tier once the operator allows it through the admin API', async () => {
      const admin = new AdminClient(baseUrl, ADMIN_TOKEN);
      await admin.ok('PATCH', '/providers/openai-admin', { passthrough: { allow: ['service_tier'] } });

      // The catalogue reloads on the change announcement; until it has, the old policy answers.
      await eventually(async () => {
        sim.reset();
        await openai.chat.completions.create({ model: M.openaiAdmin.public, service_tier: 'priority', messages: [{ role: 'user', content: 'Hi' }] });
        expect(received(sim, M.openaiAdmin.upstream)[0]?.body).toMatchObject({ service_tier: 'priority' });
      });
      expect((await admin.ok<{ passthrough: unknown }>('GET', '/providers/openai-admin')).passthrough).toEqual({ allow: ['service_tier'] });
    });
  });

  describe('Anthropic passthrough', () => {
    const ask = (model: string, extra: Record<string, unknown>) =>
      anthropic.messages.create({ model, max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }], ...extra } as Anthropic.MessageCreateParamsNonStreaming).withResponse();
    const MCP = { mcp_servers: [{ type: 'url', url: 'https://attacker.example/mcp', name: 'exfil' }] };

    it.each([
      ['mcp_servers', MCP],
      ['container', { container: 'container_011CZ-another-tenant' }],
    ])('refuses %s by default, naming it, without calling the upstream', async (param, extra) => {
      const err = await failure(() => ask(M.anthropic.public, extra));

      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      expect(err.message).toContain(`${param}: this gateway does not forward this field`);
      expect(received(sim, M.anthropic.upstream)).toEqual([]);
    });

    // The SDK sends workspace_id as the anthropic-workspace-id header, which the gateway never
    // forwards; the body field (which the Messages API also takes) is sent as raw HTTP.
    const raw = (model: string, extra: Record<string, unknown>) =>
      fetch(`${baseUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
        body: JSON.stringify({ model, max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }], ...extra }),
      });

    it('drops a workspace_id body field by default and lists it', async () => {
      const res = await raw(M.anthropic.public, { workspace_id: 'wrkspc_operator_other' });

      expect(res.status).toBe(200);
      expect(res.headers.get(DROPPED)).toBe('workspace_id');
      expect(received(sim, M.anthropic.upstream)[0]?.body).not.toHaveProperty('workspace_id');
    });

    it("never forwards the SDK's workspace header", async () => {
      await ask(M.anthropic.public, { workspace_id: 'wrkspc_operator_other' });

      expect(received(sim, M.anthropic.upstream)[0]?.headers).not.toHaveProperty('anthropic-workspace-id');
    });

    it('forwards mcp_servers, container and workspace_id to a provider whose policy allows them', async () => {
      const { response } = await ask(M.anthropicOpen.public, { ...MCP, container: 'container_011CZ' });
      const res = await raw(M.anthropicOpen.public, { workspace_id: 'wrkspc_1' });

      expect(response.headers.get(DROPPED)).toBeNull();
      expect(res.headers.get(DROPPED)).toBeNull();
      const [first, second] = received(sim, M.anthropicOpen.upstream);
      expect(first?.body).toMatchObject({ ...MCP, container: 'container_011CZ' });
      expect(second?.body).toMatchObject({ workspace_id: 'wrkspc_1' });
    });
  });

  describe('Gemini passthrough', () => {
    it.each([
      ['tools.googleSearch', { tools: [{ googleSearch: {} }] }],
      ['cachedContent', { cachedContent: 'cachedContents/another-tenants-context' }],
    ])('refuses %s by default, naming it, without calling the upstream', async (param, config) => {
      const err = await failure(() => gemini.models.generateContent({ model: M.gemini.public, contents: 'Hi', config }));

      expect(err.status).toBe(400);
      expect(err.message).toContain(`${param}: this gateway does not forward this field`);
      expect(received(sim, M.gemini.upstream)).toEqual([]);
    });

    it('refuses googleSearch asked of a model another family serves, which cannot run it either', async () => {
      const err = await failure(() => gemini.models.generateContent({ model: M.openai.public, contents: 'Hi', config: { tools: [{ googleSearch: {} }] } }));

      expect(err.status).toBe(400);
      expect(err.message).toContain('tools.googleSearch: the upstream serving this model cannot take this field');
      expect(received(sim, M.openai.upstream)).toEqual([]);
    });

    it('forwards googleSearch and cachedContent to a provider whose policy allows them', async () => {
      const answer = await gemini.models.generateContent({
        model: M.geminiOpen.public,
        contents: 'Hi',
        config: { tools: [{ googleSearch: {} }], cachedContent: 'cachedContents/ours' },
      });

      expect(answer.text).toBe(DEFAULT_CONTENT);
      expect(answer.sdkHttpResponse?.headers?.[DROPPED]).toBeUndefined();
      expect(received(sim, M.geminiOpen.upstream)[0]?.body).toMatchObject({ tools: [{ googleSearch: {} }], cachedContent: 'cachedContents/ours' });
    });
  });
});
