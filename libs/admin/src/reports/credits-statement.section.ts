import type { StatementPeriod, StatementSection, StatementSectionResult } from './statement-section';
import { nanoUsdOf } from '@switchyard/shared';

// The prepaid-credit ledger (issue 16, "Prepaid credit") lands in its own migration; until it
// has, to_regclass finds no table and the statement has no credits section.
const TABLE_EXISTS = `SELECT to_regclass('credit_entries') IS NOT NULL AS present`;
const ENTRIES = `
  SELECT kind, coalesce(reason, '') AS reason, amount_usd::text AS amount_usd,
         to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
    FROM credit_entries
   WHERE tenant_id = $1 AND created_at >= $2::timestamptz AND created_at < $3::timestamptz
   ORDER BY created_at, kind`;

/** Top-ups, adjustments and refunds entered in the month, one line each, oldest first. */
export class CreditsStatementSection implements StatementSection {
  async build(p: StatementPeriod): Promise<StatementSectionResult | null> {
    return p.db.withSession(async (s) => {
      const [exists] = await s.query<{ present: boolean }>(TABLE_EXISTS);
      if (!exists?.present) return null;
      const rows = await s.query<{ kind: string; reason: string; amount_usd: string; at: string }>(ENTRIES, [p.tenantId, p.from.toISOString(), p.to.toISOString()]);
      return { kind: 'credits', lines: rows.map((r) => ({ label: r.reason ? `${r.kind}: ${r.reason}` : r.kind, amountNanoUsd: nanoUsdOf(r.amount_usd), at: r.at })) };
    });
  }
}
