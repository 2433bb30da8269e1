import type { AdmitInput, QuotaLimits } from './quota.types';

/**
 * Shared by the Redis script and the in-memory store, so both count the same way.
 *
 * Sliding window for rpm/tpm: one-second buckets. A unit counted in bucket b is counted while the
 * current bucket is at most b + 60, i.e. for 60 to 61 seconds: never more than the limit in any
 * 60-second span (strict, never lenient), at the price of up to one second of extra wait.
 * Buckets rather than a sorted set of request ids: tokens need sums (a sorted set only counts),
 * the memory per scope is bounded by 2 × 61 fields whatever the limit, and running totals kept
 * beside the buckets make a check O(1).
 */
export const BUCKET_MS = 1_000;
/** Buckets counted at once: the current one and the 60 before it. */
export const WINDOW_SPAN = 61;
/** A window nobody touched for this long is empty; its hash expires. */
export const WINDOW_TTL_MS = 2 * WINDOW_SPAN * BUCKET_MS;
/** retry-after of a request larger than the rpm/tpm limit itself: a full window (it will not fit then either). */
export const NEVER_FITS_RETRY_MS = 60_000;
/** retry-after when in-flight requests block (concurrency, budget reservations): they end soon. */
export const DEFAULT_SHORT_RETRY_MS = 1_000;

const DAY_MS = 86_400_000;
/** Day and month counters outlive their period by a day: late settles and lease reclaims still find them. */
export const PERIOD_MARGIN_MS = DAY_MS;
/**
 * Lease and reservation records of a crashed holder are reclaimed by the next admission of the
 * scope; if none comes they expire after this long (longer than a month, so a month's reservation is
 * always reclaimed before its counter goes).
 */
export const LEFTOVER_TTL_MS = 35 * DAY_MS;
/** Expired leases reclaimed per scope and admission, to bound the script's work after a mass crash. */
export const RECLAIM_BATCH = 100;

/**
 * Money is counted in integer nano-dollars: Lua numbers and Redis counters are exact integers up to
 * 2^53 (≈ 9 million USD per counter), and sums of K reservations then fit a budget of exactly K of
 * them, which floating point does not promise.
 */
export const NANO_PER_USD = 1e9;

export function usdToNano(usd: number): number {
  return Math.round(usd * NANO_PER_USD);
}

export function nanoToUsd(nano: number): number {
  return nano / NANO_PER_USD;
}

/** UTC calendar periods of an instant, with the ids used in counter names. */
export interface QuotaPeriods {
  dayId: string;
  monthId: string;
  dayStart: number;
  /** Start of the next UTC day / month. */
  dayEnd: number;
  monthEnd: number;
}

let lastPeriods: QuotaPeriods | undefined;

/** Computed once a day per process (the hot path asks for every request). */
export function periodsAt(now: number): QuotaPeriods {
  if (lastPeriods && now >= lastPeriods.dayStart && now < lastPeriods.dayEnd) return lastPeriods;
  const d = new Date(now);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  const monthId = `${y}${String(m + 1).padStart(2, '0')}`;
  lastPeriods = {
    dayId: `${monthId}${String(day).padStart(2, '0')}`,
    monthId,
    dayStart: Date.UTC(y, m, day),
    dayEnd: Date.UTC(y, m, day + 1),
    monthEnd: Date.UTC(y, m + 1, 1),
  };
  return lastPeriods;
}

/** Inputs in the stores' integer units; bad numbers fail here rather than poisoning counters. */
export interface AdmitAmounts {
  tokens: number;
  nano: number;
  leaseExpiry: number;
}

export function admitAmounts(input: AdmitInput): AdmitAmounts {
  return {
    tokens: Math.ceil(nonNegative(input.reserveTokens, 'reserveTokens')),
    nano: usdToNano(nonNegative(input.reserveUsd, 'reserveUsd')),
    leaseExpiry: Math.floor(nonNegative(input.now, 'now')) + Math.ceil(positive(input.leaseMs, 'leaseMs')),
  };
}

export function usedAmounts(used: { tokens: number; usd: number }): { tokens: number; nano: number } {
  return { tokens: Math.ceil(nonNegative(used.tokens, 'used.tokens')), nano: usdToNano(nonNegative(used.usd, 'used.usd')) };
}

/** Limits in integer units; undefined = unlimited. */
export interface ScopeLimits {
  rpm?: number;
  tpm?: number;
  concurrency?: number;
  dayNano?: number;
  monthNano?: number;
}

// Keyed by the limits object: the caller's key cache hands the same (immutable) object to every
// request of a key, so the conversion runs once per key and cache rebuild, not per request.
const converted = new WeakMap<QuotaLimits, ScopeLimits>();

export function scopeLimits(l: QuotaLimits): ScopeLimits {
  let s = converted.get(l);
  if (!s) {
    s = convertLimits(l);
    converted.set(l, s);
  }
  return s;
}

function convertLimits(l: QuotaLimits): ScopeLimits {
  return {
    rpm: l.rpm === undefined ? undefined : Math.floor(nonNegative(l.rpm, 'rpm')),
    tpm: l.tpm === undefined ? undefined : Math.floor(nonNegative(l.tpm, 'tpm')),
    concurrency: l.concurrency === undefined ? undefined : Math.floor(nonNegative(l.concurrency, 'concurrency')),
    dayNano: l.dailyBudgetUsd === undefined ? undefined : usdToNano(nonNegative(l.dailyBudgetUsd, 'dailyBudgetUsd')),
    monthNano: l.monthlyBudgetUsd === undefined ? undefined : usdToNano(nonNegative(l.monthlyBudgetUsd, 'monthlyBudgetUsd')),
  };
}

function nonNegative(v: number, name: string): number {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`quota: ${name} must be a finite number ≥ 0, got ${v}`);
  return v;
}

function positive(v: number, name: string): number {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`quota: ${name} must be a finite number > 0, got ${v}`);
  return v;
}
