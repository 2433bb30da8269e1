import { ProviderSimulator } from '@switchyard/testing';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningApp, SIMULATOR_OUTBOUND_ENV, freePort, startApp, waitForReady } from './support/process-harness';
import { writeConfigFile } from './support/standalone-on-postgres';

// The sample config `npm run demo` serves (switchyard.example.yaml), with its simulator's address
// swapped for this test's own (the demo's :9000 may be taken): a newcomer's first requests, in
// the OpenAI and the Anthropic dialect, each answered through its own provider family.

const ROOT = join(__dirname, '..', '..');
const DEMO_KEY = 'sk-demo-switchyard-local-demo-key';

describe('the demo config (switchyard.example.yaml, standalone, embedded database)', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let baseUrl = '';

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    const config = readFileSync(join(ROOT, 'switchyard.example.yaml'), 'utf8').replaceAll('http://127.0.0.1:9000', sim.url);
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    app = startApp('standalone', {
      SWITCHYARD_CONFIG: writeConfigFile(config), PORT: String(port), HOST: '127.0.0.1', SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sy-demo-data-')), ...SIMULATOR_OUTBOUND_ENV,
    });
    await waitForReady(baseUrl, app, 90_000);
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
  });

  beforeEach(() => sim.reset());

  it('lists an OpenAI-compatible and an Anthropic-family model to the demo key', async () => {
    const openai = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: DEMO_KEY, maxRetries: 0 });
    const models = [];
    for await (const m of openai.models.list()) models.push(m.id);
    expect(models.sort()).toEqual(['demo-claude', 'demo-model']);
  });

  it('answers an Anthropic client on demo-claude through the Anthropic provider, forwarding its anthropic-beta', async () => {
    const anthropic = new Anthropic({ baseURL: baseUrl, apiKey: DEMO_KEY, maxRetries: 0 });

    const answer = await anthropic.messages.create({ model: 'demo-claude', max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] }, { headers: { 'anthropic-beta': 'output-128k-2025-02-19' } });

    expect(answer).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text', text: expect.any(String) }] });
    const sent = sim.requests.find((r) => r.path === '/v1/messages');
    expect(sent?.headers['anthropic-beta']).toBe('output-128k-2025-02-19');
    expect((sent?.body as { model?: string } | undefined)?.model).toBe('sim-claude-small');
  });

  it('still answers the OpenAI quick start on demo-model', async () => {
    const openai = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: DEMO_KEY, maxRetries: 0 });
    const answer = await openai.chat.completions.create({ model: 'demo-model', messages: [{ role: 'user', content: 'Hello' }] });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    expect(sim.requests.map((r) => r.path)).toEqual(['/v1/chat/completions']);
  });
});
