import type { DeploymentEntry } from '../catalogue.types';
import { SlidingWindowCounter } from './sliding-window-counter';

/**
 * Smoothing of the latency EWMAs: each sample moves the average 20 % of the way, so a sample's
 * weight halves every ln 0.5 / ln 0.8 ≈ 3.1 samples. Sample-based rather than time-based: a
 * deployment's figure only changes when it serves traffic, and the pickers' exploration
 * (see deployment-selector.ts) keeps idle deployments' figures from going stale for ever.
 */
export const EWMA_ALPHA = 0.2;
/** Recent TTFT samples kept per deployment for percentiles (hedging thresholds). */
export const TTFT_RING_SIZE = 64;
/** Fewer samples than this give no percentile: p95 of three samples is noise. */
export const MIN_PERCENTILE_SAMPLES = 10;
/**
 * Upstream limits are per minute. 61 buckets of one second keep each request and token counted
 * for at least 60 s (at most 61 s), so the router errs on the side of staying under the limit.
 */
const LIMIT_BUCKETS = 61;
const LIMIT_BUCKET_MS = 1_000;
const REQUESTS = 0;
const TOKENS = 1;

export interface DeploymentStatsOptions {
  ewmaAlpha?: number;
  ttftRingSize?: number;
  minPercentileSamples?: number;
}

export interface DeploymentLatency {
  ttftMs: number | undefined;
  totalMs: number | undefined;
  /** Observations that carried at least one figure. */
  samples: number;
}

/** What the admin API / metrics show for one deployment. */
export interface DeploymentStatsSnapshot extends DeploymentLatency {
  inFlight: number;
  requestsLastMinute: number;
  tokensLastMinute: number;
}

/** Everything kept for one deployment; allocated once, on its first write. */
class Slot {
  inFlight = 0;
  ttftEwma = Number.NaN;
  totalEwma = Number.NaN;
  samples = 0;
  readonly ring: Float64Array;
  ringLength = 0;
  ringNext = 0;
  /** Last percentile asked for and its answer, until the next TTFT sample. */
  cachedP = Number.NaN;
  cachedValue: number | undefined = undefined;
  readonly limits = new SlidingWindowCounter(LIMIT_BUCKETS, LIMIT_BUCKET_MS, 2);

  constructor(ringSize: number) {
    this.ring = new Float64Array(ringSize);
  }
}

/**
 * Live per-deployment figures of this router replica: requests in flight, latency EWMAs and
 * recent TTFTs, and requests/tokens of the last minute against the deployment's rpm/tpm.
 *
 * State is per replica and in memory: the figures steer this replica's own choices, every
 * replica sees the same upstreams, and sharing them would put a network hop on the hot path.
 * With N replicas each keeps under the full rpm/tpm, so configure limits per replica (or
 * divide them by N) when the upstream's limit is hard.
 *
 * Cost: every method is one Map lookup plus O(1) work (the percentile sorts at most
 * `ttftRingSize` numbers, and caches the answer until the next sample).
 */
export class DeploymentStats {
  private readonly slots = new Map<string, Slot>();
  private readonly alpha: number;
  private readonly ringSize: number;
  private readonly minPercentileSamples: number;
  /** Reused by ttftPercentile for sorting. */
  private readonly scratch: Float64Array;

  constructor(
    private readonly now: () => number = Date.now,
    options: DeploymentStatsOptions = {},
  ) {
    this.alpha = options.ewmaAlpha ?? EWMA_ALPHA;
    this.ringSize = Math.max(1, options.ttftRingSize ?? TTFT_RING_SIZE);
    this.minPercentileSamples = Math.max(1, options.minPercentileSamples ?? MIN_PERCENTILE_SAMPLES);
    this.scratch = new Float64Array(this.ringSize);
  }

  /**
   * A request starts on `id`; the returned function ends it (calling it again does nothing).
   * A request still running when its deployment is forgotten ends on the forgotten record.
   */
  begin(id: string): () => void {
    const slot = this.slot(id);
    slot.inFlight++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      slot.inFlight--;
    };
  }

  inFlight(id: string): number {
    return this.slots.get(id)?.inFlight ?? 0;
  }

  /** After an attempt: time to first token and total time in ms. Negative or non-finite figures are ignored. */
  observe(id: string, sample: { ttftMs?: number; totalMs?: number }): void {
    const ttft = usable(sample.ttftMs);
    const total = usable(sample.totalMs);
    if (ttft === undefined && total === undefined) return;
    const slot = this.slot(id);
    slot.samples++;
    if (ttft !== undefined) {
      slot.ttftEwma = Number.isNaN(slot.ttftEwma) ? ttft : slot.ttftEwma + this.alpha * (ttft - slot.ttftEwma);
      slot.ring[slot.ringNext] = ttft;
      slot.ringNext = (slot.ringNext + 1) % this.ringSize;
      if (slot.ringLength < this.ringSize) slot.ringLength++;
      slot.cachedP = Number.NaN;
    }
    if (total !== undefined) {
      slot.totalEwma = Number.isNaN(slot.totalEwma) ? total : slot.totalEwma + this.alpha * (total - slot.totalEwma);
    }
  }

  latency(id: string): DeploymentLatency {
    const slot = this.slots.get(id);
    if (!slot) return { ttftMs: undefined, totalMs: undefined, samples: 0 };
    return { ttftMs: known(slot.ttftEwma), totalMs: known(slot.totalEwma), samples: slot.samples };
  }

  /**
   * The figure lowest-latency ranks by: the TTFT EWMA, else the total-time EWMA (unary calls such
   * as embeddings report only a total, an upper bound of their TTFT); NaN when neither is known.
   * Allocation-free, for the picker.
   */
  latencyScore(id: string): number {
    const slot = this.slots.get(id);
    if (!slot) return Number.NaN;
    return Number.isNaN(slot.ttftEwma) ? slot.totalEwma : slot.ttftEwma;
  }

  /**
   * p-th percentile (0..100, nearest rank) of the recent TTFT samples; undefined below the
   * minimum sample count or for p outside 0..100.
   */
  ttftPercentile(id: string, p: number): number | undefined {
    const slot = this.slots.get(id);
    if (!slot || slot.ringLength < this.minPercentileSamples || !(p >= 0 && p <= 100)) return undefined;
    if (slot.cachedP === p) return slot.cachedValue;
    const n = slot.ringLength;
    this.scratch.set(slot.ring.subarray(0, n));
    const sorted = this.scratch.subarray(0, n).sort();
    const value = sorted[Math.max(0, Math.ceil((p / 100) * n) - 1)];
    slot.cachedP = p;
    slot.cachedValue = value;
    return value;
  }

  /**
   * Counts a request and its estimated tokens against the deployment's upstream limits. Returns
   * the time it was counted at, to pass to `addTokens` with the correction.
   */
  countRequest(id: string, estimatedTokens: number): number {
    const at = this.now();
    const limits = this.slot(id).limits;
    limits.add(at, REQUESTS, 1);
    if (estimatedTokens > 0) limits.add(at, TOKENS, estimatedTokens);
    return at;
  }

  /**
   * Corrects the estimate with the real usage (may be negative). With `countedAt` (what
   * `countRequest` returned) the correction lands where the estimate did, and is dropped when
   * the estimate has already left the window — a late negative correction must not free room
   * the estimate no longer takes. Without it, it lands now. The window total never reads
   * below zero.
   */
  addTokens(id: string, tokens: number, countedAt?: number): void {
    if (!Number.isFinite(tokens) || tokens === 0) return;
    const limits = this.slot(id).limits;
    const now = this.now();
    if (countedAt === undefined) limits.add(now, TOKENS, tokens);
    else if (!limits.addAt(now, countedAt, TOKENS, tokens) && tokens > 0) limits.add(now, TOKENS, tokens);
  }

  /**
   * False when the last minute already holds `rpm` requests, or when `tpm` would be passed with
   * `estimatedTokens` added. Undefined limits are unlimited. An empty token window still admits
   * one request bigger than `tpm`, or such a request could never be served.
   */
  withinLimits(d: DeploymentEntry, estimatedTokens: number): boolean {
    if (d.rpm === undefined && d.tpm === undefined) return true;
    const slot = this.slots.get(d.id);
    if (!slot) return d.rpm === undefined || d.rpm > 0;
    const now = this.now();
    if (d.rpm !== undefined && slot.limits.sum(now, REQUESTS) >= d.rpm) return false;
    if (d.tpm !== undefined) {
      const used = Math.max(0, slot.limits.sum(now, TOKENS));
      if (used > 0 && used + Math.max(0, estimatedTokens) > d.tpm) return false;
    }
    return true;
  }

  /** Requests and tokens counted in the last minute. */
  usage(id: string): { requests: number; tokens: number } {
    const slot = this.slots.get(id);
    if (!slot) return { requests: 0, tokens: 0 };
    const now = this.now();
    return { requests: slot.limits.sum(now, REQUESTS), tokens: Math.max(0, slot.limits.sum(now, TOKENS)) };
  }

  snapshot(id: string): DeploymentStatsSnapshot {
    const { requests, tokens } = this.usage(id);
    return { ...this.latency(id), inFlight: this.inFlight(id), requestsLastMinute: requests, tokensLastMinute: tokens };
  }

  /** Drops everything known about `id` (a deployment left the catalogue). */
  forget(id: string): void {
    this.slots.delete(id);
  }

  private slot(id: string): Slot {
    let slot = this.slots.get(id);
    if (!slot) {
      slot = new Slot(this.ringSize);
      this.slots.set(id, slot);
    }
    return slot;
  }
}

function usable(ms: number | undefined): number | undefined {
  return ms !== undefined && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

function known(value: number): number | undefined {
  return Number.isNaN(value) ? undefined : value;
}
