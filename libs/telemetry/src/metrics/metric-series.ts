import type { MetricType } from './metric-catalogue';

/**
 * The series of one catalogue entry, kept in our own cells rather than prom-client's metric
 * classes, and handed to prom-client's registry for the text format (`toMetric`).
 *
 * Why not prom-client's Counter and Histogram: their children are not bound. Every `observe`
 * and `inc`, on a child too, rebuilds the label hash string, validates the labels and allocates
 * (measured here: ~0.5 µs per counter increment, ~0.7 µs per histogram observation, about 15 a
 * request across the cluster). A child here is a plain object found through nested maps of
 * label values, with no string built; observing is a bucket search and two additions (see the
 * micro-benchmark in metric-series.bench.ts and docs/metrics.md).
 */

/** Label values by label name: every label of the series must be given, no other. */
export type LabelValues<L extends string> = { readonly [K in L]: string };

/** One value as prom-client's registry renders it. */
interface RenderedValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

/** The shape prom-client's Registry reads from a metric (`get()`; name and type for the registry's own use). */
export interface RegistryMetric {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: MetricType; aggregator: 'sum'; values: RenderedValue[] }>;
}

/**
 * Children by label values, in the catalogue's label order: one map per label, so a look-up is
 * N map reads and no allocation once the child exists.
 */
class ChildTree<C> {
  private readonly root = new Map<string, unknown>();
  private readonly all: { labels: Record<string, string>; child: C }[] = [];

  constructor(
    private readonly labelNames: readonly string[],
    private readonly make: () => C,
  ) {}

  get(values: Readonly<Record<string, string>>): C {
    const names = this.labelNames;
    let node = this.root;
    const last = names.length - 1;
    for (let i = 0; i < last; i++) {
      const v = values[names[i] as string] as string;
      let next = node.get(v) as Map<string, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        node.set(v, next);
      }
      node = next;
    }
    const leaf = last < 0 ? '' : (values[names[last] as string] as string);
    let child = node.get(leaf) as C | undefined;
    if (child === undefined) {
      child = this.make();
      node.set(leaf, child);
      // The label values are copied once, when the child is made (the caller's object may be reused).
      const labels: Record<string, string> = {};
      for (const name of names) labels[name] = values[name] as string;
      this.all.push({ labels, child });
    }
    return child;
  }

  entries(): readonly { labels: Record<string, string>; child: C }[] {
    return this.all;
  }
}

/** A counter child: add to it. */
export class CounterChild {
  value = 0;

  inc(by = 1): void {
    this.value += by;
  }
}

/** A histogram child: observe seconds (or whatever unit the series is in). */
export class HistogramChild {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    // One slot per bound and one for +Inf.
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    // Not finite (a clock that went wrong) would poison the sum forever; such a sample is dropped.
    if (!Number.isFinite(value)) return;
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    (this.counts as unknown as number[])[i]++;
    this.sum += value;
    this.count++;
  }
}

abstract class Series<L extends string, C> {
  protected readonly children: ChildTree<C>;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
    make: () => C,
  ) {
    this.children = new ChildTree(labelNames, make);
  }

  /**
   * The child for these label values. Hold on to it where the values are known ahead (a
   * deployment, a gRPC method); look it up per event otherwise (no allocation once it exists).
   */
  child(values: LabelValues<L>): C {
    return this.children.get(values);
  }

  /** The child for these values if one was made, without making it (tests, checks). */
  find(values: Partial<LabelValues<L>>): C | undefined {
    const names: readonly string[] = this.labelNames;
    const v = values as Readonly<Record<string, string | undefined>>;
    return this.children.entries().find((e) => names.every((n) => v[n] === undefined || e.labels[n] === v[n]))?.child;
  }
}

export class CounterSeries<L extends string> extends Series<L, CounterChild> implements RegistryMetric {
  readonly type = 'counter';
  readonly aggregator = 'sum';

  constructor(name: string, help: string, labelNames: readonly L[]) {
    super(name, help, labelNames, () => new CounterChild());
  }

  inc(values: LabelValues<L>, by = 1): void {
    this.children.get(values).inc(by);
  }


  async get(): Promise<{ name: string; help: string; type: 'counter'; aggregator: 'sum'; values: RenderedValue[] }> {
    const values = this.children.entries().map(({ labels, child }) => ({ value: child.value, labels }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

export class HistogramSeries<L extends string> extends Series<L, HistogramChild> implements RegistryMetric {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(
    name: string,
    help: string,
    labelNames: readonly L[],
    readonly buckets: readonly number[],
  ) {
    super(name, help, labelNames, () => new HistogramChild(buckets));
  }

  observe(values: LabelValues<L>, value: number): void {
    this.children.get(values).observe(value);
  }

  async get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: RenderedValue[] }> {
    const values: RenderedValue[] = [];
    const bucket = `${this.name}_bucket`;
    for (const { labels, child } of this.children.entries()) {
      let cumulative = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cumulative += child.counts[i] as number;
        values.push({ metricName: bucket, labels: { ...labels, le: this.buckets[i] as number }, value: cumulative });
      }
      values.push({ metricName: bucket, labels: { ...labels, le: '+Inf' }, value: child.count });
      values.push({ metricName: `${this.name}_sum`, labels, value: child.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: child.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

/** A gauge child: set it. */
export class GaugeChild {
  value = 0;

  set(value: number): void {
    if (Number.isFinite(value)) this.value = value;
  }
}

type GaugeReader<L extends string> = (set: (values: LabelValues<L>, value: number) => void) => void | Promise<void>;

/**
 * A gauge: children set at a cheap moment (`child(...).set`), and readers run when Prometheus
 * scrapes (`collect`) for values that are cheaper to read than to keep up to date (a queue's
 * depth); the reader decides what a scrape costs. A child can be dropped again (`remove`), so
 * a tenant that went away leaves the series.
 */
export class GaugeSeries<L extends string> extends Series<L, GaugeChild> implements RegistryMetric {
  readonly type = 'gauge';
  readonly aggregator = 'sum';
  private readonly readers: GaugeReader<L>[] = [];
  private readonly removed = new Set<GaugeChild>();

  constructor(name: string, help: string, labelNames: readonly L[]) {
    super(name, help, labelNames, () => new GaugeChild());
  }

  set(values: LabelValues<L>, value: number): void {
    const child = this.children.get(values);
    this.removed.delete(child);
    child.set(value);
  }

  /** Leaves the series out of scrapes until it is set again. */
  remove(values: LabelValues<L>): void {
    this.removed.add(this.children.get(values));
  }

  /**
   * Adds a reader run at every scrape; it reports each value with `set`. A reader that throws
   * or rejects reports nothing for that scrape (its series are absent, which alerts can see).
   * Returns the function that removes it.
   */
  collect(reader: GaugeReader<L>): () => void {
    this.readers.push(reader);
    return () => {
      const i = this.readers.indexOf(reader);
      if (i >= 0) this.readers.splice(i, 1);
    };
  }

  async get(): Promise<{ name: string; help: string; type: 'gauge'; aggregator: 'sum'; values: RenderedValue[] }> {
    const values: RenderedValue[] = [];
    for (const { labels, child } of this.children.entries()) if (!this.removed.has(child)) values.push({ labels, value: child.value });
    await Promise.all(
      this.readers.map(async (read) => {
        const found: RenderedValue[] = [];
        try {
          await read((labels, value) => {
            if (Number.isFinite(value)) found.push({ labels: { ...labels }, value });
          });
          values.push(...found);
        } catch {
          // Absent for this scrape; the next one asks again.
        }
      }),
    );
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
