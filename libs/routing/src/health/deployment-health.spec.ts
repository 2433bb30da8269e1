import type { CircuitBreakerConfig, OutlierConfig } from '@switchyard/config';
import { DeploymentHealth } from './deployment-health';
import { isDeploymentFailure } from './health.types';
import type { AttemptOutcome } from './health.types';

const OK: AttemptOutcome = { ok: true, status: 200 };
const FAIL: AttemptOutcome = { ok: false, status: 500 };
const BREAKER: CircuitBreakerConfig = { windowMs: 10_000, minRequests: 4, failureRate: 0.5, openMs: 5_000, halfOpenRequests: 2 };
const OUTLIER: OutlierConfig = { consecutiveFailures: 3, ejectMs: 10_000, maxEjectMs: 25_000 };
const PROBE_MS = 2_000;

/** A health tracker on a fake clock; `breaker`/`outlier` override the defaults above. */
function setup(breaker: Partial<CircuitBreakerConfig> = {}, outlier: Partial<OutlierConfig> = {}) {
  const clock = { t: 1_000_000 };
  const sut = new DeploymentHealth(
    { circuitBreaker: { ...BREAKER, ...breaker }, outlier: { ...OUTLIER, ...outlier }, probes: { intervalMs: PROBE_MS } },
    () => clock.t,
  );
  const record = (outcome: AttemptOutcome, times = 1) => {
    for (let i = 0; i < times; i++) sut.record('d1', outcome);
  };
  return { sut, clock, record };
}

/** Breaker tests keep the outlier ejection out of the way, and vice versa. */
const NO_EJECTION = { consecutiveFailures: 1_000 };
const NO_BREAKER = { minRequests: 1_000 };

describe(DeploymentHealth.name, () => {
  describe('circuit breaker', () => {
    it('opens when the failure rate reaches the threshold with the minimum of requests', () => {
      const { sut, record } = setup({}, NO_EJECTION);
      record(OK, 2);
      record(FAIL);
      expect(sut.state('d1')).toMatchObject({ circuit: 'closed', windowRequests: 3, windowFailures: 1 });
      record(FAIL);
      expect(sut.state('d1')).toMatchObject({ circuit: 'open', windowRequests: 4, windowFailures: 2, openUntil: 1_005_000 });
      expect(sut.isAvailable('d1')).toBe(false);
      expect(sut.tryAcquire('d1')).toBe(false);
    });

    it('stays closed below minRequests, even when every request failed', () => {
      const { sut, record } = setup({}, NO_EJECTION);
      record(FAIL, 3);
      expect(sut.state('d1')).toMatchObject({ circuit: 'closed', windowRequests: 3, windowFailures: 3 });
      expect(sut.tryAcquire('d1')).toBe(true);
    });

    it('stays closed below the failure rate', () => {
      const { sut, record } = setup({}, NO_EJECTION);
      record(OK, 3);
      record(FAIL);
      record(OK, 2);
      record(FAIL);
      expect(sut.state('d1')).toMatchObject({ circuit: 'closed', windowRequests: 7, windowFailures: 2 });
    });

    it('forgets requests older than the window, bucket by bucket', () => {
      const { sut, clock, record } = setup({}, NO_EJECTION);
      record(FAIL);
      clock.t += 5_000;
      record(FAIL);
      clock.t += 4_999;
      expect(sut.state('d1')).toMatchObject({ windowRequests: 2, windowFailures: 2 });
      clock.t += 1;
      expect(sut.state('d1')).toMatchObject({ windowRequests: 1, windowFailures: 1 });
      clock.t += 5_000;
      expect(sut.state('d1')).toMatchObject({ windowRequests: 0, windowFailures: 0 });
      // Three old failures and one fresh one are not four in the window: it stays closed.
      record(FAIL, 3);
      clock.t += 10_000;
      record(FAIL);
      expect(sut.state('d1')).toMatchObject({ circuit: 'closed', windowRequests: 1 });
    });

    it('turns half-open after openMs and lets only halfOpenRequests trials through at once', () => {
      const { sut, clock, record } = setup({}, NO_EJECTION);
      record(FAIL, 4);
      clock.t += 4_999;
      expect(sut.isAvailable('d1')).toBe(false);
      expect(sut.state('d1').circuit).toBe('open');
      clock.t += 1;
      expect(sut.isAvailable('d1')).toBe(true);
      expect(sut.state('d1')).toMatchObject({ circuit: 'half-open', openUntil: 0, trialsInFlight: 0 });

      expect(sut.tryAcquire('d1')).toBe(true);
      expect(sut.tryAcquire('d1')).toBe(true);
      expect(sut.tryAcquire('d1')).toBe(false);
      expect(sut.isAvailable('d1')).toBe(false);
      expect(sut.state('d1').trialsInFlight).toBe(2);

      record(OK);
      expect(sut.state('d1')).toMatchObject({ circuit: 'half-open', trialsInFlight: 1 });
      expect(sut.tryAcquire('d1')).toBe(true);
      expect(sut.tryAcquire('d1')).toBe(false);
    });

    it('closes after halfOpenRequests successful trials, with a fresh window', () => {
      const { sut, clock, record } = setup({}, NO_EJECTION);
      record(FAIL, 4);
      clock.t += 5_000;
      expect(sut.tryAcquire('d1')).toBe(true);
      expect(sut.tryAcquire('d1')).toBe(true);
      record(OK, 2);
      expect(sut.state('d1')).toMatchObject({ circuit: 'closed', windowRequests: 0, windowFailures: 0, trialsInFlight: 0 });
      expect(sut.tryAcquire('d1')).toBe(true);
      expect(sut.tryAcquire('d1')).toBe(true);
      expect(sut.tryAcquire('d1')).toBe(true);
      // The failures that opened it are gone from the buckets too, not only from the totals.
      clock.t += 10_000;
      record(FAIL);
      expect(sut.state('d1')).toMatchObject({ circuit: 'closed', windowRequests: 1, windowFailures: 1 });
    });

    it('reopens on a failed trial, for twice as long each time up to 8 × openMs, and resets that after closing', () => {
      const { sut, clock, record } = setup({}, NO_EJECTION);
      record(FAIL, 4);
      const reopenAfterTrial = (): number => {
        clock.t = sut.state('d1').openUntil;
        expect(sut.tryAcquire('d1')).toBe(true);
        record(FAIL);
        const s = sut.state('d1');
        expect(s.circuit).toBe('open');
        return s.openUntil - clock.t;
      };
      expect([reopenAfterTrial(), reopenAfterTrial(), reopenAfterTrial(), reopenAfterTrial()]).toEqual([10_000, 20_000, 40_000, 40_000]);

      clock.t = sut.state('d1').openUntil;
      sut.tryAcquire('d1');
      sut.tryAcquire('d1');
      record(OK, 2);
      expect(sut.state('d1').circuit).toBe('closed');
      record(FAIL, 4);
      expect(sut.state('d1').openUntil - clock.t).toBe(5_000);
    });

    it('lets release() give a trial back without counting it', () => {
      const { sut, clock, record } = setup({}, NO_EJECTION);
      record(FAIL, 4);
      clock.t += 5_000;
      sut.tryAcquire('d1');
      sut.tryAcquire('d1');
      sut.release('d1');
      expect(sut.state('d1')).toMatchObject({ circuit: 'half-open', trialsInFlight: 1 });
      expect(sut.tryAcquire('d1')).toBe(true);
    });
  });

  describe('what counts as a failure', () => {
    it.each([400, 401, 403, 404, 413, 422])('does not count a %i against the deployment, even with ok=false', (status) => {
      const { sut, record } = setup();
      record({ ok: false, status }, 10);
      expect(sut.state('d1')).toMatchObject({ circuit: 'closed', windowRequests: 10, windowFailures: 0, consecutiveFailures: 0, ejectedUntil: 0 });
    });

    it('classifies transport errors, timeouts, 408, 5xx and 529 as failures; 429 and client errors not', () => {
      const classify = (outcome: AttemptOutcome) => isDeploymentFailure(outcome);
      expect([0, undefined, 408, 500, 502, 503, 504, 529].map((status) => classify({ ok: false, status }))).toEqual(Array(8).fill(true));
      expect([400, 404, 409, 422, 429].map((status) => classify({ ok: false, status }))).toEqual(Array(5).fill(false));
      expect(classify({ ok: false, rateLimited: true })).toBe(false);
      expect(classify({ ok: true, status: 500 })).toBe(false);
    });
  });

  describe('cooldown after 429', () => {
    it('keeps the deployment out for retry-after, without counting a failure', () => {
      const { sut, clock, record } = setup();
      record({ ok: false, status: 429, rateLimited: true, retryAfterMs: 5_000 });
      expect(sut.state('d1')).toMatchObject({ circuit: 'closed', cooldownUntil: 1_005_000, windowRequests: 0, windowFailures: 0, consecutiveFailures: 0 });
      expect(sut.tryAcquire('d1')).toBe(false);
      clock.t += 4_999;
      expect(sut.isAvailable('d1')).toBe(false);
      clock.t += 1;
      expect(sut.isAvailable('d1')).toBe(true);
      expect(sut.state('d1').cooldownUntil).toBe(0);
    });

    it('bounds retry-after to 1 s .. 5 min', () => {
      const { sut, clock } = setup();
      sut.record('short', { ok: false, status: 429, rateLimited: true, retryAfterMs: 200 });
      sut.record('long', { ok: false, status: 429, rateLimited: true, retryAfterMs: 3_600_000 });
      expect(sut.state('short').cooldownUntil - clock.t).toBe(1_000);
      expect(sut.state('long').cooldownUntil - clock.t).toBe(300_000);
    });

    it('without retry-after, cools down 1 s doubling per 429 in a row up to 60 s, and a success starts over', () => {
      const { sut, clock, record } = setup();
      const lengths: number[] = [];
      for (let i = 0; i < 8; i++) {
        record({ ok: false, status: 429 });
        lengths.push(sut.state('d1').cooldownUntil - clock.t);
        clock.t = sut.state('d1').cooldownUntil;
      }
      expect(lengths).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
      record(OK);
      record({ ok: false, status: 429 });
      expect(sut.state('d1').cooldownUntil - clock.t).toBe(1_000);
    });

    it('never shortens a running cooldown; cooldown() does the same for the router', () => {
      const { sut, clock } = setup();
      sut.cooldown('d1', 30_000);
      sut.cooldown('d1', 2_000);
      expect(sut.state('d1').cooldownUntil - clock.t).toBe(30_000);
      sut.cooldown('d2');
      expect(sut.state('d2').cooldownUntil - clock.t).toBe(1_000);
    });

    it('honours a 503 retry-after as a cooldown and still counts the failure', () => {
      const { sut, clock, record } = setup();
      record({ ok: false, status: 503, retryAfterMs: 7_000 });
      expect(sut.state('d1')).toMatchObject({ cooldownUntil: clock.t + 7_000, windowFailures: 1, consecutiveFailures: 1 });
    });

    it('releases a half-open trial on a 429 without counting it as a success', () => {
      const { sut, clock, record } = setup({}, NO_EJECTION);
      record(FAIL, 4);
      clock.t += 5_000;
      sut.tryAcquire('d1');
      record({ ok: false, status: 429, rateLimited: true, retryAfterMs: 1_000 });
      expect(sut.state('d1')).toMatchObject({ circuit: 'half-open', trialsInFlight: 0 });
    });
  });

  describe('outlier ejection', () => {
    it('ejects after consecutiveFailures in a row; a success in between resets the count', () => {
      const { sut, clock, record } = setup(NO_BREAKER);
      record(FAIL, 2);
      record(OK);
      record(FAIL, 2);
      expect(sut.state('d1')).toMatchObject({ consecutiveFailures: 2, ejections: 0, ejectedUntil: 0 });
      expect(sut.isAvailable('d1')).toBe(true);
      record(FAIL);
      expect(sut.state('d1')).toMatchObject({ consecutiveFailures: 0, ejections: 1, ejectedUntil: clock.t + 10_000 });
      expect(sut.tryAcquire('d1')).toBe(false);
      clock.t += 10_000;
      expect(sut.isAvailable('d1')).toBe(true);
    });

    it('does not eject again for failures that arrive while ejected', () => {
      const { sut, clock, record } = setup(NO_BREAKER);
      record(FAIL, 3);
      const until = clock.t + 10_000;
      clock.t += 1_000;
      record(FAIL, 6);
      expect(sut.state('d1')).toMatchObject({ ejections: 1, ejectedUntil: until });
    });

    it('grows the ejection with each ejection, capped at maxEjectMs, and forgets one per clean ejectMs', () => {
      const { sut, clock, record } = setup(NO_BREAKER);
      const ejectNow = (): number => {
        record(FAIL, 3);
        const s = sut.state('d1');
        return s.ejectedUntil - clock.t;
      };
      const lengths = [ejectNow()];
      clock.t = sut.state('d1').ejectedUntil;
      lengths.push(ejectNow());
      clock.t = sut.state('d1').ejectedUntil;
      lengths.push(ejectNow());
      clock.t = sut.state('d1').ejectedUntil;
      lengths.push(ejectNow());
      expect(lengths).toEqual([10_000, 20_000, 25_000, 25_000]);
      expect(sut.state('d1').ejections).toBe(4);

      clock.t = sut.state('d1').ejectedUntil;
      clock.t += 9_999;
      expect(sut.state('d1').ejections).toBe(4);
      clock.t += 1;
      expect(sut.state('d1').ejections).toBe(3);
      clock.t += 15_000;
      expect(sut.state('d1').ejections).toBe(2);
      clock.t += 5_000;
      expect(sut.state('d1').ejections).toBe(1);
      // The next ejection is the second: 2 × ejectMs.
      expect(ejectNow()).toBe(20_000);
      clock.t = sut.state('d1').ejectedUntil + 100_000;
      expect(sut.state('d1').ejections).toBe(0);
      expect(ejectNow()).toBe(10_000);
    });
  });

  describe('probes', () => {
    it('lists open and ejected deployments once per probe interval, not healthy or cooling ones', () => {
      const { sut, clock } = setup(NO_BREAKER);
      for (let i = 0; i < 4; i++) sut.record('ejected', FAIL);
      sut.record('healthy', OK);
      sut.cooldown('cooling', 60_000);
      const open = new DeploymentHealth({ circuitBreaker: { ...BREAKER, openMs: 60_000 }, outlier: { ...OUTLIER, consecutiveFailures: 1_000 }, probes: { intervalMs: PROBE_MS } }, () => clock.t);
      for (let i = 0; i < 4; i++) open.record('b1', FAIL);

      // 'ejected' was ejected (3 in a row) in sut; 'b1' has an open breaker in the other tracker.
      clock.t += PROBE_MS - 1;
      expect(sut.dueForProbe()).toEqual([]);
      expect(open.dueForProbe()).toEqual([]);
      clock.t += 1;
      expect(sut.dueForProbe()).toEqual(['ejected']);
      expect(open.dueForProbe()).toEqual(['b1']);
      expect(sut.dueForProbe()).toEqual([]);
      expect(open.dueForProbe()).toEqual([]);
      clock.t += PROBE_MS;
      expect(sut.dueForProbe()).toEqual(['ejected']);
      expect(open.dueForProbe()).toEqual(['b1']);
    });

    it('moves an open breaker to half-open at once on a successful probe', () => {
      const { sut, clock, record } = setup({}, NO_EJECTION);
      record(FAIL, 4);
      clock.t += PROBE_MS;
      expect(sut.dueForProbe()).toEqual(['d1']);
      sut.recordProbe('d1', true);
      expect(sut.state('d1').circuit).toBe('half-open');
      expect(sut.tryAcquire('d1')).toBe(true);
      expect(sut.dueForProbe()).toEqual([]);
    });

    it('keeps an open breaker open at least until the next probe after a failed one', () => {
      const { sut, clock, record } = setup({}, NO_EJECTION);
      record(FAIL, 4);
      clock.t += 4_000;
      sut.recordProbe('d1', false);
      expect(sut.state('d1')).toMatchObject({ circuit: 'open', openUntil: clock.t + PROBE_MS });
      clock.t += 1_000;
      expect(sut.isAvailable('d1')).toBe(false);
    });

    it('ends an ejection early on a successful probe and extends it on a failed one', () => {
      const { sut, clock, record } = setup(NO_BREAKER);
      record(FAIL, 3);
      clock.t += 9_000;
      sut.recordProbe('d1', false);
      expect(sut.state('d1').ejectedUntil).toBe(clock.t + PROBE_MS);
      clock.t += 1_000;
      sut.recordProbe('d1', true);
      expect(sut.state('d1')).toMatchObject({ ejectedUntil: 0, ejections: 1, consecutiveFailures: 0 });
      expect(sut.tryAcquire('d1')).toBe(true);
    });

    it('ignores probes of deployments that are not out, or unknown', () => {
      const { sut, record } = setup();
      record(FAIL, 2);
      sut.recordProbe('d1', false);
      sut.recordProbe('nobody', true);
      expect(sut.state('d1')).toMatchObject({ circuit: 'closed', ejectedUntil: 0, consecutiveFailures: 2 });
      expect(sut.isAvailable('d1')).toBe(true);
    });
  });

  it('allocates nothing for deployments it never saw, and forgets removed ones', () => {
    const { sut, record } = setup();
    expect(sut.tryAcquire('new')).toBe(true);
    expect(sut.isAvailable('new')).toBe(true);
    expect(sut.state('new')).toEqual({ circuit: 'closed', cooldownUntil: 0, ejectedUntil: 0, ejections: 0, windowRequests: 0, windowFailures: 0, consecutiveFailures: 0, openUntil: 0, trialsInFlight: 0 });
    record(FAIL, 4);
    expect(sut.isAvailable('d1')).toBe(false);
    sut.forget('d1');
    expect(sut.isAvailable('d1')).toBe(true);
    expect(sut.state('d1').windowRequests).toBe(0);
  });
});
