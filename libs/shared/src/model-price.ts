// Prices per million tokens of one public model, and what a request costs at them. Shared by
// billing (the ledger's cost) and admission (budget reservations and settlements), so a budget
// is charged exactly what the ledger records.

export interface ModelPrice {
  /** Epoch ms from which this price applies. */
  from: number;
  input: number;
  output: number;
  /** Cache reads; the input price when the catalogue has none. */
  cachedInput: number;
  /** Prompt-cache writes (Anthropic); the input price when the catalogue has none. */
  cacheWrite: number;
}

/** The token counts a cost is computed from (structurally the IR's Usage). */
export interface PricedUsage {
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
  cacheCreationInputTokens?: number;
}

/**
 * The price in force at `at` from a history sorted newest first; the oldest when `at` predates
 * them all (usage recorded before the first price was entered).
 */
export function priceAt(history: readonly ModelPrice[] | undefined, at: number): ModelPrice | undefined {
  if (!history?.length) return undefined;
  return history.find((p) => p.from <= at) ?? history[history.length - 1];
}

/** Cost in USD. inputTokens counts every prompt token; cache reads and writes are priced apart. */
export function usageCostUsd(price: ModelPrice | undefined, usage: PricedUsage | undefined): number {
  if (!price || !usage) return 0;
  const input = usage.inputTokens ?? 0;
  const cached = Math.min(usage.cachedInputTokens ?? 0, input);
  const written = Math.min(usage.cacheCreationInputTokens ?? 0, input - cached);
  const fresh = input - cached - written;
  return (fresh * price.input + cached * price.cachedInput + written * price.cacheWrite + (usage.outputTokens ?? 0) * price.output) / 1_000_000;
}

/**
 * The most a request can cost: every input token at the dearest input rate (a prompt-cache write
 * can cost more than a plain input token) and every allowed output token.
 */
export function maxCostUsd(price: ModelPrice | undefined, inputTokens: number, outputTokens: number): number {
  if (!price) return 0;
  return (inputTokens * Math.max(price.input, price.cacheWrite, price.cachedInput) + outputTokens * price.output) / 1_000_000;
}
