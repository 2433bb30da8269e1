import type { AdmitInput, AdmitResult, QuotaRefusal, QuotaStore, QuotaTicket, QuotaUsage, RateInfo, SettledSpend } from './quota.types';
import {
  BUCKET_MS,
  DEFAULT_SHORT_RETRY_MS,
  NEVER_FITS_RETRY_MS,
  PERIOD_MARGIN_MS,
  WINDOW_SPAN,
  admitAmounts,
  nanoToUsd,
  periodsAt,
  scopeLimits,
  usedAmounts,
} from './quota-units';
import type { QuotaPeriods, ScopeLimits } from './quota-units';

interface Counter {
  spent: number;
  reserved: number;
  expiresAt: number;
}

interface Lease {
  expiresAt: number;
  nano: number;
  tokens: number;
  bucket: number;
  // The counters of the admission's day and month: a late settle or reclaim charges them, even
  // after they were dropped (then harmlessly), as the Redis keys named in the reservation.
  day: Counter;
  month: Counter;
}

/** One scope: the same structures as the Redis keys (see quota.scripts.ts). */
interface ScopeState {
  /** Newest pruned bucket; undefined until the first admission. */
  pruned: number | undefined;
  requests: number;
  tokens: number;
  requestBuckets: Map<number, number>;
  tokenBuckets: Map<number, number>;
  leases: Map<string, Lease>;
  /** No lease expires before this; a lower value only costs a sweep that finds nothing. */
  nextExpiry: number;
  days: Map<string, Counter>;
  months: Map<string, Counter>;
}

interface Refusal {
  reason: QuotaRefusal;
  scope: number;
  retryAfterMs: number;
  tooLarge: boolean;
}

/**
 * The standalone twin of RedisQuotaStore for a single process without Redis: the same windows,
 * leases, reservations and answers (quota-store.spec.ts runs the same cases against both). A
 * JavaScript turn is atomic, so check-then-count needs no lock. Counters live as long as the process.
 */
export class MemoryQuotaStore implements QuotaStore {
  private readonly scopes = new Map<string, ScopeState>();
  private readonly shortRetryMs: number;

  constructor(opts: { shortRetryMs?: number } = {}) {
    this.shortRetryMs = opts.shortRetryMs ?? DEFAULT_SHORT_RETRY_MS;
  }

  async admit(input: AdmitInput): Promise<AdmitResult> {
    const { tokens, nano, leaseExpiry } = admitAmounts(input);
    const { now } = input;
    const periods = periodsAt(now);
    const sec = Math.floor(now / BUCKET_MS);
    const n = input.scopes.length;
    const states: ScopeState[] = new Array(n);
    const limits: ScopeLimits[] = new Array(n);
    let refusal: Refusal | undefined;
    const refuse = (reason: QuotaRefusal, scope: number, retryAfterMs: number, tooLarge: boolean) => {
      if (!refusal || retryAfterMs > refusal.retryAfterMs) refusal = { reason, scope, retryAfterMs, tooLarge };
    };

    // 1. Check every scope; count nothing yet.
    for (let i = 0; i < n; i++) {
      const s = this.state(input.scopes[i].id);
      const l = scopeLimits(input.scopes[i].limits);
      states[i] = s;
      limits[i] = l;
      reclaim(s, now);
      prune(s, sec);
      const pruned = s.pruned ?? sec - WINDOW_SPAN;
      if (l.rpm !== undefined && s.requests + 1 > l.rpm) {
        if (l.rpm < 1) refuse('rpm', i, NEVER_FITS_RETRY_MS, true);
        else refuse('rpm', i, freedAfter(s.requestBuckets, pruned, s.requests + 1 - l.rpm, now), false);
      }
      if (l.tpm !== undefined && s.tokens + tokens > l.tpm) {
        if (tokens > l.tpm) refuse('tpm', i, NEVER_FITS_RETRY_MS, true);
        else refuse('tpm', i, freedAfter(s.tokenBuckets, pruned, s.tokens + tokens - l.tpm, now), false);
      }
      if (l.concurrency !== undefined && s.leases.size + 1 > l.concurrency) {
        refuse('concurrency', i, this.shortRetryMs, l.concurrency < 1);
      }
      if (l.dayNano !== undefined) {
        this.budget(counter(s.days, periods.dayId, periods.dayEnd, now), l.dayNano, nano, periods.dayEnd - now, (r, large) =>
          refuse('daily_budget', i, r, large),
        );
      }
      if (l.monthNano !== undefined) {
        this.budget(counter(s.months, periods.monthId, periods.monthEnd, now), l.monthNano, nano, periods.monthEnd - now, (r, large) =>
          refuse('monthly_budget', i, r, large),
        );
      }
    }

    // A request already holding its lease was admitted before (its admission is being retried
    // after the answer was lost): admitted again, counted once (see ADMIT_SCRIPT).
    const repeated = states.length > 0 && states[0].leases.has(input.requestId);
    if (repeated) {
      refusal = undefined;
      for (const s of states) {
        const lease = s.leases.get(input.requestId);
        if (lease && lease.expiresAt < leaseExpiry) lease.expiresAt = leaseExpiry;
      }
    }

    // 2. All passed: count in every scope, limited or not.
    if (!refusal && !repeated) {
      const rates = input.ratesCounted !== false;
      for (const s of states) this.count(s, input.requestId, rates ? sec : undefined, tokens, nano, leaseExpiry, periods, now);
    }

    const remaining = rateInfo(states, limits, now);
    if (refusal) {
      return {
        admitted: false,
        reason: refusal.reason,
        scope: input.scopes[refusal.scope].id,
        retryAfterMs: refusal.retryAfterMs,
        tooLarge: refusal.tooLarge,
        remaining,
      };
    }
    const ticket: QuotaTicket = {
      requestId: input.requestId,
      scopes: input.scopes.map((s) => s.id),
      reservedTokens: tokens,
      reservedUsd: input.reserveUsd,
      at: now,
    };
    return { admitted: true, ticket, remaining };
  }

  async settle(ticket: QuotaTicket, used: { tokens: number; usd: number }, _now: number): Promise<SettledSpend[]> {
    const { tokens, nano } = usedAmounts(used);
    const settled: SettledSpend[] = [];
    for (const id of ticket.scopes) {
      const s = this.scopes.get(id);
      const lease = s?.leases.get(ticket.requestId);
      if (!s || !lease) continue; // settled already, or reclaimed and charged in full
      s.leases.delete(ticket.requestId);
      lease.day.reserved -= lease.nano;
      lease.day.spent += nano;
      lease.month.reserved -= lease.nano;
      lease.month.spent += nano;
      settled.push({ scope: id, usedNano: nano, daySpentNano: lease.day.spent, monthSpentNano: lease.month.spent });
      if (s.pruned !== undefined && lease.bucket > s.pruned && tokens !== lease.tokens) {
        s.tokenBuckets.set(lease.bucket, (s.tokenBuckets.get(lease.bucket) ?? 0) + tokens - lease.tokens);
        s.tokens += tokens - lease.tokens;
      }
    }
    return settled;
  }

  async heartbeat(ticket: QuotaTicket, now: number, leaseMs: number): Promise<void> {
    for (const id of ticket.scopes) {
      const lease = this.scopes.get(id)?.leases.get(ticket.requestId);
      if (lease && lease.expiresAt < now + leaseMs) lease.expiresAt = now + leaseMs;
    }
  }

  async usage(scopeId: string, now: number): Promise<QuotaUsage> {
    const s = this.scopes.get(scopeId);
    const periods = periodsAt(now);
    const stale = Math.floor(now / BUCKET_MS) - WINDOW_SPAN;
    const sum = (m: Map<number, number> | undefined) => {
      let total = 0;
      for (const [b, v] of m ?? []) if (b > stale) total += v;
      return total;
    };
    let inFlight = 0;
    for (const lease of s?.leases.values() ?? []) if (lease.expiresAt > now) inFlight++;
    const day = s?.days.get(periods.dayId);
    const month = s?.months.get(periods.monthId);
    const live = (c: Counter | undefined) => (c && c.expiresAt > now ? c : undefined);
    return {
      requests: sum(s?.requestBuckets),
      tokens: sum(s?.tokenBuckets),
      inFlight,
      daySpentUsd: nanoToUsd(live(day)?.spent ?? 0),
      dayReservedUsd: nanoToUsd(live(day)?.reserved ?? 0),
      monthSpentUsd: nanoToUsd(live(month)?.spent ?? 0),
      monthReservedUsd: nanoToUsd(live(month)?.reserved ?? 0),
    };
  }

  async close(): Promise<void> {
    this.scopes.clear();
  }

  private state(id: string): ScopeState {
    let s = this.scopes.get(id);
    if (!s) {
      s = {
        pruned: undefined,
        requests: 0,
        tokens: 0,
        requestBuckets: new Map(),
        tokenBuckets: new Map(),
        leases: new Map(),
        nextExpiry: Number.POSITIVE_INFINITY,
        days: new Map(),
        months: new Map(),
      };
      this.scopes.set(id, s);
    }
    return s;
  }

  private budget(c: Counter, cap: number, nano: number, untilPeriodEnd: number, refuse: (retryAfterMs: number, tooLarge: boolean) => void): void {
    if (c.spent + c.reserved + nano <= cap) return;
    if (nano > cap) refuse(untilPeriodEnd, true);
    else if (c.spent + nano > cap) refuse(untilPeriodEnd, false);
    else refuse(this.shortRetryMs, false); // only in-flight reservations are in the way
  }

  /** `sec` undefined: budgets only, the window untouched (bucket 0 is never in it, so settle corrects nothing there). */
  private count(s: ScopeState, requestId: string, sec: number | undefined, tokens: number, nano: number, leaseExpiry: number, periods: QuotaPeriods, now: number): void {
    let bucket = 0;
    if (sec !== undefined) {
      const pruned = s.pruned ?? sec - WINDOW_SPAN;
      s.pruned = pruned;
      // A clock behind the last pruning (a skewed caller) must not write below it, where nothing prunes.
      bucket = Math.max(sec, pruned + 1);
      s.requestBuckets.set(bucket, (s.requestBuckets.get(bucket) ?? 0) + 1);
      if (tokens > 0) s.tokenBuckets.set(bucket, (s.tokenBuckets.get(bucket) ?? 0) + tokens);
      s.requests += 1;
      s.tokens += tokens;
    }
    const day = counter(s.days, periods.dayId, periods.dayEnd, now);
    const month = counter(s.months, periods.monthId, periods.monthEnd, now);
    day.reserved += nano;
    month.reserved += nano;
    s.leases.set(requestId, { expiresAt: leaseExpiry, nano, tokens, bucket, day, month });
    if (leaseExpiry < s.nextExpiry) s.nextExpiry = leaseExpiry;
  }
}

/** Leases that expired: the slot frees, the reservation is charged in full (see quota.scripts.ts). */
function reclaim(s: ScopeState, now: number): void {
  if (now < s.nextExpiry) return;
  let next = Number.POSITIVE_INFINITY;
  for (const [id, lease] of s.leases) {
    if (lease.expiresAt <= now) {
      s.leases.delete(id);
      lease.day.reserved -= lease.nano;
      lease.day.spent += lease.nano;
      lease.month.reserved -= lease.nano;
      lease.month.spent += lease.nano;
    } else if (lease.expiresAt < next) {
      next = lease.expiresAt;
    }
  }
  s.nextExpiry = next;
}

/** Drops buckets that left the window: at most the seconds since the last admission. */
function prune(s: ScopeState, sec: number): void {
  const stale = sec - WINDOW_SPAN;
  if (s.pruned === undefined || s.pruned >= stale) return;
  if (stale - s.pruned >= WINDOW_SPAN) {
    s.requestBuckets.clear();
    s.tokenBuckets.clear();
    s.requests = 0;
    s.tokens = 0;
  } else {
    for (let b = s.pruned + 1; b <= stale; b++) {
      s.requests -= s.requestBuckets.get(b) ?? 0;
      s.tokens -= s.tokenBuckets.get(b) ?? 0;
      s.requestBuckets.delete(b);
      s.tokenBuckets.delete(b);
    }
  }
  s.pruned = stale;
}

/** Until the window has freed `excess` units (oldest buckets leave first). */
function freedAfter(buckets: Map<number, number>, pruned: number, excess: number, now: number): number {
  let freed = 0;
  for (let b = pruned + 1; b <= pruned + WINDOW_SPAN; b++) {
    freed += buckets.get(b) ?? 0;
    if (freed >= excess) return (b + WINDOW_SPAN) * BUCKET_MS - now;
  }
  return NEVER_FITS_RETRY_MS;
}

function oldest(buckets: Map<number, number>, pruned: number, now: number): number {
  for (let b = pruned + 1; b <= pruned + WINDOW_SPAN; b++) {
    if ((buckets.get(b) ?? 0) > 0) return (b + WINDOW_SPAN) * BUCKET_MS - now;
  }
  return 0;
}

function counter(m: Map<string, Counter>, id: string, periodEnd: number, now: number): Counter {
  let c = m.get(id);
  if (c) return c;
  // A new period: drop the counters whose period (and margin) ended.
  for (const [old, v] of m) if (v.expiresAt <= now) m.delete(old);
  c = { spent: 0, reserved: 0, expiresAt: periodEnd + PERIOD_MARGIN_MS };
  m.set(id, c);
  return c;
}

/** Per dimension, the limited scope with the fewest remaining units. */
function rateInfo(states: ScopeState[], limits: ScopeLimits[], now: number): RateInfo {
  const info: RateInfo = {};
  let reqLeft = Number.POSITIVE_INFINITY;
  let tokLeft = Number.POSITIVE_INFINITY;
  for (let i = 0; i < states.length; i++) {
    const s = states[i];
    const { rpm, tpm } = limits[i];
    const pruned = s.pruned ?? Math.floor(now / BUCKET_MS) - WINDOW_SPAN;
    if (rpm !== undefined && rpm - s.requests < reqLeft) {
      reqLeft = rpm - s.requests;
      info.limitRequests = rpm;
      info.remainingRequests = Math.max(reqLeft, 0);
      info.resetRequestsMs = oldest(s.requestBuckets, pruned, now);
    }
    if (tpm !== undefined && tpm - s.tokens < tokLeft) {
      tokLeft = tpm - s.tokens;
      info.limitTokens = tpm;
      info.remainingTokens = Math.max(tokLeft, 0);
      info.resetTokensMs = oldest(s.tokenBuckets, pruned, now);
    }
  }
  return info;
}
