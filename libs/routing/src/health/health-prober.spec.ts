import type { CircuitBreakerConfig, OutlierConfig } from '@switchyard/config';
import { DeploymentHealth } from './deployment-health';
import { HealthProber } from './health-prober';

const BREAKER: CircuitBreakerConfig = { windowMs: 10_000, minRequests: 4, failureRate: 0.5, openMs: 30_000, halfOpenRequests: 2 };
const OUTLIER: OutlierConfig = { consecutiveFailures: 1_000, ejectMs: 10_000, maxEjectMs: 60_000 };
const PROBE_MS = 2_000;

/** A probe whose answers the test gives one by one. */
class FakeProbe {
  readonly calls: string[] = [];
  private readonly pending = new Map<string, { resolve: (ok: boolean) => void; reject: (e: Error) => void }>();
  readonly fn = (id: string): Promise<boolean> => {
    this.calls.push(id);
    return new Promise<boolean>((resolve, reject) => this.pending.set(id, { resolve, reject }));
  };
  answer(id: string, ok: boolean): void {
    this.take(id).resolve(ok);
  }
  fail(id: string): void {
    this.take(id).reject(new Error('connect ECONNREFUSED'));
  }
  private take(id: string) {
    const p = this.pending.get(id);
    if (p === undefined) throw new Error(`no probe of ${id} in flight`);
    this.pending.delete(id);
    return p;
  }
}

function setup() {
  const clock = { t: 1_000_000 };
  const health = new DeploymentHealth({ circuitBreaker: BREAKER, outlier: OUTLIER, probes: { intervalMs: PROBE_MS } }, () => clock.t);
  const probe = new FakeProbe();
  const sut = new HealthProber(health, probe.fn, 1_000);
  const open = (id: string) => {
    for (let i = 0; i < 4; i++) health.record(id, { ok: false, status: 503 });
  };
  return { sut, health, probe, clock, open };
}

describe(HealthProber.name, () => {
  afterEach(() => jest.useRealTimers());

  it('probes the due deployments and records the results', async () => {
    const { sut, health, probe, clock, open } = setup();
    open('a');
    open('b');
    health.record('c', { ok: true });
    clock.t += PROBE_MS;
    const round = sut.runOnce();
    expect(probe.calls).toEqual(['a', 'b']);
    probe.answer('a', true);
    probe.answer('b', false);
    await round;
    expect(health.state('a').circuit).toBe('half-open');
    expect(health.state('b')).toMatchObject({ circuit: 'open', openUntil: 1_030_000 });
  });

  it('keeps at most one probe in flight per deployment', async () => {
    const { sut, health, probe, clock, open } = setup();
    open('a');
    clock.t += PROBE_MS;
    const first = sut.runOnce();
    clock.t += PROBE_MS;
    await sut.runOnce();
    expect(probe.calls).toEqual(['a']);
    probe.answer('a', false);
    await first;
    clock.t += PROBE_MS;
    const third = sut.runOnce();
    expect(probe.calls).toEqual(['a', 'a']);
    probe.answer('a', true);
    await third;
    expect(health.state('a').circuit).toBe('half-open');
  });

  it('counts a probe that rejects or throws as failed', async () => {
    const { health, clock, open } = setup();
    const probe = new FakeProbe();
    open('a');
    open('b');
    const sut = new HealthProber(health, (id) => {
      if (id === 'b') throw new Error('bad probe');
      return probe.fn(id);
    }, 1_000);
    clock.t += 29_000;
    const round = sut.runOnce();
    probe.fail('a');
    await round;
    expect(health.state('a')).toMatchObject({ circuit: 'open', openUntil: clock.t + PROBE_MS });
    expect(health.state('b')).toMatchObject({ circuit: 'open', openUntil: clock.t + PROBE_MS });
  });

  it('runs on its timer between start() and stop()', async () => {
    jest.useFakeTimers();
    const { sut, probe, clock, open } = setup();
    open('a');
    clock.t += PROBE_MS;
    sut.start();
    sut.start();
    expect(probe.calls).toEqual([]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(probe.calls).toEqual(['a']);
    probe.answer('a', false);
    await jest.advanceTimersByTimeAsync(0);
    sut.stop();
    clock.t += 10 * PROBE_MS;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(probe.calls).toEqual(['a']);
  });

  it('does not keep the process alive', () => {
    const { sut } = setup();
    sut.start();
    try {
      expect(sut['timer']?.hasRef()).toBe(false);
    } finally {
      sut.stop();
    }
    expect(sut['timer']).toBeUndefined();
  });

  it('scenario: a deployment fails, then recovers: open → half-open → closed', async () => {
    const { health, clock } = setup();
    let upstreamUp = false;
    const attempt = (): boolean => {
      if (!health.tryAcquire('d1')) return false;
      health.record('d1', upstreamUp ? { ok: true, status: 200 } : { ok: false });
      return true;
    };
    const prober = new HealthProber(health, () => Promise.resolve(upstreamUp), 1_000);

    // Failing: four connection errors open the breaker; traffic stops reaching it.
    expect([attempt(), attempt(), attempt(), attempt(), attempt()]).toEqual([true, true, true, true, false]);
    expect(health.state('d1').circuit).toBe('open');

    // Still down at the first probe: it stays open.
    clock.t += PROBE_MS;
    await prober.runOnce();
    expect(health.state('d1').circuit).toBe('open');
    expect(attempt()).toBe(false);

    // Recovered: the next probe half-opens it long before openMs, and two good trials close it.
    upstreamUp = true;
    clock.t += PROBE_MS;
    await prober.runOnce();
    expect(health.state('d1').circuit).toBe('half-open');
    expect(attempt()).toBe(true);
    expect(health.state('d1').circuit).toBe('half-open');
    expect(attempt()).toBe(true);
    expect(health.state('d1')).toMatchObject({ circuit: 'closed', windowRequests: 0, windowFailures: 0 });
    expect(clock.t - 1_000_000).toBeLessThan(BREAKER.openMs);
    expect(health.dueForProbe()).toEqual([]);
  });
});
