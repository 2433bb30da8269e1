/**
 * Sums of a few series over a sliding time window, kept in fixed buckets (a ring).
 *
 * Cost: `add` and `sum` are O(1) amortised — moving the window clears only the buckets the clock
 * passed since the last call (at most `buckets`), and running sums are kept, so nothing is
 * rescanned. Memory is one Float64Array allocated once; nothing is allocated per call.
 *
 * Window: an amount stays counted while its bucket is one of the newest `buckets`, i.e. for
 * between `(buckets - 1) × bucketMs` and `buckets × bucketMs` after it was added.
 * A clock that goes backwards (fake clocks, NTP steps) keeps writing into the newest bucket.
 */
export class SlidingWindowCounter {
  /** Bucket-major: cells[bucket × series + s]. */
  private readonly cells: Float64Array;
  private readonly sums: Float64Array;
  /** Epoch (now / bucketMs, floored) of the newest bucket. */
  private head = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly buckets: number,
    private readonly bucketMs: number,
    private readonly series: number,
  ) {
    this.cells = new Float64Array(buckets * series);
    this.sums = new Float64Array(series);
  }

  /** Adds `value` to series `s` in the bucket of `now`. */
  add(now: number, s: number, value: number): void {
    const epoch = this.advance(now);
    this.cells[this.slot(epoch) * this.series + s] += value;
    this.sums[s] += value;
  }

  /**
   * Adds `value` to series `s` in the bucket that held time `at`, when that bucket is still in the
   * window; false (nothing added) when it has already left it. `at` in the future means now.
   */
  addAt(now: number, at: number, s: number, value: number): boolean {
    const epoch = this.advance(now);
    const target = Math.min(epoch, Math.floor(at / this.bucketMs));
    if (epoch - target >= this.buckets) return false;
    this.cells[this.slot(target) * this.series + s] += value;
    this.sums[s] += value;
    return true;
  }

  /** Sum of series `s` over the window ending at `now`. */
  sum(now: number, s: number): number {
    this.advance(now);
    return this.sums[s];
  }

  private advance(now: number): number {
    const epoch = Math.floor(now / this.bucketMs);
    if (epoch <= this.head) return this.head;
    if (epoch - this.head >= this.buckets) {
      this.cells.fill(0);
      this.sums.fill(0);
    } else {
      for (let e = this.head + 1; e <= epoch; e++) {
        const base = this.slot(e) * this.series;
        for (let s = 0; s < this.series; s++) {
          this.sums[s] -= this.cells[base + s];
          this.cells[base + s] = 0;
        }
      }
    }
    this.head = epoch;
    return epoch;
  }

  private slot(epoch: number): number {
    const i = epoch % this.buckets;
    return i < 0 ? i + this.buckets : i;
  }
}
