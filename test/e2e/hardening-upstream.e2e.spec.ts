import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderSimulator, type SimulatedProvider } from '@switchyard/testing';
import { type RunningApp, freePort, startApp, waitForReady, SIMULATOR_OUTBOUND_ENV } from './support/process-harness';

// Issue 10, findings 4 and 6, through the real standalone server and the official SDKs:
// - an upstream 401 whose body holds the operator's upstream key and an internal URL reaches the
//   tenant as a fixed text that blames the gateway, in JSON and in streams, in all three
//   dialects, and the key is nowhere in what the tenant receives (it is in no log either);
// - an oversized JSON answer and an endless stream (a model that never stops, a line that never
//   ends) end in a clear "answer too large" error, and the gateway's memory stays bounded.

const TENANT_KEY = 'sk-hardening-upstream-tenant-0123456789abcdef';
// Keys shaped as each provider's; the simulator echoes them back in its error bodies.
const UPSTREAM_KEYS: Readonly<Record<SimulatedProvider, string>> = {
  openai: 'sk-proj-OperatorUpstreamKey-0123456789abcdefXYZ',
  anthropic: 'sk-ant-api03-OperatorUpstreamKey-0123456789abcdef',
  gemini: 'AIzaSyOperatorUpstreamKey0123456789abcdefgh',
};
const INTERNAL_URL = 'http://10.20.30.40:8080/internal/v1/chat/completions';
const GATEWAY_AT_FAULT = "The upstream provider refused the gateway's credentials. This is a fault in the gateway's configuration, not in your request";
const TOO_LARGE = "The upstream provider's answer was larger than the gateway accepts.";
// Small limits, so the test moves little data: 1 MiB per JSON answer, 4 MiB per stream, 256 KiB per event.
const LIMITS = { json: 1024 * 1024, stream: 4 * 1024 * 1024, event: 256 * 1024 };

const MODELS: Readonly<Record<SimulatedProvider, string>> = { openai: 'h-openai', anthropic: 'h-anthropic', gemini: 'h-gemini' };
const EMBED_MODEL = 'h-embed';

function config(simUrl: string): string {
  const model = (name: string, provider: string, upstream: string) => `  - name: ${name}\n    deployments:\n      - { provider: ${provider}, model: ${upstream} }\n`;
  return `server: { port: 8080 }
# One attempt per request: the client sees exactly what the one upstream answer became.
routing: { retries: 0, timeouts: { connectMs: 2000, firstTokenMs: 15000, idleMs: 15000, totalMs: 60000 } }
providers:
  - { id: up-openai, type: openai, baseUrl: '${simUrl}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_OPENAI_KEY] }
  - { id: up-anthropic, type: anthropic, baseUrl: '${simUrl}', apiKeys: [env:SWITCHYARD_UPSTREAM_ANTHROPIC_KEY] }
  - { id: up-gemini, type: gemini, baseUrl: '${simUrl}', apiKeys: [env:SWITCHYARD_UPSTREAM_GEMINI_KEY] }
models:
${model(MODELS.openai, 'up-openai', 'gpt-4o')}${model(MODELS.anthropic, 'up-anthropic', 'claude-sonnet-4-6')}${model(MODELS.gemini, 'up-gemini', 'gemini-2.5-flash')}${model(EMBED_MODEL, 'up-openai', 'text-embedding-3-small')}tenants:
  - id: hardening
    keys: [{ key: env:HARDENING_TENANT_KEY }]
`;
}

/** Everything a failed SDK call let the tenant see: message, body, headers. */
function seen(err: unknown): string {
  const e = err as { message?: string; error?: unknown; headers?: unknown; status?: number };
  return [String(e?.status), e?.message ?? String(err), JSON.stringify(e?.error ?? null), JSON.stringify(e?.headers ?? null)].join('\n');
}

async function failureOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (err) {
    return seen(err);
  }
  throw new Error('the call succeeded');
}

/** Resident memory of a process, from /proc (Linux). */
function rssBytes(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return line ? Number(line[1]) * 1024 : 0;
}

describe('hardening: upstream answers', () => {
  let sim: ProviderSimulator;
  let app: RunningApp;
  let dir: string;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let gemini: GoogleGenAI;

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    dir = mkdtempSync(join(tmpdir(), 'sy-hardening-upstream-'));
    writeFileSync(join(dir, 'switchyard.yaml'), config(sim.url));
    const port = await freePort();
    app = startApp('standalone', {
      ...SIMULATOR_OUTBOUND_ENV,
      SWITCHYARD_CONFIG: join(dir, 'switchyard.yaml'),
      SWITCHYARD_DATA_DIR: join(dir, 'data'),
      PORT: String(port),
      HOST: '127.0.0.1',
      HARDENING_TENANT_KEY: TENANT_KEY,
      SWITCHYARD_UPSTREAM_OPENAI_KEY: UPSTREAM_KEYS.openai,
      SWITCHYARD_UPSTREAM_ANTHROPIC_KEY: UPSTREAM_KEYS.anthropic,
      SWITCHYARD_UPSTREAM_GEMINI_KEY: UPSTREAM_KEYS.gemini,
      SWITCHYARD_MAX_UPSTREAM_RESPONSE_BYTES: String(LIMITS.json),
      SWITCHYARD_MAX_UPSTREAM_STREAM_BYTES: String(LIMITS.stream),
      SWITCHYARD_MAX_UPSTREAM_EVENT_BYTES: String(LIMITS.event),
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForReady(baseUrl, app);
    openai = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: TENANT_KEY, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: baseUrl, apiKey: TENANT_KEY, maxRetries: 0 });
    // Inside Jest the SDK must be handed fetch explicitly (it does not find the global one).
    const globalFetch: typeof fetch = (input, init) => fetch(input, init);
    gemini = new GoogleGenAI({ apiKey: TENANT_KEY, httpOptions: { baseUrl, fetch: globalFetch } });
  });

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => sim.reset());

  const ask = 'Say hello';
  const chat: Record<SimulatedProvider, (stream: boolean) => Promise<string>> = {
    async openai(stream) {
      if (!stream) return (await openai.chat.completions.create({ model: MODELS.openai, messages: [{ role: 'user', content: ask }] })).choices[0]?.message.content ?? '';
      let text = '';
      for await (const chunk of await openai.chat.completions.create({ model: MODELS.openai, messages: [{ role: 'user', content: ask }], stream: true })) text += chunk.choices[0]?.delta?.content ?? '';
      return text;
    },
    async anthropic(stream) {
      if (!stream) {
        const m = await anthropic.messages.create({ model: MODELS.anthropic, max_tokens: 64, messages: [{ role: 'user', content: ask }] });
        return m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      }
      let text = '';
      for await (const ev of await anthropic.messages.create({ model: MODELS.anthropic, max_tokens: 64, messages: [{ role: 'user', content: ask }], stream: true })) {
        if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
      }
      return text;
    },
    async gemini(stream) {
      if (!stream) return (await gemini.models.generateContent({ model: MODELS.gemini, contents: ask })).text ?? '';
      let text = '';
      for await (const chunk of await gemini.models.generateContentStream({ model: MODELS.gemini, contents: ask })) text += chunk.text ?? '';
      return text;
    },
  };

  describe.each(['openai', 'anthropic', 'gemini'] as const)('an upstream 401 that holds the upstream key, through the %s dialect', (dialect) => {
    // Each dialect is served by the provider of its own family; the leaking answer is that provider's.
    const provider: SimulatedProvider = dialect;
    const leak = () => `Incorrect API key provided: Bearer ${UPSTREAM_KEYS[provider]}. URL was ${INTERNAL_URL}?key=${UPSTREAM_KEYS[provider]}`;

    it.each([false, true])('reaches the tenant as the fixed gateway-at-fault text (stream %s)', async (stream) => {
      sim.script({ match: { provider }, error: { status: 401, type: provider === 'gemini' ? 'UNAUTHENTICATED' : undefined, message: leak() } });

      const tenantSaw = await failureOf(() => chat[dialect](stream));

      expect(sim.requests).toHaveLength(1);
      expect(tenantSaw).toContain(GATEWAY_AT_FAULT);
      expect(tenantSaw).toContain('upstream status 401');
      expect(tenantSaw).toContain('502');
      expect(tenantSaw).not.toContain(UPSTREAM_KEYS[provider]);
      expect(tenantSaw).not.toContain('10.20.30.40');
      expect(tenantSaw).not.toContain('Incorrect API key');
    });

    it('ends a stream whose upstream fails mid-way with the fixed text in the dialect error event', async () => {
      sim.script({ match: { provider }, content: 'one two three four', chunks: 4, error: { status: 401, type: provider === 'gemini' ? 'UNAUTHENTICATED' : 'authentication_error', message: leak(), afterChunks: 1 } });

      const tenantSaw = await failureOf(() => chat[dialect](true));

      expect(tenantSaw).toMatch(/The upstream provider/);
      expect(tenantSaw).not.toContain(UPSTREAM_KEYS[provider]);
      expect(tenantSaw).not.toContain('10.20.30.40');
    });
  });

  it('writes the upstream text to the operator log with the key redacted', () => {
    const log = app.output();

    expect(log).toContain('10.20.30.40');
    for (const key of Object.values(UPSTREAM_KEYS)) expect(log).not.toContain(key);
  });

  describe('answer size limits', () => {
    it.each(['openai', 'anthropic', 'gemini'] as const)('ends an oversized JSON answer through the %s dialect with a clear 502', async (dialect) => {
      sim.script({ match: { provider: dialect }, content: 'x'.repeat(3 * LIMITS.json) });

      const tenantSaw = await failureOf(() => chat[dialect](false));

      expect(tenantSaw).toContain(TOO_LARGE);
      expect(tenantSaw).toContain('502');
    });

    it('ends an oversized embeddings answer with a clear 502', async () => {
      // 100 vectors of 1,536 floats is ~2 MB of JSON, over the 1 MiB limit (and few inputs, under any input cap).
      const tenantSaw = await failureOf(() => openai.embeddings.create({ model: EMBED_MODEL, input: Array.from({ length: 100 }, (_, i) => `text ${i}`) }));

      expect(tenantSaw).toContain(TOO_LARGE);
      expect(tenantSaw).toContain('502');
    });

    it.each([
      ['deltas', 'openai'],
      ['deltas', 'anthropic'],
      ['deltas', 'gemini'],
      ['line', 'openai'],
    ] as const)('ends an endless stream (%s) through the %s dialect with an error event, and the upstream connection is closed', async (endless, dialect) => {
      sim.script({ match: { provider: dialect }, endless });

      const tenantSaw = await failureOf(() => chat[dialect](true));

      expect(tenantSaw).toContain(TOO_LARGE);
      await sim.waitFor((r) => r.aborted, 5_000);
    });

    it('keeps the process memory bounded under concurrent oversized answers and endless streams', async () => {
      const pid = app.proc.pid as number;
      // Warm up: the first requests load code and fill pools.
      sim.script({ match: { provider: 'openai' }, endless: 'deltas' });
      await failureOf(() => chat.openai(true));
      const before = rssBytes(pid);

      // Eight at once: four streams that never end and four JSON answers of 8× the limit.
      // Unbounded, the streams alone would grow without end; bounded, each request holds at
      // most its limit and lets go.
      for (let i = 0; i < 4; i++) sim.script({ match: { provider: 'openai' }, endless: i % 2 ? 'deltas' : 'line' });
      for (let i = 0; i < 4; i++) sim.script({ match: { provider: 'anthropic' }, content: 'x'.repeat(8 * LIMITS.json) });
      const results = await Promise.all([...Array.from({ length: 4 }, () => failureOf(() => chat.openai(true))), ...Array.from({ length: 4 }, () => failureOf(() => chat.anthropic(false)))]);
      const after = rssBytes(pid);

      for (const r of results) expect(r).toContain(TOO_LARGE);
      expect(after - before).toBeLessThan(64 * 1024 * 1024);
    });
  });
});
