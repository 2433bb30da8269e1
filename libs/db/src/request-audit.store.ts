import type { Database } from './database';

/** One request as the request audit keeps it (table request_audit; docs/architecture.md, "Request audit and residency"). */
export interface RequestAuditInput {
  requestId: string;
  tenantId: string;
  keyId: string;
  clientIp: string | null;
  clientRequestId: string | null;
  endpoint: string;
  dialect: string;
  model: string;
  providerId: string | null;
  deploymentId: string | null;
  deploymentRegion: string | null;
  dataRegions: readonly string[];
  region: string | null;
  outcome: RequestAuditOutcome;
  httpStatus: number;
  errorKind: string | null;
  piiAction: string | null;
  piiCategories: readonly string[];
  /** Sealed by the ingress (enc:v1:…); never plaintext. */
  requestBody: string | null;
  responseBody: string | null;
  startedAt: Date;
  finishedAt: Date;
}

export const REQUEST_AUDIT_OUTCOMES = ['ok', 'error', 'aborted', 'refused'] as const;
export type RequestAuditOutcome = (typeof REQUEST_AUDIT_OUTCOMES)[number];

const COLUMNS = 22;

/** Column count of the audit's insert: its parameters are $first … $first + 21. */
export const AUDIT_INSERT_PARAMS = COLUMNS;

// Like the ledger's insert (usage.recorder.ts): one INSERT … SELECT FROM unnest per batch through
// the driver session, idempotent on the request id, so a redelivered batch adds nothing. The
// two text[] columns cannot ride in unnest (it flattens arrays of arrays), so they travel as
// array literals (textArrayLiteral) and are cast back per row.
/** The audit's insert as the CTE `audited` of a WITH, parameters numbered from `first`. */
export function auditInsertCte(first = 1): string {
  const $ = (i: number) => `$${first + i - 1}`;
  return `audited AS (
  INSERT INTO request_audit (request_id, tenant_id, key_id, client_ip, client_request_id, endpoint, dialect, model,
    provider_id, deployment_id, deployment_region, data_regions, region, outcome, http_status, error_kind,
    pii_action, pii_categories, request_body, response_body, started_at, finished_at)
  SELECT r, t, k, ip, cr, ep, di, m, p, d, dr, drs::text[], rg, o, hs, ek, pa, pc::text[], rb, sb, sa, fa
  FROM unnest(${$(1)}::text[], ${$(2)}::text[], ${$(3)}::text[], ${$(4)}::text[], ${$(5)}::text[], ${$(6)}::text[], ${$(7)}::text[], ${$(8)}::text[],
    ${$(9)}::text[], ${$(10)}::text[], ${$(11)}::text[], ${$(12)}::text[], ${$(13)}::text[], ${$(14)}::text[], ${$(15)}::int[], ${$(16)}::text[],
    ${$(17)}::text[], ${$(18)}::text[], ${$(19)}::text[], ${$(20)}::text[], ${$(21)}::timestamptz[], ${$(22)}::timestamptz[])
    AS u(r, t, k, ip, cr, ep, di, m, p, d, dr, drs, rg, o, hs, ek, pa, pc, rb, sb, sa, fa)
  ON CONFLICT (request_id) DO NOTHING
  RETURNING 1)`;
}

const BATCH_INSERT = `WITH ${auditInsertCte()}
  SELECT count(*)::int AS inserted FROM audited`;

/** The audit insert's parameters: one array per column, in the insert's column order. */
export function auditColumns(rows: readonly RequestAuditInput[]): unknown[][] {
  const columns: unknown[][] = Array.from({ length: COLUMNS }, () => []);
  for (const a of rows) {
    const row = [
      a.requestId, a.tenantId, a.keyId, a.clientIp, a.clientRequestId, a.endpoint, a.dialect, a.model,
      a.providerId, a.deploymentId, a.deploymentRegion, textArrayLiteral(a.dataRegions), a.region, a.outcome, a.httpStatus, a.errorKind,
      a.piiAction, textArrayLiteral(a.piiCategories), a.requestBody, a.responseBody, a.startedAt.toISOString(), a.finishedAt.toISOString(),
    ];
    row.forEach((v, c) => (columns[c] as unknown[]).push(v));
  }
  return columns;
}

/** Stores many audit rows in one statement; resolves how many were new. */
export async function recordRequestAudit(db: Database, rows: readonly RequestAuditInput[]): Promise<number> {
  if (rows.length === 0) return 0;
  const [result] = await db.withSession((s) => s.query<{ inserted: number }>(BATCH_INSERT, auditColumns(rows)));
  return result?.inserted ?? 0;
}

// Deletes go in batches so a first run over a large backlog never holds one long transaction
// (and its locks, and its WAL) over millions of rows: each statement is its own transaction.
const PRUNE_BATCH = `
  WITH doomed AS (SELECT request_id FROM request_audit WHERE started_at < $1 ORDER BY started_at LIMIT $2)
  DELETE FROM request_audit a USING doomed WHERE a.request_id = doomed.request_id`;
const PRUNE_COUNT = `WITH gone AS (${PRUNE_BATCH} RETURNING 1) SELECT count(*)::int AS deleted FROM gone`;

/** Deletes audit rows that started before `before`, `batch` at a time; resolves how many went. */
export async function pruneRequestAudit(db: Database, before: Date, batch = 5_000): Promise<number> {
  let total = 0;
  for (;;) {
    const [result] = await db.withSession((s) => s.query<{ deleted: number }>(PRUNE_COUNT, [before.toISOString(), batch]));
    const deleted = result?.deleted ?? 0;
    total += deleted;
    if (deleted < batch) return total;
  }
}

/**
 * A text[] as Postgres' array literal, every element double-quoted with `"` and `\\` escaped
 * (the array input syntax), cast with ::text[] per row instead of rebuilt from JSON text by two
 * subqueries per row (a few µs of PGlite's CPU per row less).
 */
export function textArrayLiteral(values: readonly string[]): string {
  if (values.length === 0) return '{}';
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
