import type { Database } from './database';

// Small batches: each DELETE is its own short transaction, so retention never holds locks long
// enough to stall billing's inserts, and a crash mid-run loses nothing but the batch in flight.
export const USAGE_RETENTION_BATCH = 5_000;

// started_at has no index of its own (only behind tenant_id and key_id), so a batch is found by a
// scan that stops at the batch size: rows are appended roughly in time order, so the old ones sit
// early in the table and are found first. Rollups are not touched: they are the durable record of
// usage once raw rows are gone (issue 16).
const DELETE_BATCH = `
  WITH doomed AS (SELECT id FROM usage_records WHERE started_at < $1::timestamptz LIMIT $2)
  DELETE FROM usage_records u USING doomed WHERE u.id = doomed.id`;

const COUNT_DELETED = `WITH gone AS (${DELETE_BATCH} RETURNING 1) SELECT count(*)::int AS deleted FROM gone`;

/**
 * Deletes raw usage rows that started before `before`, in batches until none is left (or
 * `maxBatches` ran); resolves how many were deleted. Rollups are kept.
 */
export async function deleteUsageBefore(db: Database, before: Date, options: { batchSize?: number; maxBatches?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? USAGE_RETENTION_BATCH;
  const maxBatches = options.maxBatches ?? Number.POSITIVE_INFINITY;
  let total = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const [row] = await db.withSession((s) => s.query<{ deleted: number }>(COUNT_DELETED, [before.toISOString(), batchSize]));
    const deleted = row?.deleted ?? 0;
    total += deleted;
    if (deleted < batchSize) break;
  }
  return total;
}
