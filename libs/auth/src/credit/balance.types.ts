/**
 * A prepaid tenant's balance as admission sees it (docs/architecture.md §5, "Billing: credit and
 * reconciliation"). Money is in integer nano-dollars, as the quota store counts budgets.
 */
export interface BalanceAccount {
  tenantId: string;
  /** Sum of the tenant's credit entries (top-ups, refunds, adjustments), from the last key load. */
  creditsNano: number;
  /**
   * Usage cost the ledger held at the last key load (since the tenant became prepaid). Seeds the
   * live spent counter when the store has none (first use, or a Redis that lost its data); the
   * reconciliation job corrects the lag of usage still queued.
   */
  seedSpentNano: number;
}

export interface BalanceReserveInput {
  account: BalanceAccount;
  /** Unique per request; names the reservation (as in the quota store). */
  requestId: string;
  /** The request's maximum cost. */
  nano: number;
  now: number;
  leaseMs: number;
}

export interface BalanceReserveResult {
  admitted: boolean;
  /** Credits − spent − reserved after this admission (before it, when refused); may be negative. */
  availableNano: number;
}

/** The live counters of one tenant; `seeded` false when the store has never counted it. */
export interface BalanceUsage {
  seeded: boolean;
  spentNano: number;
  reservedNano: number;
  inFlight: number;
}

export interface BalanceStore {
  /** Reserves the maximum cost against credits − spent − reserved, atomically, or refuses. */
  reserve(input: BalanceReserveInput): Promise<BalanceReserveResult>;
  /**
   * Moves the reservation to spent at the real cost. Idempotent per request id; 0 releases it.
   * Resolves the tenant's spent after it (spend alerts read it), or undefined when the
   * reservation was not held (settled already, or expired and charged).
   */
  settle(tenantId: string, requestId: string, usedNano: number): Promise<number | undefined>;
  /** Keeps the reservation of a long stream alive (it is charged in full when its lease expires). */
  heartbeat(tenantId: string, requestId: string, now: number, leaseMs: number): Promise<void>;
  usage(tenantId: string, now: number): Promise<BalanceUsage>;
  /**
   * Reconciliation: spent += delta, only when the tenant is counted (an uncounted tenant is seeded
   * from the ledger at its next admission). Returns the new spent, or undefined.
   */
  adjustSpent(tenantId: string, deltaNano: number): Promise<number | undefined>;
  close(): Promise<void>;
}

/** Scope ids of a ticket that name a balance reservation rather than a quota scope. */
export const BALANCE_SCOPE_PREFIX = 'balance:';
