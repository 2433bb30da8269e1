import { FAULT_MODEL, FaultCluster, type KillMark, type ReplicaName, upstreamKeyOf } from './support/fault-cluster';
import { type LedgerCount, settledLedger } from './support/fault-ledger';
import { eventually } from './support/process-harness';
import { socketBytes } from './support/socket-traffic';
import { type LoadOutcome, SteadyLoad } from './support/steady-load';

// Faults with real processes (issue 11): two replicas of every cluster service behind one
// ingress, on a Postgres and a Redis of the suite's own, under steady load through the openai
// SDK with its retries off. Each test kills or restarts one thing and checks what the clients
// and the ledger saw; each prints one summary line of figures (sent, failed, usage rows).
// Waits are bounded and say what they waited for; no timing is asserted.

jest.setTimeout(240_000);

// Upstream answers take a little while, so a kill always finds requests in flight.
const SLOW_UPSTREAM = { firstByteDelayMs: 120, chunkDelayMs: 30, chunks: 4 };
// A BullMQ job whose worker died is taken back once its lock lapses and a stall check runs
// (30 s each by default): the ledger may need a minute to be complete after a billing kill.
const LEDGER_WAIT_MS = 120_000;
// Bytes a replica must receive or send for "traffic reaches it": far above keepalive pings (17 bytes every 10 s).
const TRAFFIC_BYTES = 4_000;

const figures: string[] = [];

function report(name: string, load: SteadyLoad, ledger: LedgerCount, extra: Record<string, number | string> = {}): void {
  const failed = load.failures.length;
  const fields = { sent: load.outcomes.length, answered: load.answered, failed, ...extra, usageRows: ledger.rows, missing: ledger.missing.length, duplicated: ledger.duplicated };
  const kinds = [...new Set(load.failures.map((f) => `${f.stream ? 'stream' : 'json'} ${f.status ?? '-'} ${f.error ?? ''}`.slice(0, 200)))];
  const line = `[cluster-faults] ${name}: ${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(' ')}${kinds.length ? ` failures: ${kinds.join(' | ')}` : ''}`;
  figures.push(line);
  process.stdout.write(`${line}\n`);
}

/** Failures must be requests that were in flight when the replica died. */
function expectOnlyInFlightFailed(load: SteadyLoad, kill: KillMark): LoadOutcome[] {
  const inFlight = new Set(load.inFlightBetween(kill.signalledAt, kill.exitedAt).map((o) => o.n));
  const outsiders = load.failures.filter((f) => !inFlight.has(f.n));
  expect(outsiders.map((f) => `#${f.n} ${f.status ?? '-'} ${f.error ?? ''}`)).toEqual([]);
  return [...inFlight].map((n) => load.outcomes.find((o) => o.n === n) as LoadOutcome);
}

function expectLedgerExact(ledger: LedgerCount): void {
  expect(ledger.missing).toEqual([]);
  expect(ledger.duplicated).toBe(0);
  expect(ledger.rows).toBe(ledger.answered);
  expect(ledger.notOk).toBe(0);
}

describe('cluster faults (two replicas of each service, real processes)', () => {
  let cluster: FaultCluster;

  beforeAll(async () => {
    cluster = await FaultCluster.start();
    cluster.sim.setDefault(SLOW_UPSTREAM);
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
    if (figures.length) process.stdout.write(`${figures.join('\n')}\n`);
  });

  afterEach(() => {
    // Every test leaves all nine processes running.
    expect(cluster.dead()).toEqual([]);
  });

  /**
   * SIGKILL one replica under load, check the failures, restart it, wait until `reached` shows
   * calls reach it again, and check that no other process was restarted.
   */
  async function killAndRejoin(name: ReplicaName, reached: (load: SteadyLoad) => Promise<number>): Promise<{ load: SteadyLoad; kill: KillMark; inFlight: number; rejoin: number }> {
    const before = cluster.pids();
    const load = new SteadyLoad(cluster.openai(), { tag: `kill-${name}`, model: FAULT_MODEL }).start();
    try {
      await load.answeredMore(20);
      const kill = await cluster.kill(name);
      await load.answeredMore(20);
      await cluster.restart(name);
      const rejoin = await reached(load);
      await load.answeredMore(10);
      await load.stop();
      const inFlight = expectOnlyInFlightFailed(load, kill).length;
      expect(load.failures.length).toBeLessThanOrEqual(inFlight);
      const after = cluster.pids();
      expect({ ...after, [name]: before[name] }).toEqual(before);
      expect(after[name]).not.toBe(before[name]);
      return { load, kill, inFlight, rejoin };
    } finally {
      await load.stop();
    }
  }

  /** Waits until the replica's gRPC port has received `TRAFFIC_BYTES` more while the load runs; returns the bytes. */
  function inboundCalls(name: ReplicaName) {
    return async (load: SteadyLoad): Promise<number> => {
      const port = cluster.port(name);
      const start = socketBytes({ localPort: port }).received;
      return eventually(
        async () => {
          const grown = socketBytes({ localPort: port }).received - start;
          if (grown < TRAFFIC_BYTES) throw new Error(`${name} received ${grown} bytes of calls since its restart; ${load.summary()}`);
          return grown;
        },
        30_000,
        `calls reaching the restarted ${name}`,
      );
    };
  }

  it('SIGKILL of one auth replica fails at most the admissions in flight on it; it rejoins when restarted', async () => {
    const { load, inFlight, rejoin } = await killAndRejoin('auth-1', inboundCalls('auth-1'));
    const ledger = await settledLedger(cluster.pg, load.outcomes, LEDGER_WAIT_MS);
    report('kill auth-1', load, ledger, { inFlightAtKill: inFlight, rejoinBytes: rejoin });
    expectLedgerExact(ledger);
  });

  it('SIGKILL of one router replica fails at most the requests in flight on it; it rejoins when restarted', async () => {
    const { load, inFlight, rejoin } = await killAndRejoin('router-1', inboundCalls('router-1'));
    const ledger = await settledLedger(cluster.pg, load.outcomes, LEDGER_WAIT_MS);
    report('kill router-1', load, ledger, { inFlightAtKill: inFlight, rejoinBytes: rejoin });
    expectLedgerExact(ledger);
  });

  it('SIGKILL of one adapter replica fails only requests whose upstream call it was making; it rejoins when restarted', async () => {
    const key = `Bearer ${upstreamKeyOf('adapter-1')}`;
    const byKilled = () => cluster.sim.requests.filter((r) => r.headers.authorization === key);
    let atRestart = 0;
    const { load, kill, inFlight } = await killAndRejoin('adapter-1', async (l) => {
      atRestart = byKilled().length;
      await eventually(
        async () => {
          if (byKilled().length < atRestart + 3) throw new Error(`the restarted adapter-1 made ${byKilled().length - atRestart} upstream calls; ${l.summary()}`);
        },
        30_000,
        'upstream calls from the restarted adapter-1',
      );
      return byKilled().length - atRestart;
    });
    // Each failed request was being served by adapter-1: the simulator got its upstream call with
    // adapter-1's key and never finished answering it (or it never got that far).
    const calls = cluster.sim.requests.filter((r) => r.receivedAt >= performance.timeOrigin + kill.signalledAt - 60_000);
    for (const failure of load.failures) {
      const upstream = calls.filter((r) => r.rawBody.includes(load.marker(failure.n)));
      expect(upstream.filter((r) => r.completed && r.headers.authorization !== key).map((r) => `#${failure.n} answered upstream via ${String(r.headers.authorization)}`)).toEqual([]);
    }
    const ledger = await settledLedger(cluster.pg, load.outcomes, LEDGER_WAIT_MS);
    report('kill adapter-1', load, ledger, { inFlightAtKill: inFlight, upstreamCallsAfterRejoin: byKilled().length - atRestart });
    expectLedgerExact(ledger);
  });
});
