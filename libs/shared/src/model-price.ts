// Prices per million tokens of one public model, and what a request costs at them. Shared by
// billing (the ledger's cost) and admission (budget reservations and settlements), so a budget
// is charged exactly what the ledger records (docs/architecture.md, "Billing: prices").
//
// The arithmetic is integer: a rate (USD per million tokens, at most six decimals, the price
// columns' scale) is taken as a whole number of micro-dollars per million tokens, so tokens ×
// rate is a whole number of pico-dollars; the multiplier (six decimals, its column's scale) is
// taken in parts per million; the sum is rounded once, half up, to nano-dollars (the ledger's
// scale). No binary-float digits ever reach a cost.

export interface ModelPrice {
  /** Epoch ms from which this price applies. */
  from: number;
  input: number;
  output: number;
  /** Cache reads; the input price when the catalogue has none. */
  cachedInput: number;
  /** Prompt-cache writes (Anthropic); the input price when the catalogue has none. */
  cacheWrite: number;
  /** Reasoning tokens (counted within the output tokens); absent = the output price. */
  reasoning?: number;
  /** Batch-API lines: input and output (reasoning included); absent = the interactive rates. */
  batchInput?: number;
  batchOutput?: number;
}

/** The token counts a cost is computed from (structurally the IR's Usage). */
export interface PricedUsage {
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
  cacheCreationInputTokens?: number;
  /** Part of outputTokens (every provider adapter counts them there). */
  reasoningTokens?: number;
}

export interface CostOptions {
  /** A batch-API line: priced at the batch rates where the price has them. */
  batch?: boolean;
  /** The tenant's price multiplier (1.2 = 20 % markup); absent = 1. */
  multiplier?: number;
}

const NANOS_PER_USD = 1_000_000_000n;

/**
 * The price in force at `at` from a history sorted newest first; the oldest when `at` predates
 * them all (usage recorded before the first price was entered).
 */
export function priceAt(history: readonly ModelPrice[] | undefined, at: number): ModelPrice | undefined {
  if (!history?.length) return undefined;
  return history.find((p) => p.from <= at) ?? history[history.length - 1];
}

/**
 * The charged cost in nano-dollars: inputTokens counts every prompt token, of which cache reads
 * and writes are priced apart; outputTokens counts every completion token, of which reasoning
 * tokens are priced at the reasoning rate when there is one. Times the multiplier.
 */
export function usageCostNanos(price: ModelPrice | undefined, usage: PricedUsage | undefined, options: CostOptions = {}): bigint {
  if (!price || !usage) return 0n;
  const input = count(usage.inputTokens);
  const cached = Math.min(count(usage.cachedInputTokens), input);
  const written = Math.min(count(usage.cacheCreationInputTokens), input - cached);
  const output = count(usage.outputTokens);
  const reasoning = Math.min(count(usage.reasoningTokens), output);
  const r = ratesOf(price, options.batch === true);
  const pico =
    BigInt(input - cached - written) * r.input +
    BigInt(cached) * r.cachedInput +
    BigInt(written) * r.cacheWrite +
    BigInt(output - reasoning) * r.output +
    BigInt(reasoning) * r.reasoning;
  return applyMultiplier(pico, options.multiplier);
}

/** The charged cost in USD (for the quota store's counters, which count in USD). */
export function usageCostUsd(price: ModelPrice | undefined, usage: PricedUsage | undefined, options?: CostOptions): number {
  return nanosToUsd(usageCostNanos(price, usage, options));
}

/**
 * The most a request can cost: every input token at the dearest input rate (a prompt-cache write
 * can cost more than a plain input token) and every allowed output token at the dearest output
 * rate (reasoning may be dearer than text), times the multiplier. A request not known to be a
 * batch line may be either, so it takes the dearer of both rate sets; a batch line (`batch`)
 * only the rates `usageCostNanos` will charge it at.
 */
export function maxCostUsd(price: ModelPrice | undefined, inputTokens: number, outputTokens: number, options: CostOptions = {}): number {
  if (!price) return 0;
  const b = ratesOf(price, true);
  const r = options.batch === true ? b : ratesOf(price, false);
  const inRate = max(r.input, r.cachedInput, r.cacheWrite, b.input);
  const outRate = max(r.output, r.reasoning, b.output, b.reasoning);
  return nanosToUsd(applyMultiplier(BigInt(count(inputTokens)) * inRate + BigInt(count(outputTokens)) * outRate, options.multiplier));
}

/** USD per million tokens → micro-dollars per million tokens (= pico-dollars per token), exactly. */
export function microRate(usdPerMTok: number): bigint {
  return BigInt(Math.round(usdPerMTok * 1e6));
}

/** A multiplier → parts per million (its column keeps six decimals). */
export function multiplierPpm(multiplier: number | undefined): bigint {
  return multiplier === undefined ? 1_000_000n : BigInt(Math.round(multiplier * 1e6));
}

export function nanosToUsd(nanos: bigint): number {
  return Number(nanos) / 1e9;
}

/** Nano-dollars as the ledger's decimal text with nine places ("0.000123450"; "-1.500000000"). */
export function nanosToDecimal(nanos: bigint): string {
  const sign = nanos < 0n ? '-' : '';
  const abs = nanos < 0n ? -nanos : nanos;
  return `${sign}${abs / NANOS_PER_USD}.${(abs % NANOS_PER_USD).toString().padStart(9, '0')}`;
}

interface Rates {
  input: bigint;
  output: bigint;
  cachedInput: bigint;
  cacheWrite: bigint;
  reasoning: bigint;
}

/**
 * A batch line takes the batch input and output rates where set; its reasoning tokens are
 * output tokens of the batch, so they follow the batch output rate when there is one.
 */
function ratesOf(p: ModelPrice, batch: boolean): Rates {
  const output = batch && p.batchOutput !== undefined ? p.batchOutput : p.output;
  const reasoning = batch && p.batchOutput !== undefined ? p.batchOutput : (p.reasoning ?? p.output);
  return {
    input: microRate(batch && p.batchInput !== undefined ? p.batchInput : p.input),
    output: microRate(output),
    cachedInput: microRate(p.cachedInput),
    cacheWrite: microRate(p.cacheWrite),
    reasoning: microRate(reasoning),
  };
}

/** pico-dollars × ppm → nano-dollars, rounded half up once (pico/1e3 and ppm/1e6). */
function applyMultiplier(pico: bigint, multiplier: number | undefined): bigint {
  const scaled = pico * multiplierPpm(multiplier);
  const divisor = 1_000_000_000n;
  return (scaled + divisor / 2n) / divisor;
}

/** A token count as the arithmetic takes it: a whole number, never negative. */
function count(n: number | undefined): number {
  return n !== undefined && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

function max(...values: bigint[]): bigint {
  return values.reduce((a, b) => (b > a ? b : a));
}
