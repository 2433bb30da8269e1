import OpenAI from 'openai';
import { createHash } from 'node:crypto';
import { DEFAULT_CONTENT, ProviderSimulator } from '@switchyard/testing';
import { eventually, freePort } from './support/process-harness';
import { REGION_KEYS, type RegionGateway, startRegion } from './support/region-gateways';
import { callsTo, sdkFailure, triesOf } from './support/resilience-harness';

// Multi-region (issue 15) with two standalone processes as two regions, alpha and beta, and a
// simulator per region. Alpha's upstream is scripted to fail until its one deployment's circuit
// opens: alpha's /readyz then turns 503 (minUsableModelShare 1) and alpha spills requests for
// the model over to beta, which serves them. Nothing here asserts a duration.

const user = (content: string) => [{ role: 'user' as const, content }];
const CHAT = { model: 'm', messages: user('hello across regions') };

interface RegionView { ready: boolean; reasons: string[]; models: { usable: number; total: number; list: { model: string; usable: boolean; deployments: { reasons: string[] }[] }[] } }
interface UsageRows { rows: { requests: number; costUsd: number }[] }
interface Me { budgets: { scope: string; period: string; used_usd: number; reserved_usd: number }[] }

describe('regions: readiness and spill-over', () => {
  let simAlpha: ProviderSimulator;
  let simBeta: ProviderSimulator;
  let alpha: RegionGateway;
  let beta: RegionGateway;
  const client = (key: string = REGION_KEYS.acme) => new OpenAI({ baseURL: `${alpha.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
  const readyz = async (gw: RegionGateway) => (await fetch(`${gw.baseUrl}/readyz`)).status;

  beforeAll(async () => {
    [simAlpha, simBeta] = await Promise.all([ProviderSimulator.start(), ProviderSimulator.start()]);
    const [alphaPort, betaPort] = [await freePort(), await freePort()];
    const peer = (name: string, port: number) => `  peers: [{ name: ${name}, url: 'http://127.0.0.1:${port}', credential: env:SWITCHYARD_PEER_LINK }]\n`;
    [alpha, beta] = await Promise.all([
      startRegion('alpha', alphaPort, simAlpha.url, `region:\n  readiness: { minUsableModelShare: 1 }\n  spillover: { enabled: true }\n${peer('beta', betaPort)}`),
      startRegion('beta', betaPort, simBeta.url, `region:\n${peer('alpha', alphaPort)}`),
    ]);
  }, 240_000);

  afterAll(async () => {
    await Promise.all([alpha?.stop(), beta?.stop()]);
    await Promise.all([simAlpha?.close(), simBeta?.close()]);
  });

  it("alpha's upstream failing opens its circuit: /readyz turns 503 and the admin region view says why", async () => {
    expect(await readyz(alpha)).toBe(200);
    simAlpha.setDefault({ error: { status: 500 } });
    // Tried and failed (the circuit still closed): the client sees the failure, nothing spills.
    for (const n of [1, 2]) {
      const failure = await sdkFailure(client().chat.completions.create({ model: 'm', messages: user(`fail ${n}`) }).withResponse());
      expect(failure.status).toBe(502);
      expect(triesOf(failure.headers as Headers)).toEqual(['sim-alpha/m upstream_error 500']);
    }
    expect(callsTo(simBeta, 'm-beta')).toHaveLength(0);

    await eventually(async () => expect(await readyz(alpha)).toBe(503), 5_000, 'alpha unready');
    const view = await alpha.admin<RegionView>('/admin/v1/region');
    expect(view).toMatchObject({ ready: false, models: { usable: 0, total: 1 } });
    expect(view.reasons).toEqual(['0 of 1 models have a usable deployment (0 %), below the required 100 %']);
    expect(view.models.list[0]?.deployments[0]?.reasons).toEqual(['circuit open']);
    expect(await readyz(beta)).toBe(200);
  });

  it('with no usable deployment, alpha forwards the request to beta: the openai SDK gets beta\'s answer, the hop in x-switchyard-attempts', async () => {
    const res = await client().chat.completions.create(CHAT, { headers: { 'x-client-request-id': 'spilled-json' } }).withResponse();

    expect(res.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
    expect(triesOf(res.response.headers)).toEqual(['region:beta/m spilled 200', 'sim-beta/m ok']);
    expect(res.response.headers.get('x-switchyard-peer-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const upstream = callsTo(simBeta, 'm-beta');
    expect(upstream).toHaveLength(1);
    // The client's key never leaves alpha: beta's upstream got beta's upstream key, and beta was sent the hash.
    expect(upstream[0]?.headers['authorization']).toBe(`Bearer ${REGION_KEYS.upstream}`);
  });

  it('streams are spilled too, relayed as beta writes them', async () => {
    const { data: stream, response } = await client().chat.completions.create({ ...CHAT, stream: true }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';

    expect(text).toBe(DEFAULT_CONTENT);
    expect(triesOf(response.headers)).toEqual(['region:beta/m spilled 200', 'sim-beta/m ok']);
  });

  it('embeddings are spilled too: the openai SDK gets beta\'s vectors, the hop in x-switchyard-attempts', async () => {
    const res = await client().embeddings.create({ model: 'm', input: ['spilled vectors'] }).withResponse();

    expect(res.data.data).toHaveLength(1);
    expect(res.data.data[0]?.embedding.length).toBeGreaterThan(0);
    expect(triesOf(res.response.headers)).toEqual(['region:beta/m spilled 200', 'sim-beta/m ok']);
  });

  it('the usage of a spilled request is recorded once, by beta, which served it', async () => {
    const query = '/admin/v1/usage?clientRequestId=spilled-json';
    await eventually(async () => expect((await beta.admin<UsageRows>(query)).rows.map((r) => r.requests)).toEqual([1]), 10_000, 'usage in beta');
    expect((await alpha.admin<UsageRows>(query)).rows).toEqual([]);
  });

  it("a spilled request's cost is counted in the tenant's budget once, by beta; alpha reserved it and released it whole", async () => {
    // Alpha's counter would hold the spilled requests' cost too if it settled its hold at their cost.
    const budget = async (gw: RegionGateway) => {
      const res = await fetch(`${gw.baseUrl}/v1/me`, { headers: { authorization: `Bearer ${REGION_KEYS.acme}` } });
      return ((await res.json()) as Me).budgets.find((b) => b.scope === 'tenant' && b.period === 'daily');
    };
    // Each region's budget counter holds exactly what its ledger holds: alpha's own requests (the
    // failures before the circuit opened), and the spilled ones (JSON, stream, embeddings) in beta only.
    const ledger = async (gw: RegionGateway) => (await gw.admin<UsageRows>('/admin/v1/usage?tenant=acme')).rows.reduce((sum, r) => sum + r.costUsd, 0);
    await eventually(async () => expect(await ledger(beta)).toBeGreaterThan(0), 10_000, 'spilled usage in beta');
    const [inAlpha, inBeta] = [await budget(alpha), await budget(beta)];
    expect(inAlpha?.reserved_usd).toBe(0);
    expect(inBeta?.reserved_usd).toBe(0);
    expect(inAlpha?.used_usd).toBeCloseTo(await ledger(alpha), 6);
    expect(inBeta?.used_usd).toBeCloseTo(await ledger(beta), 6);
  });

  it("never spills to a region the tenant's regions exclude: the client gets the normal error", async () => {
    const before = callsTo(simBeta, 'm-beta').length;

    const failure = await sdkFailure(client(REGION_KEYS.local).chat.completions.create(CHAT));

    expect(failure.status).toBe(503);
    expect(failure.message).toContain('no deployment of m is available');
    expect(callsTo(simBeta, 'm-beta')).toHaveLength(before);
  });

  it('a request that already hopped is not spilled again', async () => {
    const before = callsTo(simBeta, 'm-beta').length;
    const res = await fetch(`${alpha.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-switchyard-hop': 'beta',
        'x-switchyard-peer-credential': REGION_KEYS.link,
        'x-switchyard-key-hash': createHash('sha256').update(REGION_KEYS.acme).digest('hex'),
      },
      body: JSON.stringify(CHAT),
    });

    expect(res.status).toBe(503);
    expect(res.headers.get('x-switchyard-attempts') ?? '').not.toContain('region:');
    expect(callsTo(simBeta, 'm-beta')).toHaveLength(before);
  });

  it.each([
    ['a wrong link secret', { 'x-switchyard-hop': 'alpha', 'x-switchyard-peer-credential': 'not-the-link-secret-0123456789abcdef0123' }],
    ['a peer this region does not know', { 'x-switchyard-hop': 'gamma', 'x-switchyard-peer-credential': REGION_KEYS.link }],
    ['no secret at all', { 'x-switchyard-hop': 'alpha' }],
  ])('beta refuses a hop with %s (401, OpenAI error shape), even with a valid client key', async (_name, headers) => {
    const before = callsTo(simBeta, 'm-beta').length;
    const res = await fetch(`${beta.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${REGION_KEYS.acme}`, 'x-switchyard-key-hash': createHash('sha256').update(REGION_KEYS.acme).digest('hex'), ...headers },
      body: JSON.stringify(CHAT),
    });

    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('x-switchyard-hop');
    expect(callsTo(simBeta, 'm-beta')).toHaveLength(before);
  });

  it("alpha's upstream recovering brings /readyz back to 200 (probes close the circuit) and alpha serves itself again", async () => {
    simAlpha.setDefault({});
    await eventually(async () => expect(await readyz(alpha)).toBe(200), 15_000, 'alpha ready again');

    const res = await client().chat.completions.create(CHAT).withResponse();
    expect(res.data.choices[0]?.message.content).toBe(DEFAULT_CONTENT);
    expect(triesOf(res.response.headers)).toEqual(['sim-alpha/m ok']);
  });
});
