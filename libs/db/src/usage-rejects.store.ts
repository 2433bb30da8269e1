import type { Database } from './database';
import type { UsageRejectInput } from './usage-record.types';

// A reject is set aside once: a redelivered batch that meets the same poison event again
// leaves the first row (and its error) as it is.
const INSERT_REJECTS = `
  INSERT INTO usage_rejects (request_id, tenant_id, event, error)
  SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[])
  ON CONFLICT (request_id) DO NOTHING`;

/** Stores usage events the ledger refused; each request id once. */
export async function recordUsageRejects(db: Database, rejects: readonly UsageRejectInput[]): Promise<void> {
  if (rejects.length === 0) return;
  await db.withSession((s) =>
    s.query(INSERT_REJECTS, [rejects.map((r) => r.requestId), rejects.map((r) => r.tenantId ?? null), rejects.map((r) => r.eventJson), rejects.map((r) => r.error)]),
  );
}

// SQLSTATE classes that are about the statement's data, so retrying the same rows cannot help:
// 22 data exception (e.g. 22021 "invalid byte sequence for encoding UTF8: 0x00", 22003 numeric
// value out of range, 22P02 invalid text representation), 23 integrity constraint violation.
// Everything else (08 connection, 53 resources, 57 operator intervention, 40 rollback, no
// code at all: a socket error) is an outage and must be retried as it always was.
const DATA_ERROR_CLASSES = new Set(['22', '23']);

/** Whether Postgres (or PGlite) refused the statement because of the rows it was given. */
export function isUsageDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 && DATA_ERROR_CLASSES.has(code.slice(0, 2));
}
