// Prepaid credit and counter reconciliation (issue 16) behind a port: served in process
// (standalone) or by the service that owns the counters (cluster), like the other hops (ports.ts).

/** A prepaid tenant's live counters (the quota Redis or the process's memory). */
export interface LiveBalance {
  /** False until the tenant's first admission since the counters were (re)created. */
  counted: boolean;
  spentUsd: number;
  reservedUsd: number;
  inFlight: number;
}

/** One live counter the reconciliation found off the ledger, and set right. */
export interface CounterFix {
  /** `balance`, `daily_budget` or `monthly_budget`. */
  counter: string;
  /** `tenant:<id>` or `key:<id>`. */
  scope: string;
  /** The UTC day (YYYYMMDD) or month (YYYYMM) of a budget counter; '' for a balance. */
  period: string;
  counterUsd: number;
  ledgerUsd: number;
  /** ledger − counter, added to the counter. */
  deltaUsd: number;
}

export interface ReconcileReport {
  startedAt: string;
  finishedAt: string;
  /** Counters compared. */
  checked: number;
  fixes: CounterFix[];
  /** Set when the run compared nothing, and why (e.g. usage still queued). */
  skipped?: string;
}

export interface CreditCountersPort {
  liveBalance(tenantId: string): Promise<LiveBalance>;
  /** Runs a reconciliation now and answers what it fixed. */
  reconcile(): Promise<ReconcileReport>;
}
