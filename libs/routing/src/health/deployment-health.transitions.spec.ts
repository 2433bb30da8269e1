import type { CircuitBreakerConfig, OutlierConfig } from '@switchyard/config';
import { DeploymentHealth } from './deployment-health';
import type { AttemptOutcome, HealthTransitionEvent } from './health.types';

// The transitions DeploymentHealth reports to its listener (the notifier, issue 13): once per
// transition, never per request.

const OK: AttemptOutcome = { ok: true, status: 200 };
const FAIL: AttemptOutcome = { ok: false, status: 500 };
const BREAKER: CircuitBreakerConfig = { windowMs: 10_000, minRequests: 4, failureRate: 0.5, openMs: 5_000, halfOpenRequests: 2 };
const OUTLIER: OutlierConfig = { consecutiveFailures: 3, ejectMs: 10_000, maxEjectMs: 25_000 };
const T0 = 1_000_000;

function setup(outlier: Partial<OutlierConfig> = {}) {
  const clock = { t: T0 };
  const sut = new DeploymentHealth({ circuitBreaker: BREAKER, outlier: { ...OUTLIER, ...outlier }, probes: { intervalMs: 2_000 } }, () => clock.t);
  const events: HealthTransitionEvent[] = [];
  sut.onTransition((e) => events.push(e));
  const record = (outcome: AttemptOutcome, times = 1) => {
    for (let i = 0; i < times; i++) sut.record('d1', outcome);
  };
  return { sut, clock, events, record };
}

describe('DeploymentHealth transitions', () => {
  it('reports a circuit opening once, not its reopenings from half-open, and its closing', () => {
    const { sut, clock, events, record } = setup({ consecutiveFailures: 1_000 });
    record(FAIL, 4);
    record(FAIL, 3); // open already: nothing more
    expect(events).toEqual([{ deploymentId: 'd1', transition: 'circuit_opened', until: T0 + 5_000, at: T0 }]);

    clock.t += 5_000; // half-open; a failed trial reopens the same outage
    expect(sut.tryAcquire('d1')).toBe(true);
    record(FAIL);
    expect(events).toHaveLength(1);

    clock.t += 10_000;
    expect(sut.tryAcquire('d1')).toBe(true);
    expect(sut.tryAcquire('d1')).toBe(true);
    record(OK, 2);
    expect(events.slice(1)).toEqual([{ deploymentId: 'd1', transition: 'circuit_closed', at: T0 + 15_000 }]);
  });

  it('reports each ejection with its end', () => {
    const { events, record } = setup();
    record(OK, 10); // enough successes that the breaker stays closed
    record(FAIL, 3);
    expect(events).toEqual([{ deploymentId: 'd1', transition: 'ejected', until: T0 + 10_000, at: T0 }]);
  });

  it('reports nothing for successes, cooldowns or failures below the thresholds', () => {
    const { sut, events, record } = setup();
    record(OK, 5);
    record({ ok: false, status: 429, rateLimited: true }, 3);
    record(FAIL, 2);
    sut.cooldown('d1', 2_000);
    expect(events).toEqual([]);
  });
});
