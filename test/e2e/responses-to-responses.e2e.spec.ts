import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { DEFAULT_CONTENT, ProviderSimulator } from '@switchyard/testing';
import { GATEWAY_SECRETS, TEST_KEY } from './support/gateway-config';
import { createTestDatabase } from './support/postgres-harness';
import { RunningApp, freePort, startApp, waitForReady } from './support/process-harness';

describe('a Responses client reaching an openai provider with no api option: the upstream speaks the Responses wire', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: OpenAI;
  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    db = await createTestDatabase('sy_resp_to_resp');
    const path = join(mkdtempSync(join(tmpdir(), 'sy-r2r-')), 'switchyard.yaml');
    writeFileSync(path, `server: { port: 8080 }
routing: { retries: 0 }
providers:
  - { id: sim, type: openai, baseUrl: ${sim.url}/v1, apiKeys: [env:SWITCHYARD_UPSTREAM_SIM_KEY] }
models:
  - { name: gpt-x, deployments: [{ provider: sim, model: o4-mini }] }
tenants:
  - id: acme
    keys:
      - { key: env:ACME_KEY, models: ['gpt-*'] }
`);
    const port = await freePort();
    app = startApp('standalone', { ...GATEWAY_SECRETS, SWITCHYARD_CONFIG: path, DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1' });
    await waitForReady(`http://127.0.0.1:${port}`, app, 120_000);
    client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: TEST_KEY, maxRetries: 0 });
  });
  afterAll(async () => {
    await app?.stop();
    await sim?.close();
    await db?.drop();
  });

  it('a JSON answer goes through /v1/responses upstream, never stored there', async () => {
    const r = await client.responses.create({ model: 'gpt-x', instructions: 'Be brief.', input: 'Hi', store: false });
    expect(r.output_text).toBe(DEFAULT_CONTENT);
    expect(sim.requests.at(-1)).toMatchObject({ path: '/v1/responses', body: { instructions: 'Be brief.', store: false } });
  });

  it('a stream goes through /v1/responses upstream', async () => {
    const final = await client.responses.stream({ model: 'gpt-x', input: 'Hi' }).finalResponse();
    expect(final.output[0]).toMatchObject({ type: 'message' });
    expect(sim.requests.at(-1)).toMatchObject({ path: '/v1/responses', body: { stream: true } });
  });

  it('a tool loop continued by previous_response_id sends the upstream its own reasoning item back', async () => {
    sim.script({ reasoning: 'Use the tool.', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] });
    const tools: OpenAI.Responses.Tool[] = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }];
    const first = await client.responses.create({ model: 'gpt-x', input: 'Weather?', tools, reasoning: { effort: 'low', summary: 'auto' } });
    const call = first.output.find((o) => o.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error('no call');
    const second = await client.responses.create({ model: 'gpt-x', previous_response_id: first.id, input: [{ type: 'function_call_output', call_id: call.call_id, output: 'sunny' }], tools, reasoning: { effort: 'low' } });
    expect(second.output_text).toBe(DEFAULT_CONTENT);
    expect(first.output[0]).toMatchObject({ type: 'reasoning', id: expect.stringMatching(/^rs_sim/) });
    expect((sim.requests.at(-1)?.body as { input: unknown[] }).input[1]).toMatchObject({ type: 'reasoning', id: first.output[0]?.id, encrypted_content: expect.any(String) });
  });
});
