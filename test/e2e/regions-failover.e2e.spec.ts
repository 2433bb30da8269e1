import OpenAI from 'openai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderSimulator } from '@switchyard/testing';
import { AdminClient } from './support/admin-client';
import { countLedger, settledLedger } from './support/fault-ledger';
import { CHECK_INTERVAL_MS, HaproxyBalancer } from './support/haproxy-balancer';
import { type PrivatePostgres, startPrivatePostgres } from './support/private-servers';
import { eventually, freePort } from './support/process-harness';
import { FAILOVER_ADMIN_TOKEN, FAILOVER_KEY, FAILOVER_MODEL, type RegionPlan, RegionStack, regionYaml, upstreamKeyOf } from './support/region-stack';
import { SteadyLoad } from './support/steady-load';
import { TcpLink } from './support/tcp-link';

// The failover test of issue 15, with real parts: two regions, a and b, each a complete cluster
// stack (auth, router, adapter, billing, ingress; a Redis of its own) on one Postgres, with
// HAProxy in front health-checking each region's /readyz, under steady load through the openai
// SDK with its retries off. Region a reaches Postgres through a TCP link the test can cut. One simulator is every region's upstream; each region's adapter
// presents its own key, so a script can fail region a's upstream calls alone. Waits are
// bounded and say what they waited for; the one duration asserted is the documented 2 s for a
// revocation to reach another region (a bound on the outcome, polled). Each case prints its
// figures; the table is printed at the end.

jest.setTimeout(180_000);

// Upstream answers take a little while, so a kill always finds requests in flight.
const SLOW_UPSTREAM = { firstByteDelayMs: 120, chunkDelayMs: 30, chunks: 4 };
/** The bound documented for a change made in one region to reach every region (§6, Data across regions). */
const CROSS_REGION_BOUND_MS = 2_000;
/** More failing upstream answers than region a can ask for while a case runs (each is used once). */
const SCRIPTED_FAILURES = 3_000;
/** Long enough for region a's services to try (and fail) their 10 s key and catalogue reload once. */
const CUT_MIN_MS = 12_000;
/** Billing retries a failed insert with exponential backoff from 0.5 s: after a short cut, the next try is seconds away. */
const LEDGER_WAIT_MS = 90_000;

/** One row per case: the four figures every case has, and the case's own in `detail`. */
interface CaseFigures {
  readonly sent: number;
  readonly failed: number;
  /** What "drain" means for the case: named in `detail`'s first field. */
  readonly drainMs: number;
  readonly usageRows: number | string;
  readonly detail: Record<string, number | string>;
}
const figures: Record<string, Omit<CaseFigures, 'detail'> & { detail: string }> = {};

function record(name: string, { detail, ...main }: CaseFigures): void {
  const row = { ...main, detail: Object.entries(detail).map(([k, v]) => `${k}=${v}`).join(' ') };
  figures[name] = row;
  console.log(`[regions-failover] ${name}: ${Object.entries(row).map(([k, v]) => `${k}=${v}`).join(' ')}`);
}

async function chatStatus(baseUrl: string, apiKey: string): Promise<number> {
  const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey, maxRetries: 0, timeout: 15_000 });
  try {
    await client.chat.completions.create({ model: FAILOVER_MODEL, messages: [{ role: 'user', content: 'hi' }] });
    return 200;
  } catch (error) {
    if (error instanceof OpenAI.APIError && error.status !== undefined) return error.status;
    throw error;
  }
}

describe('regions failover: two cluster stacks behind HAProxy', () => {
  let sim: ProviderSimulator;
  let pg: PrivatePostgres;
  let a: RegionStack;
  let b: RegionStack;
  let lb: HaproxyBalancer;
  let linkA: TcpLink;
  let dir = '';

  const client = () => new OpenAI({ baseURL: `${lb.baseUrl}/v1`, apiKey: FAILOVER_KEY, maxRetries: 0, timeout: 30_000 });
  const readyz = async (region: RegionStack) => (await fetch(`${region.baseUrl}/readyz`)).status;

  beforeAll(async () => {
    [sim, pg] = await Promise.all([ProviderSimulator.start({ maxRecords: 100_000 }), startPrivatePostgres()]);
    sim.setDefault(SLOW_UPSTREAM);
    dir = mkdtempSync(join(tmpdir(), 'sy-failover-'));
    const [portA, portB] = [await freePort(), await freePort()];
    const planA: RegionPlan = { name: 'a', host: '127.0.0.2', port: portA, peer: { name: 'b', url: `http://127.0.0.3:${portB}` } };
    const planB: RegionPlan = { name: 'b', host: '127.0.0.3', port: portB, peer: { name: 'a', url: `http://127.0.0.2:${portA}` } };
    const [configA, configB] = [join(dir, 'region-a.yaml'), join(dir, 'region-b.yaml')];
    writeFileSync(configA, regionYaml(planA, sim.url));
    writeFileSync(configB, regionYaml(planB, sim.url));
    // One after the other: region a applies the shared catalogue and migrates the database first.
    linkA = await TcpLink.start(pg.port);
    const viaLink = new URL(pg.url);
    viaLink.port = String(linkA.port);
    a = await RegionStack.start(planA, configA, viaLink.toString(), true);
    b = await RegionStack.start(planB, configB, pg.url);
    lb = await HaproxyBalancer.start([planA, planB]);
  }, 240_000);

  afterAll(async () => {
    await lb?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
    await sim?.close();
    await linkA?.cut();
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (Object.keys(figures).length) console.table(figures);
  }, 60_000);

  it("a key revoked through region a's admin API is refused through region b within 2 s", async () => {
    const admin = new AdminClient(a.baseUrl, FAILOVER_ADMIN_TOKEN);
    const { key, secret } = await admin.ok<{ key: { id: string }; secret: string }>('POST', '/tenants/failover/keys', { name: 'cross-region' });
    await eventually(async () => expect(await chatStatus(b.baseUrl, secret)).toBe(200), 10_000, 'the new key admitted by region b');

    await admin.ok('POST', `/tenants/failover/keys/${key.id}/revoke`, {});
    const revokedAt = performance.now();
    let last = 0;
    let sent = 0; // requests to b after the revocation
    while (performance.now() - revokedAt <= CROSS_REGION_BOUND_MS && last !== 401) {
      last = await chatStatus(b.baseUrl, secret);
      sent++;
    }
    const refusedAfterMs = Math.round(performance.now() - revokedAt);
    record('3 key revoked in a', { sent, failed: 0, drainMs: refusedAfterMs, usageRows: '-', detail: { drain: 'revoke in a until b refuses', lastStatusInB: last } });
    expect(last).toBe(401);
    expect(refusedAfterMs).toBeLessThanOrEqual(CROSS_REGION_BOUND_MS);
    expect(await chatStatus(a.baseUrl, secret)).toBe(401);
  });

  it("region a's upstream failing: a spills over to b or leaves the pool, and no client sees an error", async () => {
    const aKey = { authorization: `Bearer ${upstreamKeyOf('a')}` };
    const callsOf = (key: string) => sim.requests.filter((r) => r.headers['authorization'] === `Bearer ${key}`).length;
    const load = new SteadyLoad(client(), { tag: 'upstream-a', model: FAILOVER_MODEL, concurrency: 4 }).start();
    try {
      await load.answeredMore(20);
      const [aBefore, bBefore] = [callsOf(upstreamKeyOf('a')), callsOf(upstreamKeyOf('b'))];
      expect(aBefore).toBeGreaterThan(0);
      for (let i = 0; i < SCRIPTED_FAILURES; i++) sim.script({ match: { headers: aKey }, error: { status: 500 } });
      const failingFrom = performance.now();
      // Region a is seen unready (its one model's deployment ejected) while its upstream fails.
      await eventually(async () => expect(await readyz(a)).toBe(503), 20_000, 'region a unready');
      const unreadyAfterMs = Math.round(performance.now() - failingFrom);
      await load.answeredMore(40);
      const failedUpstreamCalls = SCRIPTED_FAILURES - sim.pendingScenarios;
      const failingForMs = Math.round(performance.now() - failingFrom);
      const sentWhileFailing = load.outcomes.filter((o) => o.startedAt >= failingFrom).length;
      // Read before the reset, which forgets the recorded requests too.
      const upstreamCallsOfB = callsOf(upstreamKeyOf('b')) - bBefore;

      sim.reset();
      sim.setDefault(SLOW_UPSTREAM);
      await eventually(async () => expect((await lb.states())['a']).toBe('UP'), 30_000, 'region a back in the pool');
      await load.answeredMore(10);
      await load.stop();
      const ledger = await settledLedger(pg, load.outcomes, 15_000);
      record('2 upstream of a failing', {
        sent: load.outcomes.length,
        failed: load.failures.length,
        drainMs: unreadyAfterMs,
        usageRows: ledger.rows,
        detail: {
          drain: 'failing until a unready',
          sentWhileFailing,
          failingForMs,
          failedUpstreamCallsOfA: failedUpstreamCalls,
          upstreamCallsOfB,
          // A spilled request is recorded by b under b's request id, not the one the client got.
          answeredWithoutRowUnderItsId: ledger.missing.length,
        },
      });
      expect(failedUpstreamCalls).toBeGreaterThan(0);
      expect(load.failures.map((f) => `#${f.n} ${f.stream ? 'stream' : 'json'} ${f.status ?? '-'} ${f.error ?? ''}`)).toEqual([]);
      expect(ledger.duplicated).toBe(0);
    } finally {
      await load.stop();
      sim.reset();
      sim.setDefault(SLOW_UPSTREAM);
    }
  });

  it('region a cut off from Postgres keeps serving; its usage arrives once the link returns, exactly once', async () => {
    const load = new SteadyLoad(new OpenAI({ baseURL: `${a.baseUrl}/v1`, apiKey: FAILOVER_KEY, maxRetries: 0, timeout: 30_000 }), { tag: 'pg-cut-a', model: FAILOVER_MODEL, concurrency: 3 }).start();
    try {
      await load.answeredMore(15);
      const cutAt = performance.now();
      await linkA.cut();
      await load.answeredMore(30);
      while (performance.now() - cutAt < CUT_MIN_MS) await load.answeredMore(3);
      const whileCut = load.outcomes.filter((o) => o.ok && o.startedAt >= cutAt);
      // Nothing of what was served during the cut can be in the ledger: region a's only way there is cut.
      const rowsDuringCut = (await countLedger(pg, whileCut)).rows;
      await linkA.restore();
      const restoredAt = performance.now();
      const cutForMs = Math.round(restoredAt - cutAt);
      await load.answeredMore(10);
      await load.stop();
      const ledger = await settledLedger(pg, load.outcomes, LEDGER_WAIT_MS);
      record('4 a cut off from Postgres', {
        sent: load.outcomes.length,
        failed: load.failures.length,
        drainMs: Math.round(performance.now() - restoredAt),
        usageRows: ledger.rows,
        detail: { drain: 'link back until ledger complete', answeredWhileCut: whileCut.length, cutForMs, rowsDuringCut, missing: ledger.missing.length, duplicated: ledger.duplicated },
      });
      expect(load.failures.map((f) => `#${f.n} ${f.stream ? 'stream' : 'json'} ${f.status ?? '-'} ${f.error ?? ''}`)).toEqual([]);
      expect(whileCut.length).toBeGreaterThan(0);
      expect(rowsDuringCut).toBe(0);
      expect(ledger.missing).toEqual([]);
      expect(ledger.duplicated).toBe(0);
      expect(ledger.rows).toBe(ledger.answered);
    } finally {
      await load.stop();
      await linkA.restore();
    }
  });

  it('every process of region a killed: HAProxy marks a down, and only requests in flight at the kill fail', async () => {
    await eventually(async () => expect(await lb.states()).toEqual({ a: 'UP', b: 'UP' }), 30_000, 'both regions in the pool');
    const load = new SteadyLoad(client(), { tag: 'kill-a', model: FAILOVER_MODEL, concurrency: 4 }).start();
    try {
      await load.answeredMore(30);
      const kill = await a.killAll();
      const markedDownMs = await eventually(
        async () => {
          const state = (await lb.states())['a'] ?? '';
          if (!state.startsWith('DOWN')) throw new Error(`region a is ${state}`);
          return Math.round(performance.now() - kill.signalledAt);
        },
        20_000,
        'HAProxy marking region a down',
      );
      await load.answeredMore(30);
      await load.stop();
      const inFlight = load.inFlightBetween(kill.signalledAt, kill.exitedAt);
      const ledger = await settledLedger(pg, load.outcomes, 15_000);
      record('1 region a killed', {
        sent: load.outcomes.length,
        failed: load.failures.length,
        drainMs: markedDownMs,
        usageRows: ledger.rows,
        detail: {
          drain: 'kill until HAProxy marks a DOWN',
          checkIntervalMs: CHECK_INTERVAL_MS,
          inFlightAtKill: inFlight.length,
          failedSentAfterKill: load.failures.filter((f) => f.startedAt > kill.exitedAt).length,
          // Usage a had queued in its Redis (killed with it) and not yet drained is lost.
          answeredWithoutRow: ledger.missing.length,
        },
      });
      expect(load.failures.length).toBeLessThanOrEqual(inFlight.length);
      expect(await readyz(b)).toBe(200);
      expect(b.dead()).toEqual([]);
    } finally {
      await load.stop();
    }
  });
});
