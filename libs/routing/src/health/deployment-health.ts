import { DEFAULT_ROUTING } from '@switchyard/config';
import type { CircuitBreakerConfig, OutlierConfig } from '@switchyard/config';
import { isDeploymentFailure } from './health.types';
import type { AttemptOutcome, CircuitState, DeploymentHealthConfig, DeploymentHealthState, HealthTransitionListener } from './health.types';

/** Buckets per breaker window: the window slides in steps of windowMs / 10 (resilience4j's time-based window, in fixed buckets). */
const BUCKETS = 10;
/** A `retry-after` is honoured within these bounds: below 1 s is noise, above 5 min is a misbehaving upstream. */
const MIN_COOLDOWN_MS = 1_000;
const MAX_COOLDOWN_MS = 300_000;
/** A 429 without `retry-after`: 1 s, doubling with each 429 in a row, up to 60 s. */
const MAX_DEFAULT_COOLDOWN_MS = 60_000;
/** A breaker that reopens from half-open stays open twice as long each time, up to 8 × openMs, until it closes. */
const MAX_OPEN_MULTIPLIER = 8;

/** One deployment's health; allocated once, on its first recorded attempt, and mutated in place. */
class Slot {
  readonly requests = new Uint32Array(BUCKETS);
  readonly failures = new Uint32Array(BUCKETS);
  /** Absolute bucket number (floor(now / bucketMs)) of the newest bucket. */
  head: number;
  windowRequests = 0;
  windowFailures = 0;

  circuit: CircuitState = 'closed';
  openUntil = 0;
  /** Opens since the breaker was last closed; sets the growth of openMs. */
  opens = 0;
  trialsInFlight = 0;
  trialSuccesses = 0;

  cooldownUntil = 0;
  /** 429s in a row, for the default cooldown when `retry-after` is absent. */
  rateLimitStreak = 0;

  consecutiveFailures = 0;
  ejections = 0;
  /** End of the last ejection; kept after it passed, as the reference for the ejection count's decay. */
  ejectedUntil = 0;
  nextProbeAt = 0;

  constructor(
    readonly id: string,
    head: number,
  ) {
    this.head = head;
  }
}

/**
 * Health of the deployments as this router replica sees them: a circuit breaker per deployment
 * (failure rate over a sliding window), cooldowns after 429, passive outlier ejection after
 * consecutive failures (Envoy's consecutive-5xx), and the schedule of active probes for the
 * deployments that are out.
 *
 * State is per replica, deliberately not shared through Redis: health is a local observation
 * of this replica's own traffic and latency; failover must never wait on a Redis round trip
 * (or fail when Redis does); and replicas converge within a window or two anyway, because each
 * of them talks to the same upstreams and sees the same failures.
 *
 * Cost: every call is one Map lookup plus a handful of arithmetic on a per-deployment slot
 * allocated once; sliding the window clears at most 10 buckets. Nothing is allocated per
 * request, and `tryAcquire`/`isAvailable` on a deployment never recorded allocate nothing.
 * Transitions in time (open → half-open, window slide, ejection decay) happen lazily when a
 * deployment is looked at, so there is no timer here.
 */
export class DeploymentHealth {
  private readonly slots = new Map<string, Slot>();
  private readonly breaker: CircuitBreakerConfig;
  private readonly outlier: OutlierConfig;
  private readonly bucketMs: number;
  private readonly halfOpenRequests: number;
  private readonly probeIntervalMs: number;
  private listener: HealthTransitionListener | undefined;

  constructor(config: DeploymentHealthConfig, private readonly now: () => number = Date.now) {
    this.breaker = config.circuitBreaker;
    this.outlier = config.outlier;
    this.bucketMs = Math.max(1, Math.ceil(config.circuitBreaker.windowMs / BUCKETS));
    this.halfOpenRequests = Math.max(1, config.circuitBreaker.halfOpenRequests);
    this.probeIntervalMs = (config.probes ?? DEFAULT_ROUTING.probes).intervalMs;
  }

  /**
   * May this deployment take a request now? closed → yes; open → no until openMs passed, then
   * half-open; half-open → yes while fewer than halfOpenRequests trials are in flight (the call
   * reserves one: end it with `record` or `release`); cooling down (429) or ejected → no.
   */
  tryAcquire(id: string): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined) return true;
    const now = this.now();
    if (!this.admits(slot, now)) return false;
    if (slot.circuit === 'half-open') slot.trialsInFlight++;
    return true;
  }

  /** Same test as `tryAcquire` without reserving anything (for filtering candidates before the pick). */
  isAvailable(id: string): boolean {
    const slot = this.slots.get(id);
    return slot === undefined || this.admits(slot, this.now());
  }

  /** Record one attempt's end; releases a half-open trial reserved by `tryAcquire`. */
  record(id: string, outcome: AttemptOutcome): void {
    const now = this.now();
    const slot = this.slot(id, now);
    this.refresh(slot, now);
    if (slot.circuit === 'half-open' && slot.trialsInFlight > 0) slot.trialsInFlight--;

    if (outcome.rateLimited || outcome.status === 429) {
      // Neither a success nor a failure: the deployment is alive but full.
      this.applyCooldown(slot, now, outcome.retryAfterMs);
      return;
    }

    const bucket = this.bucketIndex(slot.head);
    slot.requests[bucket]++;
    slot.windowRequests++;

    if (!isDeploymentFailure(outcome)) {
      slot.consecutiveFailures = 0;
      slot.rateLimitStreak = 0;
      if (slot.circuit === 'half-open' && ++slot.trialSuccesses >= this.halfOpenRequests) this.close(slot);
      return;
    }

    slot.failures[bucket]++;
    slot.windowFailures++;
    slot.consecutiveFailures++;
    // A 503 saying when to come back is both a failure and a request to stay away that long.
    if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > 0) this.applyCooldown(slot, now, outcome.retryAfterMs);

    switch (slot.circuit) {
      case 'closed':
        if (slot.windowRequests >= this.breaker.minRequests && slot.windowFailures >= this.breaker.failureRate * slot.windowRequests) this.open(slot, now);
        break;
      case 'half-open':
        this.open(slot, now);
        break;
      case 'open':
        break;
    }

    // An ejected deployment is not ejected again by the stragglers it answers while out.
    if (now >= slot.ejectedUntil && slot.consecutiveFailures >= this.outlier.consecutiveFailures) this.eject(slot, now);
  }

  /** Give back a half-open trial reserved by `tryAcquire` whose attempt ended without an outcome (e.g. the client left first). */
  release(id: string): void {
    const slot = this.slots.get(id);
    if (slot !== undefined && slot.circuit === 'half-open' && slot.trialsInFlight > 0) slot.trialsInFlight--;
  }

  /**
   * Out of rotation for `ms` (a 429's `retry-after`, bounded to 1 s .. 5 min) or, without it,
   * for 1 s doubling with each 429 in a row up to 60 s. Never shortens a running cooldown.
   */
  cooldown(id: string, ms?: number): void {
    const now = this.now();
    this.applyCooldown(this.slot(id, now), now, ms);
  }

  state(id: string): DeploymentHealthState {
    const slot = this.slots.get(id);
    if (slot === undefined) {
      return { circuit: 'closed', cooldownUntil: 0, ejectedUntil: 0, ejections: 0, windowRequests: 0, windowFailures: 0, consecutiveFailures: 0, openUntil: 0, trialsInFlight: 0 };
    }
    const now = this.now();
    this.refresh(slot, now);
    return {
      circuit: slot.circuit,
      cooldownUntil: slot.cooldownUntil > now ? slot.cooldownUntil : 0,
      ejectedUntil: slot.ejectedUntil > now ? slot.ejectedUntil : 0,
      ejections: slot.ejections,
      windowRequests: slot.windowRequests,
      windowFailures: slot.windowFailures,
      consecutiveFailures: slot.consecutiveFailures,
      openUntil: slot.circuit === 'open' ? slot.openUntil : 0,
      trialsInFlight: slot.trialsInFlight,
    };
  }

  /**
   * Ids whose breaker is open or that are ejected, and whose next probe is due. Returning an id
   * schedules its next probe one `probes.intervalMs` later, so each is returned at most once
   * per interval; the first probe comes one interval after it went out.
   */
  dueForProbe(): string[] {
    const now = this.now();
    const due: string[] = [];
    for (const [id, slot] of this.slots) {
      this.refresh(slot, now);
      if (this.isOut(slot, now) && now >= slot.nextProbeAt) {
        slot.nextProbeAt = now + this.probeIntervalMs;
        due.push(id);
      }
    }
    return due;
  }

  /**
   * A probe's result. Success: an open breaker goes half-open at once (real trials then decide)
   * and an ejection ends now. Failure: whatever is out stays out at least until the next probe.
   * Probes of deployments that are not out change nothing.
   */
  recordProbe(id: string, ok: boolean): void {
    const slot = this.slots.get(id);
    if (slot === undefined) return;
    const now = this.now();
    this.refresh(slot, now);
    const ejected = now < slot.ejectedUntil;
    if (ok) {
      if (slot.circuit === 'open') this.halfOpen(slot);
      if (ejected) {
        slot.ejectedUntil = now;
        slot.consecutiveFailures = 0;
      }
      return;
    }
    const until = now + this.probeIntervalMs;
    if (slot.circuit === 'open' && slot.openUntil < until) slot.openUntil = until;
    if (ejected && slot.ejectedUntil < until) slot.ejectedUntil = until;
  }

  /**
   * Called on each transition worth telling an operator (the notifier, issue 13): a breaker that
   * leaves closed (its reopenings from half-open are the same outage), one that closes again, an
   * ejection. Synchronous, on the request path: the listener must only hand the event on.
   */
  onTransition(listener: HealthTransitionListener): void {
    this.listener = listener;
  }

  /** The deployment left the catalogue. */
  forget(id: string): void {
    this.slots.delete(id);
  }

  private slot(id: string, now: number): Slot {
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = new Slot(id, Math.floor(now / this.bucketMs));
      this.slots.set(id, slot);
    }
    return slot;
  }

  private admits(slot: Slot, now: number): boolean {
    this.refresh(slot, now);
    if (now < slot.cooldownUntil || now < slot.ejectedUntil) return false;
    switch (slot.circuit) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'half-open':
        return slot.trialsInFlight < this.halfOpenRequests;
    }
  }

  private isOut(slot: Slot, now: number): boolean {
    return slot.circuit === 'open' || now < slot.ejectedUntil;
  }

  /** Lazy transitions in time: slide the window, open → half-open, decay the ejection count. */
  private refresh(slot: Slot, now: number): void {
    const epoch = Math.floor(now / this.bucketMs);
    if (epoch > slot.head) {
      const steps = Math.min(epoch - slot.head, BUCKETS);
      for (let i = 1; i <= steps; i++) {
        const b = this.bucketIndex(slot.head + i);
        slot.windowRequests -= slot.requests[b];
        slot.windowFailures -= slot.failures[b];
        slot.requests[b] = 0;
        slot.failures[b] = 0;
      }
      slot.head = epoch;
    }
    if (slot.circuit === 'open' && now >= slot.openUntil) this.halfOpen(slot);
    // Envoy-style decay: each ejectMs spent back in rotation forgives one past ejection, so a
    // deployment that failed once long ago starts again from the base ejection time.
    if (slot.ejections > 0 && now >= slot.ejectedUntil) {
      const forgiven = Math.floor((now - slot.ejectedUntil) / this.outlier.ejectMs);
      if (forgiven > 0) {
        slot.ejections = Math.max(0, slot.ejections - forgiven);
        slot.ejectedUntil += forgiven * this.outlier.ejectMs;
      }
    }
  }

  private bucketIndex(epoch: number): number {
    return ((epoch % BUCKETS) + BUCKETS) % BUCKETS;
  }

  private open(slot: Slot, now: number): void {
    const wasOut = this.isOut(slot, now);
    const wasClosed = slot.circuit === 'closed';
    slot.opens++;
    slot.circuit = 'open';
    slot.openUntil = now + this.breaker.openMs * Math.min(2 ** (slot.opens - 1), MAX_OPEN_MULTIPLIER);
    slot.trialsInFlight = 0;
    slot.trialSuccesses = 0;
    if (!wasOut) slot.nextProbeAt = now + this.probeIntervalMs;
    if (wasClosed) this.listener?.({ deploymentId: slot.id, transition: 'circuit_opened', until: slot.openUntil, at: now });
  }

  private halfOpen(slot: Slot): void {
    slot.circuit = 'half-open';
    slot.openUntil = 0;
    slot.trialsInFlight = 0;
    slot.trialSuccesses = 0;
  }

  private close(slot: Slot): void {
    this.listener?.({ deploymentId: slot.id, transition: 'circuit_closed', at: this.now() });
    slot.circuit = 'closed';
    slot.opens = 0;
    slot.trialsInFlight = 0;
    slot.trialSuccesses = 0;
    slot.requests.fill(0);
    slot.failures.fill(0);
    slot.windowRequests = 0;
    slot.windowFailures = 0;
  }

  private eject(slot: Slot, now: number): void {
    const wasOut = this.isOut(slot, now);
    slot.ejections++;
    slot.ejectedUntil = now + Math.min(this.outlier.ejectMs * slot.ejections, this.outlier.maxEjectMs);
    slot.consecutiveFailures = 0;
    if (!wasOut) slot.nextProbeAt = now + this.probeIntervalMs;
    this.listener?.({ deploymentId: slot.id, transition: 'ejected', until: slot.ejectedUntil, at: now });
  }

  private applyCooldown(slot: Slot, now: number, ms: number | undefined): void {
    const duration = ms !== undefined && ms > 0
      ? Math.min(Math.max(ms, MIN_COOLDOWN_MS), MAX_COOLDOWN_MS)
      : Math.min(MIN_COOLDOWN_MS * 2 ** slot.rateLimitStreak, MAX_DEFAULT_COOLDOWN_MS);
    slot.rateLimitStreak++;
    if (slot.cooldownUntil < now + duration) slot.cooldownUntil = now + duration;
  }
}
