import type { StatementPeriod, StatementSection, StatementSectionResult } from './statement-section';
import { nanoUsdOf } from '@switchyard/shared';

const ENTRIES = `
  SELECT kind, coalesce(reason, '') AS reason, amount_usd::text AS amount_usd,
         to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
    FROM credit_entries
   WHERE tenant_id = $1 AND created_at >= $2::timestamptz AND created_at < $3::timestamptz
   ORDER BY created_at, kind`;

/** Top-ups, adjustments and refunds entered in the month, one line each, oldest first; none, no section. */
export class CreditsStatementSection implements StatementSection {
  async build(p: StatementPeriod): Promise<StatementSectionResult | null> {
    return p.db.withSession(async (s) => {
      const rows = await s.query<{ kind: string; reason: string; amount_usd: string; at: string }>(ENTRIES, [p.tenantId, p.from.toISOString(), p.to.toISOString()]);
      if (!rows.length) return null;
      return { kind: 'credits', lines: rows.map((r) => ({ label: r.reason ? `${r.kind}: ${r.reason}` : r.kind, amountNanoUsd: nanoUsdOf(r.amount_usd), at: r.at })) };
    });
  }
}
