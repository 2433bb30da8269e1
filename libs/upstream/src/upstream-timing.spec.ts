import { DEFAULT_OUTBOUND_POLICY, type OutboundPolicy } from '@switchyard/config';
import { type ChatRequest, type ResponseEvent, Role, type Target } from '@switchyard/ir';
import { ProviderSimulator } from '@switchyard/testing';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpstreamService } from './upstream.service';

// The upstream time every answer carries back for the gateway-overhead series (docs/metrics.md,
// "Gateway overhead"): chat with or without an upstream usage event, embeddings, token counts.

const LOCAL_UPSTREAMS: OutboundPolicy = { ...DEFAULT_OUTBOUND_POLICY, allowHttp: true, allowPrivate: true };
const TIMEOUTS = { connectMs: 1000, firstTokenMs: 1500, totalMs: 5000, idleMs: 0 };
const CHAT: ChatRequest = {
  model: 'public',
  stream: true,
  messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'hello', signature: '' } }, cacheControlJson: '' }], name: '' }],
  system: [],
  tools: [],
  includeUsage: false,
  droppedParams: [],
};

const target = (baseUrl: string, providerType = 'openai'): Target => ({ providerType, baseUrl, apiKeyRef: 'sk-literal', upstreamModel: 'sim-model', deploymentId: 'd1', providerId: 'p1', optionsJson: '', passthroughJson: '' });

async function collect(it: AsyncIterable<ResponseEvent>): Promise<ResponseEvent[]> {
  const out: ResponseEvent[] = [];
  for await (const ev of it) out.push(ev);
  return out;
}

const chunk = (choice: object) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'sim-model', choices: [choice] })}\n\n`;

/** An OpenAI-compatible upstream that streams an answer without any usage chunk (as some self-hosted servers do). */
async function startUsagelessUpstream(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(chunk({ index: 0, delta: { role: 'assistant', content: 'hi' }, finish_reason: null }) + chunk({ index: 0, delta: {}, finish_reason: 'stop' }) + 'data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}

describe('upstream time on every answer', () => {
  let sim: ProviderSimulator;
  let sut: UpstreamService;

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
  });
  beforeEach(() => {
    sut = new UpstreamService({ outbound: LOCAL_UPSTREAMS });
  });
  afterEach(() => sut.onModuleDestroy());
  afterAll(() => sim.close());

  it('puts the time on the usage event, and not on the stop event, when the upstream reports usage', async () => {
    const events = await collect(sut.generate({ request: CHAT, target: target(`${sim.url}/v1`), timeouts: TIMEOUTS }, new AbortController().signal));

    const stop = events.find((e) => e.event?.$case === 'stop')?.event;
    const usage = events.find((e) => e.event?.$case === 'usage')?.event;
    expect(stop?.$case === 'stop' && stop.value.upstreamSeconds).toBeUndefined();
    expect(usage?.$case === 'usage' && usage.value.upstreamSeconds).toBeGreaterThan(0);
  });

  it('puts the time on the last stop event of a stream whose upstream reports no usage', async () => {
    const upstream = await startUsagelessUpstream();
    try {
      const events = await collect(sut.generate({ request: CHAT, target: target(upstream.url), timeouts: TIMEOUTS }, new AbortController().signal));

      expect(events.map((e) => e.event?.$case)).not.toContain('usage');
      const last = events[events.length - 1]?.event;
      expect(last?.$case).toBe('stop');
      expect(last?.$case === 'stop' && last.value.upstreamSeconds).toBeGreaterThan(0);
      expect(events.map((e) => (e.event?.$case === 'textDelta' ? e.event.value.text : '')).join('')).toBe('hi');
    } finally {
      await new Promise((resolve) => upstream.server.close(resolve));
    }
  });

  it('times an embeddings call', async () => {
    const res = await sut.embed({ request: { model: 'public', inputs: [{ text: 'hello', tokens: [] }], taskType: '', title: '', droppedParams: [] }, target: target(`${sim.url}/v1`), timeouts: TIMEOUTS }, new AbortController().signal);

    expect(res.error).toBeUndefined();
    expect(res.upstreamSeconds).toBeGreaterThan(0);
  });

  it('times a token count sent upstream, and reports 0 for one counted here', async () => {
    const upstream = await sut.countTokens({ request: CHAT, target: target(sim.url, 'anthropic'), timeouts: TIMEOUTS }, new AbortController().signal);
    expect(upstream).toMatchObject({ estimated: false });
    expect(upstream.upstreamSeconds).toBeGreaterThan(0);

    // OpenAI has no counting endpoint: counted locally, without a round trip.
    const local = await sut.countTokens({ request: CHAT, target: target(`${sim.url}/v1`), timeouts: TIMEOUTS }, new AbortController().signal);
    expect(local).toMatchObject({ estimated: true, upstreamSeconds: 0 });
  });
});
