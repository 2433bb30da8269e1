/** Limits of one scope (a key, a tenant). Any absent field is unlimited; 0 refuses everything. */
export interface QuotaLimits {
  rpm?: number;
  tpm?: number;
  concurrency?: number;
  dailyBudgetUsd?: number;
  monthlyBudgetUsd?: number;
}

/**
 * One counted scope, e.g. `{ id: 'key:abc' }` and `{ id: 'tenant:acme' }`: all scopes of a request
 * are checked and counted in one atomic step. Ids must be distinct within one admission.
 */
export interface QuotaScope {
  id: string;
  limits: QuotaLimits;
}

export interface AdmitInput {
  scopes: readonly QuotaScope[];
  /** Unique per request (billing relies on the same uniqueness): it names the lease and the reservation. */
  requestId: string;
  /** Tokens reserved for TPM now (prompt estimate + max_tokens); corrected at settle. */
  reserveTokens: number;
  /** Maximum possible cost (input estimate × input price + max_tokens × output price), USD. */
  reserveUsd: number;
  /** Epoch ms (injectable clock). Replicas must keep their clocks in sync (NTP): windows and leases use it. */
  now: number;
  /** Concurrency slot lease; renewed by heartbeat, freed by settle. */
  leaseMs: number;
  /**
   * false: the request is counted in the budgets only, not in the rpm/tpm window (a request a
   * peer region forwarded: its rates were counted in the region it reached first, its cost is
   * counted where it is served, docs/architecture.md §6). Default true.
   */
  ratesCounted?: boolean;
}

export const QUOTA_REFUSALS = ['rpm', 'tpm', 'concurrency', 'daily_budget', 'monthly_budget'] as const;
export type QuotaRefusal = (typeof QUOTA_REFUSALS)[number];

/** For the x-ratelimit-* headers: per dimension, the scope with the fewest remaining units. */
export interface RateInfo {
  limitRequests?: number;
  remainingRequests?: number;
  limitTokens?: number;
  remainingTokens?: number;
  /** Until the oldest request still counted leaves the window (room for at least one more). */
  resetRequestsMs?: number;
  /** Until the oldest tokens still counted leave the window. */
  resetTokensMs?: number;
}

export interface QuotaTicket {
  requestId: string;
  scopes: string[];
  reservedTokens: number;
  reservedUsd: number;
  at: number;
}

export type AdmitResult =
  | { admitted: true; ticket: QuotaTicket; remaining: RateInfo }
  | {
      admitted: false;
      reason: QuotaRefusal;
      /** Id of the refusing scope. */
      scope: string;
      /** The longest wait among all refusing limits (see the stores' documentation). */
      retryAfterMs: number;
      /**
       * The request alone exceeds the limit (reserveTokens > tpm, reserveUsd > budget, a limit of 0):
       * it can never be admitted, waiting will not help ("request too large").
       */
      tooLarge: boolean;
      remaining: RateInfo;
    };

/**
 * A scope's budget counters right after a settle moved the request's reservation to spent (for
 * budget notifications: the crossing is exact, because counters only grow by settles, one at a
 * time). Scopes settled already, or reclaimed, are not listed.
 */
export interface SettledSpend {
  scope: string;
  /** What the request cost, nano-USD. */
  usedNano: number;
  /** Spent in the admission's day and month after this settle, nano-USD; -1 when the counter has expired. */
  daySpentNano: number;
  monthSpentNano: number;
}

/** What a scope has counted right now, for tests, admin pages and the rate headers of other paths. */
export interface QuotaUsage {
  /** Requests and tokens in the sliding window. */
  requests: number;
  tokens: number;
  /** Live concurrency leases. */
  inFlight: number;
  daySpentUsd: number;
  dayReservedUsd: number;
  monthSpentUsd: number;
  monthReservedUsd: number;
}

export interface QuotaStore {
  /**
   * Checks every scope, then counts in every scope, or counts nothing. Rejects (does not answer
   * "refused") when the store cannot be reached: the caller decides to fail open or closed.
   */
  admit(input: AdmitInput): Promise<AdmitResult>;
  /**
   * At the end of the request (success, error or hang-up): real tokens and real cost replace the
   * reservation; the concurrency slot is freed. Idempotent per requestId.
   */
  settle(ticket: QuotaTicket, used: { tokens: number; usd: number }, now: number): Promise<SettledSpend[]>;
  /** Keeps the concurrency lease (and the reservation) of a long stream alive. */
  heartbeat(ticket: QuotaTicket, now: number, leaseMs: number): Promise<void>;
  /** Counters of one scope as of `now`. Not on the hot path. */
  usage(scopeId: string, now: number): Promise<QuotaUsage>;
  close(): Promise<void>;
}

/** The quota store could not answer (Redis down, disconnected or too slow). */
export class QuotaStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QuotaStoreUnavailableError';
  }
}
