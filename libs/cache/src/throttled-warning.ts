import type { CacheWarn } from './response-cache.types';

/**
 * A broken cache fails on every request; one line a minute says so without flooding the log.
 * The count of swallowed repeats rides on the next line.
 */
export class ThrottledWarning {
  private last = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly warn: CacheWarn,
    private readonly now: () => number,
    private readonly intervalMs = 60_000,
  ) {}

  report(message: string): void {
    const t = this.now();
    if (t - this.last < this.intervalMs) {
      this.suppressed++;
      return;
    }
    const repeats = this.suppressed ? ` (${this.suppressed} similar problems since the last report)` : '';
    this.last = t;
    this.suppressed = 0;
    this.warn(message + repeats);
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
