import type { Database } from './database';
import { AUDIT_INSERT_PARAMS, auditColumns, auditInsertCte, type RequestAuditInput } from './request-audit.store';
import type { UsageRecordInput } from './usage-record.types';
import { USAGE_INSERT_PARAMS, usageColumns, usageInsertCtes } from './usage.recorder';

// A batch's ledger rows, their rollups and its request-audit rows in one statement (issue 11):
// one message to PGlite's worker and one transaction per batch instead of two, and the audit can
// no longer be behind the ledger it describes. Both inserts keep their own idempotency.
const INSERT_WITH_AUDIT = `WITH ${usageInsertCtes(1)},
  ${auditInsertCte(USAGE_INSERT_PARAMS + 1)}
  SELECT (SELECT count(*) FROM inserted)::int AS inserted, (SELECT count(*) FROM audited)::int AS audited`;

export interface UsageWithAuditCounts {
  /** New ledger rows (a redelivered event adds none). */
  inserted: number;
  /** New request-audit rows. */
  audited: number;
}

/**
 * Stores ledger rows (with their rollups) and audit rows in one statement, one transaction: a
 * data error in either stores neither, and the caller falls back to storing them apart.
 */
export async function recordUsageWithAudit(db: Database, usage: readonly UsageRecordInput[], audit: readonly RequestAuditInput[]): Promise<UsageWithAuditCounts> {
  if (usage.length === 0 && audit.length === 0) return { inserted: 0, audited: 0 };
  const params = [...usageColumns(usage), ...auditColumns(audit)];
  if (params.length !== USAGE_INSERT_PARAMS + AUDIT_INSERT_PARAMS) throw new Error('usage and audit columns do not match the statement');
  const [result] = await db.withSession((s) => s.query<UsageWithAuditCounts>(INSERT_WITH_AUDIT, params));
  return { inserted: result?.inserted ?? 0, audited: result?.audited ?? 0 };
}
