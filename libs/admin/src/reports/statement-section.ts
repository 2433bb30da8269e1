import type { Database } from '@switchyard/db';

/** What a section provider is asked for: one tenant's UTC month [from, to). */
export interface StatementPeriod {
  db: Database;
  tenantId: string;
  /** YYYY-MM */
  month: string;
  from: Date;
  to: Date;
  /** The month's usage cost in nano-USD, the exact sum of the usage lines (for plan overage). */
  usageNanoUsd: bigint;
}

/** One line of a section: an amount with what it is for. */
export interface StatementSectionLine {
  label: string;
  amountNanoUsd: bigint;
  /** When the entry was made (credits), ISO 8601 UTC; absent for monthly figures. */
  at?: string;
}

export interface StatementSectionResult {
  /** 'plan', 'credits', …: the section's name in JSON and CSV. */
  kind: string;
  lines: StatementSectionLine[];
}

/**
 * A part of the monthly statement beyond usage (plan fee, included, overage; credits): each
 * provider answers null when what it reads does not exist (its table or column not migrated
 * yet, no plan wired), and the statement then leaves the section out.
 */
export interface StatementSection {
  build(period: StatementPeriod): Promise<StatementSectionResult | null>;
}
