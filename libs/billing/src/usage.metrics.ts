import type { UsageRecordInput } from '@switchyard/db';
import { metricSeries } from '@switchyard/telemetry';

/** The model label of an event that never reached a configured model (its name is the client's free text). */
const UNROUTED = 'none';

/**
 * Billing's series, once a statement went through: switchyard_usage_records_total by result, and
 * tokens and cost by tenant and model. The ledger says only how many rows a statement inserted,
 * not which: a statement's rows are all new (the usual batch) or all repeats (a job delivered
 * again), and tokens and cost are counted when all were new; a batch that mixes both (two jobs
 * that overlapped) counts its records, not its tokens (docs/metrics.md).
 */
export function countRecorded(batch: readonly { row: UsageRecordInput }[], inserted: number): void {
  const { usageRecords, tokens, cost } = metricSeries();
  usageRecords.child({ result: 'recorded' }).inc(inserted);
  if (batch.length > inserted) usageRecords.child({ result: 'duplicate' }).inc(batch.length - inserted);
  if (inserted !== batch.length) return;
  for (const { row } of batch) {
    // A model the router took (a deployment answered or the cache did) is a configured name.
    const model = row.providerId || row.cacheHit ? row.model : UNROUTED;
    tokens.child({ tenant: row.tenantId, model, direction: 'input' }).inc(row.inputTokens);
    tokens.child({ tenant: row.tenantId, model, direction: 'output' }).inc(row.outputTokens);
    cost.child({ tenant: row.tenantId, model }).inc(Number(row.costUsd));
  }
}

export function countRejected(n: number): void {
  metricSeries().usageRecords.child({ result: 'rejected' }).inc(n);
}
