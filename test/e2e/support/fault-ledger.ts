import type { PrivatePostgres } from './private-servers';
import type { LoadOutcome } from './steady-load';

export interface LedgerCount {
  /** Requests that got an answer. */
  readonly answered: number;
  /** Ledger rows of those requests. */
  readonly rows: number;
  /** Rows whose status is not `ok` among them. */
  readonly notOk: number;
  /** Request ids seen more than once in the ledger. */
  readonly duplicated: number;
  /** Answered requests without a row. */
  readonly missing: string[];
  /** Ledger rows of the failed requests that carried a request id (not checked: a figure). */
  readonly rowsOfFailed: number;
}

/** Ledger rows of the answered requests, by the gateway's request id. */
export async function countLedger(pg: PrivatePostgres, outcomes: readonly LoadOutcome[]): Promise<LedgerCount> {
  const ids = outcomes.filter((o) => o.ok).map((o) => o.requestId ?? `missing-request-id-${o.n}`);
  const rows = await pg.query<{ request_id: string; status: string; n: string }>(
    'SELECT request_id, min(status) AS status, count(*) AS n FROM usage_records WHERE request_id = ANY($1) GROUP BY request_id',
    [ids],
  );
  const failedIds = outcomes.filter((o) => !o.ok && o.requestId !== undefined).map((o) => o.requestId as string);
  const [failedRows] = await pg.query<{ n: string }>('SELECT count(*) AS n FROM usage_records WHERE request_id = ANY($1)', [failedIds]);
  const found = new Set(rows.map((r) => r.request_id));
  return {
    answered: ids.length,
    rows: rows.reduce((sum, r) => sum + Number(r.n), 0),
    notOk: rows.filter((r) => r.status !== 'ok').length,
    duplicated: rows.filter((r) => Number(r.n) > 1).length,
    missing: ids.filter((id) => !found.has(id)),
    rowsOfFailed: Number(failedRows?.n ?? 0),
  };
}

/** Waits (bounded) until every answered request has its row; returns the last count either way. */
export async function settledLedger(pg: PrivatePostgres, outcomes: readonly LoadOutcome[], timeoutMs: number): Promise<LedgerCount> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const count = await countLedger(pg, outcomes).catch(() => undefined);
    if (count && count.missing.length === 0) return count;
    if (performance.now() > deadline) return count ?? (await countLedger(pg, outcomes));
    await new Promise((r) => setTimeout(r, 500));
  }
}
