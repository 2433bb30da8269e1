import type { RetryBudgetConfig } from '@switchyard/config';
import { SlidingWindowCounter } from './sliding-window-counter';

/** The budget's window: 10 buckets of one second (Finagle's default TTL for its retry budget). */
const WINDOW_BUCKETS = 10;
const BUCKET_MS = 1_000;
const WINDOW_SECONDS = (WINDOW_BUCKETS * BUCKET_MS) / 1_000;
const REQUESTS = 0;
const RETRIES = 1;

/**
 * Caps retries to a share of traffic so a failing upstream is not stormed (Finagle's
 * RetryBudget, Envoy's retry_budget): retries in the last 10 s ≤ ratio × requests in the last
 * 10 s + minPerSecond × 10. The floor lets a quiet replica still retry; the ratio bounds the
 * extra load a full outage adds to (1 + ratio) × traffic instead of (1 + retries) × traffic.
 *
 * One budget per router replica (shared by all models, like Finagle's per-client budget) or per
 * model — the caller's choice. `recordRequest` once per client request, not per attempt, so
 * retries earn no budget for more retries. Room comes back as the window slides.
 * Cost: O(1) amortised per call, no allocation.
 */
export class RetryBudget {
  private readonly window = new SlidingWindowCounter(WINDOW_BUCKETS, BUCKET_MS, 2);
  private refusedCount = 0;

  constructor(
    private readonly config: RetryBudgetConfig,
    private readonly now: () => number = Date.now,
  ) {}

  recordRequest(): void {
    this.window.add(this.now(), REQUESTS, 1);
  }

  /** Spends one retry if the budget has room; false = do not retry (counted as refused). */
  tryRetry(): boolean {
    if (this.available() >= 1) {
      this.window.add(this.now(), RETRIES, 1);
      return true;
    }
    this.refusedCount++;
    return false;
  }

  /** Retries that may still be spent now. */
  available(): number {
    const now = this.now();
    const allowed = this.config.ratio * this.window.sum(now, REQUESTS) + this.config.minPerSecond * WINDOW_SECONDS;
    // The epsilon absorbs float error (0.1 × 30 = 3.0000000000000004 and the like).
    return Math.max(0, Math.floor(allowed + 1e-9 - this.window.sum(now, RETRIES)));
  }

  /** Retries refused since this budget was made (a counter, for metrics). */
  refused(): number {
    return this.refusedCount;
  }
}
