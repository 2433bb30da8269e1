// Percentiles over exact samples. autocannon's own histogram records whole milliseconds
// (hdr-histogram with lowestDiscernibleValue 1), too coarse for a 0.5 ms added-latency target,
// so every cell keeps its raw per-request times and summarises them here.

/** A growable Float64Array: millions of samples without an array of boxed numbers. */
export class Samples {
  #data = new Float64Array(4096);
  #size = 0;

  push(value) {
    if (this.#size === this.#data.length) {
      const next = new Float64Array(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    this.#data[this.#size++] = value;
  }

  get size() {
    return this.#size;
  }

  /** p50, p90, p99, max and mean in the samples' unit (ms here), or null when empty. */
  summary() {
    if (this.#size === 0) return null;
    const sorted = this.#data.slice(0, this.#size).sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    return {
      p50: rank(sorted, 50),
      p90: rank(sorted, 90),
      p99: rank(sorted, 99),
      max: sorted[sorted.length - 1],
      mean: sum / sorted.length,
    };
  }
}

// Nearest-rank percentile: always a value that was actually observed.
function rank(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Milliseconds elapsed since a process.hrtime.bigint() reading, with sub-µs precision. */
export function msSince(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
