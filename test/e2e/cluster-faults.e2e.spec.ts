import { JobName, QueueName, type UsageBatch } from '@switchyard/queue';
import type { Redis } from 'ioredis';
import { FAULT_KEYS, FAULT_MODEL, FAULT_RPM, FaultCluster, type KillMark, type ReplicaName, upstreamKeyOf } from './support/fault-cluster';
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
  const fields = { sent: load.outcomes.length, answered: load.answered, failed, ...extra, usageRows: ledger.rows, missing: ledger.missing.length, duplicated: ledger.duplicated, rowsOfFailed: ledger.rowsOfFailed };
  const kinds = [...new Set(load.failures.map((f) => `${f.stream ? 'stream' : 'json'} ${f.status ?? '-'} ${f.error ?? ''}`.slice(0, 200)))];
  const line = `[cluster-faults] ${name}: ${Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(' ')}${kinds.length ? ` failures: ${kinds.join(' | ')}` : ''}`;
  figures.push(line);
  process.stdout.write(`${line}\n`);
}

/** The request ids of the usage events one batch job carries. */
async function batchRequestIds(redis: Redis, jobId: string): Promise<string[]> {
  const [name, data] = await redis.hmget(`switchyard:${QueueName.Usage}:${jobId}`, 'name', 'data');
  expect(name).toBe(JobName.RecordUsageBatch);
  const batch = JSON.parse(data ?? '{"events":[]}') as UsageBatch;
  return batch.events.map((e) => e.requestId ?? '');
}

/** Failures must be requests that were in flight when the replica died. */
function expectOnlyInFlightFailed(load: SteadyLoad, kill: KillMark): LoadOutcome[] {
  const inFlight = new Set(load.inFlightBetween(kill.signalledAt, kill.exitedAt).map((o) => o.n));
  const outsiders = load.failures.filter((f) => !inFlight.has(f.n));
  expect(outsiders.map((f) => `#${f.n} ${f.status ?? '-'} ${f.error ?? ''}`)).toEqual([]);
  return [...inFlight].map((n) => load.outcomes.find((o) => o.n === n) as LoadOutcome);
}

/** Failed requests sent after the signal: the ingress or router picked the dead replica before it saw the connection close. */
function sentAfterKill(load: SteadyLoad, kill: KillMark): number {
  return load.failures.filter((f) => f.startedAt > kill.signalledAt).length;
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
    const dead = cluster?.dead() ?? [];
    expect(dead.map((name) => `${name} died:\n${cluster.output(name as ReplicaName).slice(-3000)}`)).toEqual([]);
  });

  /**
   * SIGKILL one replica under load (of `key`'s requests), check the failures, restart it, wait
   * until `reached` shows calls reach it again, and check that no other process was restarted.
   */
  async function killAndRejoin(name: ReplicaName, reached: (load: SteadyLoad) => Promise<number>, key: string = FAULT_KEYS.open): Promise<{ load: SteadyLoad; kill: KillMark; inFlight: number; rejoin: number }> {
    const before = cluster.pids();
    const load = new SteadyLoad(cluster.openai(key), { tag: `kill-${name}`, model: FAULT_MODEL }).start();
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

  it('SIGKILL of one auth replica fails no request: what it dropped is admitted again on the other; it rejoins when restarted', async () => {
    // The limited key: a key without limits is admitted at the ingress and never reaches auth
    // (docs/architecture.md, "Cluster: admission at the ingress").
    const { load, kill, inFlight, rejoin } = await killAndRejoin('auth-1', inboundCalls('auth-1'), FAULT_KEYS.limited);
    const ledger = await settledLedger(cluster.pg, load.outcomes, LEDGER_WAIT_MS);
    report('kill auth-1', load, ledger, { inFlightAtKill: inFlight, failedSentAfterKill: sentAfterKill(load, kill), rejoinBytes: rejoin });
    // An Admit the dead replica dropped is made again on the other (GrpcPortClient), counted ones
    // too: the quota store admits a repeated request id without counting it twice.
    expect(load.failures.map((f) => `#${f.n} ${f.stream ? 'stream' : 'json'} ${f.status ?? '-'} ${f.error ?? ''}`)).toEqual([]);
    expectLedgerExact(ledger);
  });

  it('SIGKILL of one router replica fails no stream it had not begun answering; it rejoins when restarted', async () => {
    const { load, kill, inFlight, rejoin } = await killAndRejoin('router-1', inboundCalls('router-1'));
    const ledger = await settledLedger(cluster.pg, load.outcomes, LEDGER_WAIT_MS);
    report('kill router-1', load, ledger, { inFlightAtKill: inFlight, failedSentAfterKill: sentAfterKill(load, kill), rejoinBytes: rejoin });
    // A Route the dead router had sent nothing of is made again on the other one (GrpcPortClient),
    // so a stream fails only once it has begun: an error event after the first byte, never an HTTP
    // error status. (A non-streamed answer is one message: a router that dies between it and the
    // call's status fails it with a 503 that the client cannot tell from one before any message.)
    expect(load.failures.filter((f) => f.stream && f.status !== undefined).map((f) => `#${f.n} stream ${f.status ?? '-'} ${f.error ?? ''}`)).toEqual([]);
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
    // adapter-1's key (or the call never got that far). Whether the simulator had finished
    // answering does not tell: it marks a call completed once it has sent the last byte, and an
    // adapter killed before relaying those bytes still fails the request.
    const notOnKilled = load.failures.filter((failure) => {
      const upstream = cluster.sim.requests.filter((r) => r.rawBody.includes(load.marker(failure.n)));
      return upstream.length > 0 && !upstream.some((r) => r.headers.authorization === key);
    });
    expect(notOnKilled.map((f) => `#${f.n} failed without an unfinished upstream call from adapter-1: ${f.error ?? ''}`)).toEqual([]);
    const ledger = await settledLedger(cluster.pg, load.outcomes, LEDGER_WAIT_MS);
    report('kill adapter-1', load, ledger, { inFlightAtKill: inFlight, failedSentAfterKill: sentAfterKill(load, kill), upstreamCallsAfterRejoin: byKilled().length - atRestart });
    expectLedgerExact(ledger);
  });

  it('SIGKILL of one billing replica mid-batch loses no usage record and duplicates none; it rejoins when restarted', async () => {
    const redis = cluster.redis.client();
    const active = `switchyard:${QueueName.Usage}:active`;
    const before = cluster.pids();
    const load = new SteadyLoad(cluster.openai(), { tag: 'kill-billing-1', model: FAULT_MODEL }).start();
    let orphaned: string[] = [];
    let kill: KillMark | undefined;
    let rejoin = 0;
    try {
      await load.answeredMore(20);
      // Hold the ledger's inserts: both replicas then sit on jobs they have taken and not
      // finished, their inserts waiting for the lock, and the kill lands in the middle of a batch.
      const lock = await cluster.pg.connect();
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE usage_records IN EXCLUSIVE MODE');
      try {
        await load.answeredMore(20);
        // BullMQ locks each active job with `<worker id>:<n>`: two worker ids, both replicas hold jobs.
        await eventually(async () => {
          const ids = await redis.lrange(active, 0, -1);
          const tokens = await Promise.all(ids.map((id) => redis.get(`switchyard:${QueueName.Usage}:${id}:lock`)));
          const workers = new Set(tokens.filter((t): t is string => t !== null).map((t) => (t.includes(':') ? t.slice(0, t.lastIndexOf(':')) : t)));
          if (workers.size < 2) throw new Error(`${ids.length} usage jobs active, held by ${workers.size} worker(s)`);
        }, 30_000, 'usage jobs held by both billing replicas');
        kill = await cluster.kill('billing-1');
      } finally {
        await lock.query('COMMIT');
      }
      // The survivor finishes its own jobs at once; the jobs still active a moment later are
      // the dead replica's, until their locks lapse and a stall check hands them out again.
      const first = await eventually(async () => {
        const ids = await redis.lrange(active, 0, -1);
        if (ids.length === 0) throw new Error('no active jobs');
        return ids;
      }, 10_000, 'jobs left active by the killed billing replica');
      await new Promise((r) => setTimeout(r, 2_000));
      const second = new Set(await redis.lrange(active, 0, -1));
      orphaned = first.filter((id) => second.has(id));
      expect(orphaned.length).toBeGreaterThan(0);

      await cluster.restart('billing-1');
      // Calls reach it again: it writes usage to the ledger.
      const ledgerTraffic = { pid: cluster.pid('billing-1'), peerPort: cluster.pg.port };
      const start = socketBytes(ledgerTraffic).sent;
      rejoin = await eventually(async () => {
        const grown = socketBytes(ledgerTraffic).sent - start;
        if (grown < TRAFFIC_BYTES) throw new Error(`billing-1 sent ${grown} bytes to the ledger since its restart; ${load.summary()}`);
        return grown;
      }, 30_000, 'usage written by the restarted billing-1');
      await load.answeredMore(10);
    } finally {
      await load.stop();
    }
    // Requests never wait on billing: none fails.
    expect(load.failures.map((f) => `#${f.n} ${f.status ?? '-'} ${f.error ?? ''}`)).toEqual([]);
    const after = cluster.pids();
    expect({ ...after, 'billing-1': before['billing-1'] }).toEqual(before);
    // The dead replica's jobs are handed out again once their locks lapse (the killed inserts
    // may have committed after all: Postgres finishes a statement whose client is gone), and the
    // second delivery must not add a row.
    const completed = `switchyard:${QueueName.Usage}:completed`;
    await eventually(async () => {
      const scores = await Promise.all(orphaned.map((id) => redis.zscore(completed, id)));
      const pending = orphaned.filter((_, i) => scores[i] === null);
      if (pending.length) throw new Error(`${pending.length} of ${orphaned.length} orphaned jobs not completed yet`);
    }, LEDGER_WAIT_MS, `the killed replica's jobs delivered again and completed`);
    const ledger = await settledLedger(cluster.pg, load.outcomes, LEDGER_WAIT_MS);
    const answeredIds = new Set(load.outcomes.map((o) => o.requestId));
    // Each job is a batch of usage events (issue 11): the orphaned jobs' events are requests the clients saw answered.
    const orphanedEvents = (await Promise.all(orphaned.map((id) => batchRequestIds(redis, id)))).flat();
    report('kill billing-1 mid-batch', load, ledger, { orphanedJobs: orphaned.length, orphanedEvents: orphanedEvents.length, rejoinBytes: rejoin, killWindowInFlight: kill ? load.inFlightBetween(kill.signalledAt, kill.exitedAt).length : 0 });
    expect(orphanedEvents.length).toBeGreaterThanOrEqual(orphaned.length);
    expect(orphanedEvents.filter((id) => !answeredIds.has(id))).toEqual([]);
    expectLedgerExact(ledger);
  });

  /**
   * Kills Redis under load from a key without limits and one with a limit (counted in Redis),
   * starts it again, and returns both loads and the moments of the outage.
   */
  async function redisRestart(tag: string): Promise<{ open: SteadyLoad; limited: SteadyLoad; downAt: number; upAt: number }> {
    const open = new SteadyLoad(cluster.openai(), { tag: `${tag}-open`, model: FAULT_MODEL }).start();
    const limited = new SteadyLoad(cluster.openai(FAULT_KEYS.limited), { tag: `${tag}-limited`, model: FAULT_MODEL, concurrency: 2 }).start();
    try {
      await open.answeredMore(20);
      await limited.answeredMore(5);
      const downAt = performance.now();
      await cluster.redis.kill();
      // While Redis is down: the key without limits never needs it; the limited key's
      // admissions cannot be counted and follow SWITCHYARD_QUOTA_ON_ERROR.
      await open.answeredMore(20);
      const sentWhileDown = limited.outcomes.length;
      await eventually(async () => {
        if (limited.outcomes.length < sentWhileDown + 4) throw new Error(`limited: ${limited.summary()}`);
      }, 30_000, 'limited-key requests while Redis is down');
      const upAt = performance.now();
      await cluster.redis.start();
      // Nobody touches the gateway: limits must come back by themselves, on every auth replica.
      await limited.okInARow(10, 60_000);
      await open.answeredMore(10);
      return { open, limited, downAt, upAt };
    } finally {
      await Promise.all([open.stop(), limited.stop()]);
    }
  }

  it('a Redis restart: limits fail closed while it is down and recover by themselves; usage waits and is recorded once', async () => {
    const before = cluster.pids();
    const { open, limited, downAt, upAt } = await redisRestart('redis-closed');
    expect(open.failures.map((f) => `#${f.n} ${f.status ?? '-'} ${f.error ?? ''}`)).toEqual([]);
    const refused = limited.failures;
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.filter((f) => f.status !== 503).map((f) => `#${f.n} ${f.status ?? '-'} ${f.error ?? ''}`)).toEqual([]);
    // Refused only from the outage on, until every auth replica's Redis client reconnected (the
    // replicas reconnect each on its own backoff, so one may admit again a little before the
    // other); the load ended with ten admissions in a row.
    expect(refused.filter((f) => f.endedAt < downAt).map((f) => `#${f.n}`)).toEqual([]);
    const recovered = Math.min(...limited.outcomes.filter((o) => o.ok && o.startedAt > upAt).map((o) => o.startedAt));
    expect(cluster.pids()).toEqual(before);
    const ledger = await settledLedger(cluster.pg, [...open.outcomes, ...limited.outcomes], LEDGER_WAIT_MS);
    report('redis restart (quota closed)', open, ledger, {
      answeredWhileDown: open.outcomes.filter((o) => o.ok && o.startedAt > downAt && o.endedAt < upAt).length,
      limitedSent: limited.outcomes.length,
      limitedAnswered: limited.answered,
      limitedRefused503: refused.length,
      refusedAfterFirstReadmission: refused.filter((f) => f.startedAt > recovered).length,
    });
    expectLedgerExact(ledger);
  });

  it('a Redis restart with SWITCHYARD_QUOTA_ON_ERROR=open: limited keys are admitted uncounted while it is down', async () => {
    await cluster.reconfigure('auth', { SWITCHYARD_QUOTA_ON_ERROR: 'open' });
    const before = cluster.pids();
    const { open, limited } = await redisRestart('redis-open');
    expect(open.failures.map((f) => `#${f.n} ${f.status ?? '-'} ${f.error ?? ''}`)).toEqual([]);
    expect(limited.failures.map((f) => `#${f.n} ${f.status ?? '-'} ${f.error ?? ''}`)).toEqual([]);
    // Admitted is not counted: the limit is back only when answers report the count again.
    const remaining = await eventually(async () => {
      const { response } = await cluster
        .openai(FAULT_KEYS.limited)
        .chat.completions.create({ model: FAULT_MODEL, messages: [{ role: 'user', content: 'counted again?' }] })
        .withResponse();
      const header = response.headers.get('x-ratelimit-remaining-requests');
      if (header === null || !(Number(header) < FAULT_RPM)) throw new Error(`x-ratelimit-remaining-requests: ${header}`);
      return Number(header);
    }, 30_000, 'the limited key counted again after the Redis restart');
    expect(cluster.pids()).toEqual(before);
    const ledger = await settledLedger(cluster.pg, [...open.outcomes, ...limited.outcomes], LEDGER_WAIT_MS);
    report('redis restart (quota open)', open, ledger, {
      limitedSent: limited.outcomes.length,
      limitedAnswered: limited.answered,
      limitedFailed: limited.failures.length,
      remainingAfter: remaining,
    });
    expectLedgerExact(ledger);
  });

  it('a Postgres restart: requests keep being served from the caches, billing catches up', async () => {
    const before = cluster.pids();
    const load = new SteadyLoad(cluster.openai(), { tag: 'postgres-restart', model: FAULT_MODEL }).start();
    let downAt = 0;
    let upAt = 0;
    try {
      await load.answeredMore(20);
      downAt = performance.now();
      cluster.pg.kill('immediate');
      // Down for longer than the key and catalogue reload period (10 s), so the services try to
      // reload while it is gone and must keep serving from what they hold.
      await load.answeredMore(30);
      await new Promise((r) => setTimeout(r, 12_000));
      upAt = performance.now();
      await cluster.pg.start();
      await load.answeredMore(20);
    } finally {
      await load.stop();
    }
    expect(load.failures.map((f) => `#${f.n} ${f.status ?? '-'} ${f.error ?? ''}`)).toEqual([]);
    expect(cluster.pids()).toEqual(before);
    const ledger = await settledLedger(cluster.pg, load.outcomes, LEDGER_WAIT_MS);
    report('postgres restart', load, ledger, { answeredWhileDown: load.outcomes.filter((o) => o.ok && o.startedAt > downAt && o.endedAt < upAt).length });
    expectLedgerExact(ledger);
  });
});
