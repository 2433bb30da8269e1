import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { DEFAULT_CONTENT, ProviderSimulator } from '@switchyard/testing';
import { eventually } from './support/process-harness';
import {
  RESILIENCE_KEYS,
  ResilienceGateway,
  callsTo,
  closedPortUrl,
  isProbe,
  removeGatewayTemplate,
  sdkFailure,
  startResettingUpstream,
  startResilienceGateway,
  triesOf,
} from './support/resilience-harness';

// Fault injection through the official SDKs (issue 5): the provider simulator (and a closed
// port, and an upstream that resets connections) plays the faults; each case asserts which
// deployments were tried (simulator records and the x-switchyard-attempts header), how many
// attempts there were, and what the client saw. Deployment A is the preferred one (priority 0)
// so the order of tries is deterministic; B (priority 1) is the healthy alternative. A and B are
// two providers with their own upstream key and upstream model name, so the simulator tells
// them apart and scripts aim at one with `match.model`. Nothing here asserts a duration.

const user = (content: string) => [{ role: 'user' as const, content }];

/** A model whose A deployment (sim-a, `<name>-a`) is preferred over B (sim-b, `<name>-b`). */
function pair(name: string, extra = ''): string {
  return `  - name: ${name}
    deployments:
      - { provider: sim-a, model: ${name}-a, priority: 0 }
      - { provider: sim-b, model: ${name}-b, priority: 1 }
${extra}`;
}

async function collectOpenAiStream(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<{ text: string; error: unknown }> {
  let text = '';
  try {
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  } catch (error) {
    return { text, error };
  }
  return { text, error: undefined };
}

afterAll(() => removeGatewayTemplate());

describe('failover between deployments', () => {
  let sim: ProviderSimulator;
  let resetting: Awaited<ReturnType<typeof startResettingUpstream>>;
  let gw: ResilienceGateway;
  let client: OpenAI;

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    resetting = await startResettingUpstream();
    const refused = await closedPortUrl();
    // Breaker and outlier detection are out of the way here (their own block below), and the
    // retry budget is generous: these cases are about the choice of the next deployment.
    gw = await startResilienceGateway(`routing:
  retries: 2
  timeouts: { connectMs: 1000, firstTokenMs: 5000, idleMs: 5000, totalMs: 20000 }
  retryBudget: { ratio: 1, minPerSecond: 100 }
  circuitBreaker: { minRequests: 1000 }
  outlier: { consecutiveFailures: 1000 }
providers:
  - { id: sim-a, type: openai, baseUrl: '${sim.url}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_A], region: us }
  - { id: sim-b, type: openai, baseUrl: '${sim.url}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_B], region: eu }
  - { id: refused, type: openai, baseUrl: '${refused}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_A] }
  - { id: resetting, type: openai, baseUrl: '${resetting.url}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_A] }
models:
${pair('rl')}${pair('burst')}${pair('slow', '    timeouts: { firstTokenMs: 400 }\n')}${pair('stall', '    timeouts: { idleMs: 400 }\n')}${pair('cut')}${pair('hedged', '    hedge: { afterMs: 200 }\n')}${pair('regional')}  - name: refused-first
    deployments:
      - { provider: refused, model: refused-a, priority: 0 }
      - { provider: sim-b, model: refused-first-b, priority: 1 }
  - name: reset-first
    deployments:
      - { provider: resetting, model: reset-a, priority: 0 }
      - { provider: sim-b, model: reset-first-b, priority: 1 }
  - name: fb-x
    deployments: [{ provider: sim-a, model: fb-x-a }]
    fallbacks: [fb-y]
  - name: fb-y
    deployments: [{ provider: sim-b, model: fb-y-b }]
  - name: ctx-small
    deployments: [{ provider: sim-a, model: ctx-small-a }]
    contextWindow: 50
    contextFallback: ctx-big
  - name: ctx-big
    deployments: [{ provider: sim-b, model: ctx-big-b }]
  - name: cached
    deployments: [{ provider: sim-a, model: cached-a }]
    cache: { ttlSeconds: 60 }
`);
    client = gw.openai();
  });

  afterAll(async () => {
    await gw?.stop();
    await sim?.close();
    await resetting?.close();
  });

  it('429 storm with retry-after on A: the client always succeeds, and A cools down until retry-after passed', async () => {
    // A answers 429 (retry-after 2 s) to its next two requests, then recovers.
    sim.script({ match: { model: 'rl-a' }, error: { status: 429, retryAfter: 2 } });
    sim.script({ match: { model: 'rl-a' }, error: { status: 429, retryAfter: 2 } });

    const first = await client.chat.completions.create({ model: 'rl', messages: user('storm 1') }).withResponse();
    expect(first.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
    expect(triesOf(first.response.headers)).toEqual(['sim-a/rl rate_limited 429', 'sim-b/rl ok']);

    // While A cools down, requests go straight to B: A's second 429 is not consumed.
    for (const n of [2, 3, 4]) {
      const next = await client.chat.completions.create({ model: 'rl', messages: user(`storm ${n}`) }).withResponse();
      expect(next.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
      expect(triesOf(next.response.headers)).toEqual(['sim-b/rl ok']);
    }
    expect(callsTo(sim, 'rl-a')).toHaveLength(1);
    expect(callsTo(sim, 'rl-b')).toHaveLength(4);
    expect((await gw.deployment('rl', 'sim-a')).cooldownUntil).toBeGreaterThan(0);
    expect(await gw.metrics()).toMatch(/switchyard_deployment_cooling_down\{[^}]*model="rl",provider="sim-a"[^}]*\} 1/);

    // After retry-after, A is tried again: one more 429 (another cooldown), then it answers.
    const seen: string[][] = [];
    await eventually(async () => {
      const res = await client.chat.completions.create({ model: 'rl', messages: user('after the storm') }).withResponse();
      expect(res.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
      seen.push(triesOf(res.response.headers));
      expect(seen.at(-1)).toEqual(['sim-a/rl ok']);
    }, 20_000, 'A back in rotation');
    expect(seen).toContainEqual(['sim-a/rl rate_limited 429', 'sim-b/rl ok']);
    expect(callsTo(sim, 'rl-a')).toHaveLength(3);
    expect(sim.pendingScenarios).toBe(0);
  });

  it('bursts of 500 / 503 / 529 on A are retried on B: the client sees no error', async () => {
    for (const status of [500, 503, 529, 500, 503, 529]) sim.script({ match: { model: 'burst-a' }, error: { status } });
    const answers = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((n) => client.chat.completions.create({ model: 'burst', messages: user(`burst ${n}`) }).withResponse()),
    );
    for (const { data } of answers) expect(data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
    const tries = answers.map(({ response }) => triesOf(response.headers).join(', ')).sort();
    expect(tries).toEqual([
      'sim-a/burst overloaded 503, sim-b/burst ok',
      'sim-a/burst overloaded 503, sim-b/burst ok',
      'sim-a/burst overloaded 529, sim-b/burst ok',
      'sim-a/burst overloaded 529, sim-b/burst ok',
      'sim-a/burst upstream_error 500, sim-b/burst ok',
      'sim-a/burst upstream_error 500, sim-b/burst ok',
    ]);
    expect(callsTo(sim, 'burst-a')).toHaveLength(6);
    expect(callsTo(sim, 'burst-b')).toHaveLength(6);
    expect(sim.pendingScenarios).toBe(0);
  });

  it('connection refused on A: the next deployment answers', async () => {
    for (const n of [1, 2]) {
      const res = await client.chat.completions.create({ model: 'refused-first', messages: user(`refused ${n}`) }).withResponse();
      expect(res.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
      expect(triesOf(res.response.headers)).toEqual(['refused/refused-first upstream_unavailable', 'sim-b/refused-first ok']);
    }
    expect(callsTo(sim, 'refused-first-b')).toHaveLength(2);
  });

  it('a first byte slower than the model firstTokenMs times out and is retried on B; A is cancelled', async () => {
    sim.script({ match: { model: 'slow-a' }, firstByteDelayMs: 3000 });
    const res = await client.chat.completions.create({ model: 'slow', messages: user('slow first byte') }).withResponse();
    expect(res.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
    expect(triesOf(res.response.headers)).toEqual(['sim-a/slow upstream_timeout', 'sim-b/slow ok']);
    expect(callsTo(sim, 'slow-b')).toHaveLength(1);
    await sim.waitFor((r) => callsTo(sim, 'slow-a').includes(r) && r.aborted);
  });

  it('a stream stalled mid-way ends with the OpenAI error event, without a retry after the first byte', async () => {
    sim.script({ match: { model: 'stall-a' }, chunks: 4, stallAfterChunks: 2 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'stall', messages: user('stall openai'), stream: true })
      .withResponse();
    expect(response.status).toBe(200);
    expect(triesOf(response.headers)).toEqual(['sim-a/stall ok']);
    const { text, error } = await collectOpenAiStream(stream);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('upstream_timeout');
    expect(text.length).toBeGreaterThan(0);
    expect(DEFAULT_CONTENT.startsWith(text) && text !== DEFAULT_CONTENT).toBe(true);
    expect(callsTo(sim, 'stall-a')).toHaveLength(1);
    expect(callsTo(sim, 'stall-b')).toHaveLength(0);
  });

  it('a stream stalled mid-way ends with the Anthropic error event, without a retry after the first byte', async () => {
    sim.script({ match: { model: 'stall-a' }, chunks: 4, stallAfterChunks: 2 });
    const { data: stream, response } = await gw
      .anthropic()
      .messages.create({ model: 'stall', max_tokens: 64, messages: user('stall anthropic'), stream: true })
      .withResponse();
    expect(response.status).toBe(200);
    let text = '';
    let error: unknown;
    try {
      for await (const ev of stream) if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).type).toBe('timeout_error');
    expect(text.length).toBeGreaterThan(0);
    expect(DEFAULT_CONTENT.startsWith(text) && text !== DEFAULT_CONTENT).toBe(true);
    expect(callsTo(sim, 'stall-a')).toHaveLength(2);
    expect(callsTo(sim, 'stall-b')).toHaveLength(0);
  });

  it('a connection reset before the first byte is retried on B', async () => {
    const res = await client.chat.completions.create({ model: 'reset-first', messages: user('reset') }).withResponse();
    expect(res.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
    expect(triesOf(res.response.headers)).toEqual(['resetting/reset-first upstream_unavailable', 'sim-b/reset-first ok']);
    expect(resetting.connections()).toBe(1);
    expect(callsTo(sim, 'reset-first-b')).toHaveLength(1);
  });

  it('a connection reset mid-body of a JSON answer (nothing sent to the client yet) is retried on B', async () => {
    sim.script({ match: { model: 'cut-a' }, cutAfterChunks: 0 });
    const res = await client.chat.completions.create({ model: 'cut', messages: user('cut') }).withResponse();
    expect(res.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
    expect(triesOf(res.response.headers)).toEqual(['sim-a/cut upstream_unavailable', 'sim-b/cut ok']);
    expect(callsTo(sim, 'cut-a')).toHaveLength(1);
    expect(callsTo(sim, 'cut-b')).toHaveLength(1);
  });

  it('fallback chain: model X failing is answered by its fallback Y, both hops in the attempts header', async () => {
    // X's only deployment fails every try (1 + retries): the router may retry it before moving on.
    for (let i = 0; i < 3; i++) sim.script({ match: { model: 'fb-x-a' }, error: { status: 500 } });
    const res = await client.chat.completions.create({ model: 'fb-x', messages: user('fallback') }).withResponse();
    expect(res.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
    const tries = triesOf(res.response.headers);
    const onX = callsTo(sim, 'fb-x-a').length;
    expect(onX).toBeGreaterThanOrEqual(1);
    expect(tries).toEqual([...Array.from({ length: onX }, () => 'sim-a/fb-x upstream_error 500'), 'sim-b/fb-y ok']);
    expect(callsTo(sim, 'fb-y-b')).toHaveLength(1);
  });

  it('context-window fallback: a prompt longer than the small model takes goes to the big one directly', async () => {
    const long = await client.chat.completions.create({ model: 'ctx-small', messages: user('long prompt '.repeat(40)) }).withResponse();
    expect(long.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
    expect(triesOf(long.response.headers)).toEqual(['/ctx-small context_window_exceeded', 'sim-b/ctx-big ok']);
    expect(callsTo(sim, 'ctx-small-a')).toHaveLength(0);
    expect(callsTo(sim, 'ctx-big-b')).toHaveLength(1);

    const short = await client.chat.completions.create({ model: 'ctx-small', messages: user('short') }).withResponse();
    expect(triesOf(short.response.headers)).toEqual(['sim-a/ctx-small ok']);
    expect(callsTo(sim, 'ctx-small-a')).toHaveLength(1);
  });

  it('hedging: with no first token from A after afterMs, B is asked too, answers, and A is cancelled', async () => {
    sim.script({ match: { model: 'hedged-a' }, firstByteDelayMs: 4000 });
    const res = await client.chat.completions.create({ model: 'hedged', messages: user('hedge me') }).withResponse();
    expect(res.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
    expect(triesOf(res.response.headers)).toEqual(['sim-a/hedged hedge_lost', 'sim-b/hedged ok hedge']);
    expect(callsTo(sim, 'hedged-b')).toHaveLength(1);
    await sim.waitFor((r) => callsTo(sim, 'hedged-a').includes(r) && r.aborted);
  });

  it('response cache: one upstream call answers the same question in two dialects and as a stream, per tenant, unless opted out', async () => {
    const question = 'What is the capital of cache land?';
    const hit = (h: Headers | null | undefined) => h?.get('x-switchyard-cache') === 'hit';

    const first = await client.chat.completions.create({ model: 'cached', max_tokens: 64, messages: user(question) }).withResponse();
    expect(first.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
    expect(hit(first.response.headers)).toBe(false);
    expect(callsTo(sim, 'cached-a')).toHaveLength(1);

    // The same question through the Anthropic SDK (same max_tokens) is the same canonical request.
    const anthropic = await gw.anthropic().messages.create({ model: 'cached', max_tokens: 64, messages: user(question) }).withResponse();
    expect(hit(anthropic.response.headers)).toBe(true);
    expect(anthropic.data.content).toEqual([expect.objectContaining({ type: 'text', text: DEFAULT_CONTENT })]);
    expect(callsTo(sim, 'cached-a')).toHaveLength(1);

    // A stream request is replayed as a stream.
    const streamed = await client.chat.completions.create({ model: 'cached', max_tokens: 64, messages: user(question), stream: true }).withResponse();
    expect(hit(streamed.response.headers)).toBe(true);
    expect(streamed.response.headers.get('content-type')).toContain('text/event-stream');
    expect(await collectOpenAiStream(streamed.data)).toEqual({ text: DEFAULT_CONTENT, error: undefined });
    expect(callsTo(sim, 'cached-a')).toHaveLength(1);

    // Another tenant never gets acme's answer.
    const other = await gw.openai(RESILIENCE_KEYS.other).chat.completions.create({ model: 'cached', max_tokens: 64, messages: user(question) }).withResponse();
    expect(hit(other.response.headers)).toBe(false);
    expect(callsTo(sim, 'cached-a')).toHaveLength(2);

    // Opting out per request: no-store neither reads nor writes, no-cache does not read.
    for (const mode of ['no-store', 'no-cache']) {
      const res = await client.chat.completions
        .create({ model: 'cached', max_tokens: 64, messages: user(question) }, { headers: { 'x-switchyard-cache': mode } })
        .withResponse();
      expect(hit(res.response.headers)).toBe(false);
    }
    expect(callsTo(sim, 'cached-a')).toHaveLength(4);
  });

  it('region constraint: a tenant held to eu is only served by the eu deployment', async () => {
    const acme = await client.chat.completions.create({ model: 'regional', messages: user('from anywhere') }).withResponse();
    expect(triesOf(acme.response.headers)).toEqual(['sim-a/regional ok']);
    const eu = gw.openai(RESILIENCE_KEYS.eu);
    for (const n of [1, 2, 3]) {
      const res = await eu.chat.completions.create({ model: 'regional', messages: user(`from eu ${n}`) }).withResponse();
      expect(res.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
      expect(triesOf(res.response.headers)).toEqual(['sim-b/regional ok']);
    }
    expect(callsTo(sim, 'regional-a')).toHaveLength(1);
    expect(callsTo(sim, 'regional-b').map((r) => r.headers.authorization)).toEqual([1, 2, 3].map(() => `Bearer ${RESILIENCE_KEYS.upstreamB}`));
  });
});

describe('deployment health: circuit breaker and probes', () => {
  let flaky: ProviderSimulator;
  let bad: ProviderSimulator;
  let steady: ProviderSimulator;
  let gw: ResilienceGateway;
  let client: OpenAI;

  beforeAll(async () => {
    [flaky, bad, steady] = await Promise.all([ProviderSimulator.start(), ProviderSimulator.start(), ProviderSimulator.start()]);
    // Outlier ejection is out of the way (consecutiveFailures 100): the breaker decides here.
    gw = await startResilienceGateway(`routing:
  retries: 2
  timeouts: { connectMs: 1000, firstTokenMs: 5000, idleMs: 5000, totalMs: 20000 }
  retryBudget: { ratio: 1, minPerSecond: 100 }
  circuitBreaker: { windowMs: 30000, minRequests: 4, failureRate: 0.5, openMs: 1500, halfOpenRequests: 2 }
  outlier: { consecutiveFailures: 100 }
  probes: { intervalMs: 300 }
providers:
  - { id: flaky, type: openai, baseUrl: '${flaky.url}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_A] }
  - { id: bad, type: openai, baseUrl: '${bad.url}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_A] }
  - { id: steady, type: openai, baseUrl: '${steady.url}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_B] }
models:
  - name: cb
    deployments:
      - { provider: flaky, model: cb-flaky, priority: 0 }
      - { provider: steady, model: cb-steady, priority: 1 }
  - name: pair
    deployments:
      - { provider: bad, model: pair-bad }
      - { provider: steady, model: pair-good }
`);
    client = gw.openai();
  });

  afterAll(async () => {
    await gw?.stop();
    await Promise.all([flaky?.close(), bad?.close(), steady?.close()]);
  });

  it('a failing deployment opens its circuit, traffic goes to B, and after recovery it goes half-open, then closed, and serves again', async () => {
    flaky.setDefault({ error: { status: 500 } });
    // minRequests 4, all failed: the breaker opens on the fourth.
    for (const n of [1, 2, 3, 4]) {
      const res = await client.chat.completions.create({ model: 'cb', messages: user(`breaker ${n}`) }).withResponse();
      expect(res.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
      expect(triesOf(res.response.headers)).toEqual(['flaky/cb upstream_error 500', 'steady/cb ok']);
    }
    const opened = await gw.deployment('cb', 'flaky');
    expect(opened.circuit).toBe('open');
    expect(await gw.metrics()).toContain(`switchyard_deployment_circuit_state{deployment="${opened.deploymentId}",model="cb",provider="flaky",state="open"} 1`);

    for (const n of [5, 6, 7]) {
      const res = await client.chat.completions.create({ model: 'cb', messages: user(`breaker ${n}`) }).withResponse();
      expect(triesOf(res.response.headers)).toEqual(['steady/cb ok']);
    }
    expect(callsTo(flaky, 'cb-flaky')).toHaveLength(4);
    // The router probes the open deployment while it is out.
    await flaky.waitFor(isProbe, 5_000);

    // A recovers: probes succeed (or openMs passes) → half-open; real trials then close it.
    flaky.setDefault({});
    await eventually(async () => expect((await gw.deployment('cb', 'flaky')).circuit).toBe('half-open'), 15_000, 'half-open');
    for (const n of [8, 9]) {
      const res = await client.chat.completions.create({ model: 'cb', messages: user(`breaker ${n}`) }).withResponse();
      expect(res.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
      expect(triesOf(res.response.headers)).toEqual(['flaky/cb ok']);
    }
    const closed = await gw.deployment('cb', 'flaky');
    expect(closed.circuit).toBe('closed');
    expect(await gw.metrics()).toContain(`switchyard_deployment_circuit_state{deployment="${closed.deploymentId}",model="cb",provider="flaky",state="closed"} 1`);
    expect(callsTo(flaky, 'cb-flaky')).toHaveLength(6);
    expect(callsTo(steady, 'cb-steady')).toHaveLength(7);
  });

  it('two deployments, one failing: 20 sequential requests, zero client errors', async () => {
    bad.setDefault({ error: { status: 500 } });
    const tries: string[][] = [];
    for (let n = 1; n <= 20; n++) {
      const res = await client.chat.completions.create({ model: 'pair', messages: user(`pair ${n}`) }).withResponse();
      expect(res.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
      tries.push(triesOf(res.response.headers));
    }
    for (const t of tries) {
      expect(t.at(-1)).toBe('steady/pair ok');
      expect(t.slice(0, -1).every((e) => e === 'bad/pair upstream_error 500')).toBe(true);
    }
    const badTries = tries.flat().filter((e) => e.startsWith('bad/')).length;
    expect(callsTo(bad, 'pair-bad')).toHaveLength(badTries);
    // Weighted 1:1, yet the breaker keeps the failing deployment from taking its half.
    expect(badTries).toBeGreaterThan(0);
    expect(badTries).toBeLessThan(10);
    expect(callsTo(steady, 'pair-good')).toHaveLength(20);
  });
});

describe('errors reach the client in its dialect when nothing else can answer (retries 0)', () => {
  let sim: ProviderSimulator;
  let gw: ResilienceGateway;

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    gw = await startResilienceGateway(`routing:
  retries: 0
  timeouts: { connectMs: 1000, firstTokenMs: 5000, idleMs: 5000, totalMs: 20000 }
providers:
  - { id: sim, type: openai, baseUrl: '${sim.url}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_A] }
  - { id: sim-anthropic, type: anthropic, baseUrl: '${sim.url}', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_B] }
models:
  - name: solo-500
    deployments: [{ provider: sim, model: solo-500 }]
  - name: solo-503
    deployments: [{ provider: sim, model: solo-503 }]
  - name: solo-529
    deployments: [{ provider: sim-anthropic, model: claude-solo-529 }]
`);
  });

  afterAll(async () => {
    await gw?.stop();
    await sim?.close();
  });

  it('an upstream 500 is a 502 for the OpenAI SDK, after one attempt', async () => {
    sim.script({ match: { model: 'solo-500' }, error: { status: 500 } });
    const failure = await sdkFailure(gw.openai().chat.completions.create({ model: 'solo-500', messages: user('500') }));
    expect(failure.status).toBe(502);
    expect(failure.code).toBe('upstream_error');
    expect(triesOf(failure.headers)).toEqual(['sim/solo-500 upstream_error 500']);
    expect(callsTo(sim, 'solo-500')).toHaveLength(1);
  });

  it('an upstream 503 is a 503 for the OpenAI SDK, after one attempt', async () => {
    sim.script({ match: { model: 'solo-503' }, error: { status: 503 } });
    const failure = await sdkFailure(gw.openai().chat.completions.create({ model: 'solo-503', messages: user('503') }));
    expect(failure.status).toBe(503);
    expect(triesOf(failure.headers)).toEqual(['sim/solo-503 overloaded 503']);
    expect(callsTo(sim, 'solo-503')).toHaveLength(1);
  });

  it('an upstream 529 is 529 overloaded_error for the Anthropic SDK and 503 for the OpenAI SDK', async () => {
    sim.script({ match: { model: 'claude-solo-529' }, error: { status: 529 } });
    const anthropic = await sdkFailure(gw.anthropic().messages.create({ model: 'solo-529', max_tokens: 32, messages: user('529') }));
    expect(anthropic.status).toBe(529);
    expect(anthropic.type).toBe('overloaded_error');
    expect(triesOf(anthropic.headers)).toEqual(['sim-anthropic/solo-529 overloaded 529']);

    sim.script({ match: { model: 'claude-solo-529' }, error: { status: 529 } });
    const openai = await sdkFailure(gw.openai().chat.completions.create({ model: 'solo-529', messages: user('529 again') }));
    expect(openai.status).toBe(503);
    expect(callsTo(sim, 'claude-solo-529')).toHaveLength(2);
  });
});

describe('retry budget', () => {
  let sim: ProviderSimulator;
  let gw: ResilienceGateway;

  beforeAll(async () => {
    sim = await ProviderSimulator.start();
    // ratio 0 and no floor: the budget allows no retry at all.
    gw = await startResilienceGateway(`routing:
  retries: 2
  timeouts: { connectMs: 1000, firstTokenMs: 5000, idleMs: 5000, totalMs: 20000 }
  retryBudget: { ratio: 0, minPerSecond: 0 }
providers:
  - { id: sim-a, type: openai, baseUrl: '${sim.url}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_A] }
  - { id: sim-b, type: openai, baseUrl: '${sim.url}/v1', apiKeys: [env:SWITCHYARD_UPSTREAM_KEY_B] }
models:
${pair('budget')}`);
  });

  afterAll(async () => {
    await gw?.stop();
    await sim?.close();
  });

  it('an exhausted budget refuses the retry: the client gets the error and the attempts end with retry_budget_exhausted', async () => {
    sim.script({ match: { model: 'budget-a' }, error: { status: 500 } });
    const failure = await sdkFailure(gw.openai().chat.completions.create({ model: 'budget', messages: user('no budget') }));
    expect(failure.status).toBe(502);
    expect(triesOf(failure.headers)).toEqual(['sim-a/budget upstream_error 500', 'sim-b/budget retry_budget_exhausted']);
    expect(callsTo(sim, 'budget-a')).toHaveLength(1);
    expect(callsTo(sim, 'budget-b')).toHaveLength(0);
    expect((await gw.health()).retriesRefused).toBe(1);
    expect(await gw.metrics()).toContain('switchyard_retries_refused_total 1');
  });
});
