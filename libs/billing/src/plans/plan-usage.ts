import type { PlanOverage } from '@switchyard/config';

// A tenant's month on a plan (docs/architecture.md §5, "Billing: plans and spend alerts"): what the
// plan covered and what went past it. Pure, so the monthly statement and the tests call it alike.

/** A decimal as Prisma hands it (Decimal), as a string, or as a number from switchyard.yaml. */
export type DecimalLike = number | string | { toString(): string };

/** The terms of a plan, as the `plans` row or the file's `plans[]` entry holds them. */
export interface PlanTerms {
  monthlyFeeUsd: DecimalLike;
  /** Included usage in USD at catalogue prices; null/absent when the plan counts tokens. */
  includedUsd?: DecimalLike | null;
  /** Included tokens (input + output); null/absent when the plan counts USD. */
  includedTokens?: number | bigint | null;
  overage: PlanOverage;
  /** Overage is charged at the catalogue price times this; null/absent = 1. */
  overageMultiplier?: DecimalLike | null;
}

/** Amounts in integer nano-dollars (the ledger's unit: statements reconcile to the nano-dollar). */
export interface PlanUsageNano {
  feeNano: bigint;
  included: { nano: bigint; tokens: bigint };
  /** Past the included usage: its catalogue cost, its tokens, and what is charged for it. */
  overage: { nano: bigint; tokens: bigint; chargeNano: bigint };
}

export interface PlanUsage {
  feeUsd: number;
  included: { usd: number; tokens: number };
  overage: { usd: number; tokens: number; chargeUsd: number };
}

const NANO = 1_000_000_000n;

/**
 * Splits a month's usage (`usedUsd` at catalogue prices, `usedTokens` input + output) into what the
 * plan included and the overage. A USD plan includes up to `includedUsd` of cost (all tokens of the
 * covered cost count as included, pro rata); a token plan up to `includedTokens`, and the overage's
 * cost is the used cost pro rata to the overage tokens (a month's rows are summed, so which request
 * crossed is not known here). A plan with neither includes nothing. The overage is charged at its
 * cost times `overageMultiplier` — also under `stop`, where admission keeps it at zero (a request is
 * refused unless its maximum cost fits), so anything there is what a late price change let through.
 */
export function planUsageNano(plan: PlanTerms, usedNano: bigint, usedTokens: bigint): PlanUsageNano {
  const feeNano = toNano(plan.monthlyFeeUsd);
  const used = max0(usedNano);
  const tokens = max0(usedTokens);
  let includedNano: bigint;
  let includedTokens: bigint;
  if (plan.includedTokens !== null && plan.includedTokens !== undefined) {
    includedTokens = min(tokens, BigInt(plan.includedTokens));
    includedNano = tokens === 0n ? used : divRound(used * includedTokens, tokens);
  } else {
    includedNano = plan.includedUsd === null || plan.includedUsd === undefined ? 0n : min(used, toNano(plan.includedUsd));
    includedTokens = used === 0n ? 0n : divRound(tokens * includedNano, used);
  }
  const overNano = used - includedNano;
  const multiplier = plan.overageMultiplier === null || plan.overageMultiplier === undefined ? NANO : toNano(plan.overageMultiplier);
  return {
    feeNano,
    included: { nano: includedNano, tokens: includedTokens },
    overage: { nano: overNano, tokens: tokens - includedTokens, chargeNano: divRound(overNano * multiplier, NANO) },
  };
}

/** planUsageNano in USD and plain numbers, for callers that hold numbers. */
export function planUsage(plan: PlanTerms, usedUsd: number, usedTokens: number): PlanUsage {
  const u = planUsageNano(plan, toNano(usedUsd), BigInt(Math.max(0, Math.round(usedTokens))));
  return {
    feeUsd: nanoToUsd(u.feeNano),
    included: { usd: nanoToUsd(u.included.nano), tokens: Number(u.included.tokens) },
    overage: { usd: nanoToUsd(u.overage.nano), tokens: Number(u.overage.tokens), chargeUsd: nanoToUsd(u.overage.chargeNano) },
  };
}

/** A decimal amount of USD in nano-dollars, exactly (rounded half up past the ninth place). */
export function toNano(value: DecimalLike): bigint {
  const text = typeof value === 'number' ? numberText(value) : value.toString();
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new RangeError(`not a decimal amount: ${text}`);
  const frac = (m[3] ?? '').padEnd(10, '0');
  let nano = BigInt(m[2] || '0') * NANO + BigInt(frac.slice(0, 9));
  if (frac.charCodeAt(9) >= 53) nano += 1n; // '5'..'9': half up
  return m[1] === '-' ? -nano : nano;
}

function numberText(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`not a finite amount: ${v}`);
  // toFixed avoids exponent notation (1e-7) and keeps one digit past nano for the rounding.
  return v.toFixed(10);
}

function nanoToUsd(nano: bigint): number {
  return Number(nano) / 1e9;
}

function divRound(a: bigint, b: bigint): bigint {
  return (a * 2n + b) / (b * 2n);
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function max0(a: bigint): bigint {
  return a < 0n ? 0n : a;
}
