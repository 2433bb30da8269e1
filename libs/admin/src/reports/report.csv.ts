import { ROLLUP_DIMENSIONS, type RollupDimension, type UsageRollupRow } from '@switchyard/db';
import { usdOfNano } from '@switchyard/shared';
import { toCsv } from './csv.writer';
import type { StatementView } from './statement.builder';

const COUNTS = ['requests', 'errors', 'input_tokens', 'output_tokens', 'cached_input_tokens', 'reasoning_tokens', 'cache_write_tokens'] as const;

// After the cost, so the columns before keep their places; empty where no request declares an upstream cost.
const UPSTREAM = ['upstream_cost_usd', 'margin_usd', 'costed_requests'] as const;

/** Rollup rows as CSV: bucket, the grouped dimensions in their fixed order, counts, cost, upstream cost and margin. */
export function rollupsCsv(rows: readonly UsageRollupRow[], groupBy: readonly RollupDimension[], withheld?: ReadonlySet<string>): string {
  const dims = ROLLUP_DIMENSIONS.filter((d) => groupBy.includes(d));
  return toCsv(
    ['bucket', ...dims, ...COUNTS, 'cost_usd', ...UPSTREAM],
    rows.map((r) => [r.bucket, ...dims.map((d) => r[d] ?? ''), r.requests, r.errors, r.inputTokens, r.outputTokens, r.cachedInputTokens, r.reasoningTokens, r.cacheWriteTokens, r.costUsd, r.upstreamCostUsd ?? '', r.marginUsd ?? '', r.costedRequests]),
    withheld,
  );
}

/**
 * A statement as one table: a `usage` row per model and key, a row per section line, then a
 * `total` row per part, then a prepaid tenant's `balance` rows (opening, credits, usage as a
 * negative amount, closing). Amounts keep their nine decimals, so a spreadsheet's sum is exact text.
 */
export function statementCsv(s: StatementView, withheld?: ReadonlySet<string>): string {
  const blank = COUNTS.map(() => '');
  const none = UPSTREAM.map(() => '');
  const rows: (string | number)[][] = s.lines.map((l) => [
    'usage', '', l.model, l.keyId, l.requests, l.errors, l.inputTokens, l.outputTokens, l.cachedInputTokens, l.reasoningTokens, l.cacheWriteTokens, l.costUsd,
    l.upstreamCostUsd ?? '', l.marginUsd ?? '', l.costedRequests,
  ]);
  rows.push(['usage', 'total', '', '', s.usage.requests, ...blank.slice(1), s.usage.costUsd, s.usage.upstreamCostUsd ?? '', s.usage.marginUsd ?? '', s.usage.costedRequests]);
  for (const section of s.sections) {
    for (const l of section.lines) rows.push([section.kind, l.at ? `${l.label} (${l.at})` : l.label, '', '', ...blank, l.amountUsd, ...none]);
    rows.push([section.kind, 'total', '', '', ...blank, section.totalUsd, ...none]);
  }
  // A prepaid tenant's balance: opening + credits − usage = closing, each its own row.
  const b = s.balance;
  if (b) {
    rows.push(['balance', `opening (${s.from})`, '', '', ...blank, b.openingUsd, ...none]);
    rows.push(['balance', 'credits', '', '', ...blank, b.creditsUsd, ...none]);
    rows.push(['balance', 'usage', '', '', ...blank, usdOfNano(-BigInt(b.usageNanoUsd)), ...none]);
    rows.push(['balance', `closing (${s.to})`, '', '', ...blank, b.closingUsd, ...none]);
  }
  return toCsv(['section', 'label', 'model', 'key_id', ...COUNTS, 'amount_usd', ...UPSTREAM], rows, withheld);
}
